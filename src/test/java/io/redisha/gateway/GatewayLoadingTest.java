package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A master restarted on its port while it loads its RDB (slowed with key-load-delay):
 * writes it refuses with LOADING are held and sent again until it takes them; the
 * client never sees LOADING.
 */
class GatewayLoadingTest {

  @Test
  void writesRefusedWhileLoadingAreSentAgainOnceLoaded() throws Exception {
    Path dir = Files.createTempDirectory("gateway-loading-");
    int port = Ports.free();
    Process p = redis(dir, port);
    List<Process> all = new ArrayList<>(List.of(p));
    try {
      try (RespClient c = new RespClient(port)) {
        for (int i = 0; i < 4000; i++) c.send("SET", "k" + i, "v");
        for (int i = 0; i < 4000; i++) c.read();
        assertEquals("+OK", c.call("SAVE").toString());
      }
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(port), "--failover-hold-ms", "20000");
          RespClient c = gw.client()) {
        assertEquals("+OK", c.call("SET", "before", "1").toString());
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        // 4000 keys at 1 ms each: about 4 s of LOADING, answering clients meanwhile (ROLE says master).
        Process q = redis(dir, port, "--key-load-delay", "1000", "--loading-process-events-interval-bytes", "1024");
        all.add(q);
        try (RespClient d = new RespClient(port)) {
          assertTrue(d.call("GET", "k1").toString().startsWith("-LOADING"), "the restarted master is not loading");
        }
        c.setTimeout(30_000);
        Reply r = c.call("SET", "during", "1");
        assertEquals("+OK", r.toString(), "the client saw the refusal");
        try (RespClient d = new RespClient(port)) {
          assertEquals("\"1\"", d.call("GET", "during").toString());
          assertEquals("\"v\"", d.call("GET", "k3999").toString());
          String stats = Reply.str(d.call("INFO", "commandstats"));
          assertTrue(stats.matches("(?s).*cmdstat_set:calls=1,.*rejected_calls=[1-9].*"),
              "the write never met LOADING, so this test proved nothing: " + stats);
        }
        assertTrue(gw.gw.resent >= 1);
      }
    } finally {
      for (Process x : all) x.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** redis-server on a fixed port and dir, so that a restart finds its RDB; returns once it accepts connections. */
  private static Process redis(Path dir, int port, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--logfile", dir.resolve("redis.log").toString()));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      try (RespClient c = new RespClient(port)) {
        return p;
      } catch (IOException e) {
        Thread.sleep(10);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("redis-server did not start on " + port + "; see " + dir);
  }
}
