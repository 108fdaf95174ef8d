package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java ... Main sentinel sentinel.conf --port N}: started like redis-sentinel, stopped by SHUTDOWN. */
class SentinelProcessTest {

  @Test
  void launcherStartsASentinelThatShutdownStops(@TempDir Path dir) throws Exception {
    int port = Ports.free();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, SentinelConfigTest.CLASSIC.replace("dir /tmp", "dir " + dir)
        .replace("logfile \"\"", "logfile \"" + dir.resolve("s.log") + "\"") + "requirepass pw\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.redisha.launcher.Main",
        "sentinel", conf.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
    try {
      Fleet.await("the sentinel answers", 20_000, () -> Fleet.call(port, "PING").toString().startsWith("-NOAUTH"));
      try (io.redisha.testing.RespClient c = new io.redisha.testing.RespClient(port)) {
        assertEquals("+OK", c.call("AUTH", "pw").toString());
        assertEquals("*[\"127.0.0.1\", \"6379\"]", c.call("SENTINEL", "get-master-addr-by-name", "mymaster").toString());
        assertTrue(Fleet.str(c.call("INFO", "server")).contains("redis_mode:sentinel"));
        c.send("SHUTDOWN");
      }
      assertTrue(p.waitFor(15, TimeUnit.SECONDS), "SHUTDOWN stops the process");
      String saved = Files.readString(conf);
      assertTrue(saved.contains("port " + port + "\n") && saved.contains("sentinel myid "), saved);
    } finally {
      p.destroyForcibly();
    }
  }
}
