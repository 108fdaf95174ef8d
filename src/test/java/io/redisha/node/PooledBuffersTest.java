package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.redisha.testing.Await;
import io.redisha.testing.NodeProcess;
import io.redisha.testing.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Netty's leak detector at its strictest over a master serving pipelined replies of every
 * shape, CLIENT REPLY OFF, a replica applying the master's stream, and a restart that
 * replays the AOF: a pooled buffer that the garbage collector collects instead of the
 * code giving it back shows up as "LEAK:" in the node's log. (Vert.x's write(Buffer)
 * hands Netty an unreleasable view of a direct buffer; replies written that way all
 * leaked, as did the buffers taken for replies nobody reads.)
 */
class PooledBuffersTest {

  private static final List<String> JVM = List.of("-Xmx256m", "-Dio.netty.leakDetection.level=paranoid");

  @TempDir
  Path dir;

  @Test
  void everyPooledBufferGoesBackToThePool() throws Exception {
    Path md = Files.createDirectories(dir.resolve("master"));
    Path rd = Files.createDirectories(dir.resolve("replica"));
    try (NodeProcess m = new NodeProcess(md, JVM, "--appendonly", "yes", "--repl-diskless-sync-delay", "0").awaitReady();
        NodeProcess r = new NodeProcess(rd, JVM).awaitReady();
        RespClient mc = m.client();
        RespClient rc = r.client()) {
      rc.call("REPLICAOF", "127.0.0.1", Integer.toString(m.port));
      Await.until(() -> rc.call("INFO", "replication").toString().contains("master_link_status:up"), "the replica to link");
      traffic(mc, rc);
      for (int i = 0; i < 3; i++) {
        // The detector reports a buffer once the collector has taken it and new buffers are made.
        gc(m);
        gc(r);
        traffic(mc, rc);
      }
      String offset = field(mc, "master_repl_offset");
      Await.until(() -> field(rc, "master_repl_offset").equals(offset), "the replica to catch up");
      assertFalse(m.output().contains("LEAK:"), "the master leaked pooled buffers:\n" + m.output());
      assertFalse(r.output().contains("LEAK:"), "the replica leaked pooled buffers:\n" + r.output());
    }
    // The AOF replayed at start: every command's reply is made and dropped.
    try (NodeProcess m = new NodeProcess(md, JVM, "--appendonly", "yes").awaitReady(); RespClient mc = m.client()) {
      assertEquals("\"" + "v".repeat(100) + "\"", mc.call("GET", "k1").toString());
      gc(m);
      traffic(mc, null);
      assertFalse(m.output().contains("LEAK:"), "the restarted node leaked pooled buffers:\n" + m.output());
    }
  }

  private static void traffic(RespClient mc, RespClient rc) throws Exception {
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 300; i++) {
        mc.send("SET", "k" + i, "v".repeat(100));
        mc.send("GET", "k" + i);
        mc.send("LPUSH", "list", "x" + i);
        mc.send("HSET", "hash", "f" + i, "v");
      }
      mc.send("LRANGE", "list", "0", "99");
      mc.send("HGETALL", "hash");
      for (int i = 0; i < 1202; i++) mc.read();
    }
    // CLIENT REPLY OFF: replies are made and dropped until ON.
    mc.send("CLIENT", "REPLY", "OFF");
    mc.send("SET", "quiet", "1");
    mc.send("CLIENT", "REPLY", "ON");
    assertEquals("+OK", mc.read().toString());
    mc.call("LTRIM", "list", "0", "999");
    if (rc != null) for (int i = 0; i < 300; i++) rc.call("GET", "k" + i);
  }

  private static void gc(NodeProcess n) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(n.process.pid()), "GC.run").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
  }

  private static String field(RespClient c, String name) throws Exception {
    for (String line : c.call("INFO", "replication").toString().split("\r\n")) {
      if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
    }
    return "";
  }
}
