package io.redisha.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.gateway.Gateway;
import io.redisha.sentinel.Sentinel;
import io.redisha.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTest {

  @Test
  void showsTheGatewaysMasterAndTheSentinelsView(@TempDir Path dir) throws Exception {
    try (TestNode node = TestNode.start()) {
      Gateway gw = Gateway.startAndAwaitMaster("--master", "127.0.0.1", Integer.toString(node.port()),
          "--bind", "127.0.0.1", "--port", "0");
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, "port 0\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 " + node.port() + " 1\n");
      Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
      s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try {
        StringBuilder g = new StringBuilder();
        Status.fromGateway("127.0.0.1:" + gw.port(), g);
        assertTrue(g.toString().contains("state serving"), g.toString());
        assertTrue(g.toString().matches("(?s).*\nmaster +127\\.0\\.0\\.1:" + node.port() + " +writes +\\d+ .*"), g.toString());
        StringBuilder t = new StringBuilder();
        Status.fromSentinel("127.0.0.1:" + s.port(), t);
        assertTrue(t.toString().startsWith("master mymaster"), t.toString());
        assertTrue(t.toString().contains("127.0.0.1:" + node.port()), t.toString());
      } finally {
        s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
