package io.redisha.gateway;

import io.redisha.testing.Ports;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-sentinel process. It needs a writable config file as its first argument
 * (it rewrites it), so this writes one in a temporary directory. Always killed on close.
 */
final class RealSentinel implements AutoCloseable {

  final int port;
  final Path dir;
  private final Process process;

  private RealSentinel(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  static RealSentinel start(String masterName, int masterPort, int quorum, int downAfterMs) throws Exception {
    Path dir = Files.createTempDirectory("real-sentinel-");
    int port = Ports.free();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + dir,
        "logfile " + dir.resolve("sentinel.log"),
        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum,
        "sentinel down-after-milliseconds " + masterName + " " + downAfterMs,
        "sentinel failover-timeout " + masterName + " 3000",
        "sentinel parallel-syncs " + masterName + " 1",
        ""));
    Process p = new ProcessBuilder("redis-sentinel", conf.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    RealSentinel s = new RealSentinel(port, dir, p);
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) break;
      try (RespClient c = new RespClient(port)) {
        c.call("PING");
        return s;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    s.close();
    throw new IllegalStateException("redis-sentinel did not start; see " + dir);
  }

  RespClient client() throws IOException {
    return new RespClient(port);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
