package io.redisha.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server 7.0 process (Debian's package, which the README's test command
 * installs), on a free port, in a temporary directory that is removed on close. The
 * process is always killed on close, so tests leave nothing behind.
 */
public final class RealRedis implements AutoCloseable {

  public final int port;
  public final Path dir;
  private final Process process;

  private RealRedis(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  public static RealRedis start(String... extraArgs) throws IOException, InterruptedException {
    return start("redis-server", extraArgs);
  }

  /** Starts {@code binary} (redis-server or redis-sentinel) with a port, a dir and the extra args. */
  public static RealRedis start(String binary, String... extraArgs) throws IOException, InterruptedException {
    if (!onPath(binary)) {
      throw new IllegalStateException(binary + " is not installed; the README's test command installs it "
          + "(apt-get install redis-server redis-sentinel redis-tools)");
    }
    Path dir = Files.createTempDirectory("real-redis-");
    for (int attempt = 0; ; attempt++) {
      int port = Ports.free();
      List<String> cmd = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
          "--logfile", dir.resolve("redis.log").toString()));
      cmd.addAll(List.of(extraArgs));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
      RealRedis r = new RealRedis(port, dir, p);
      if (r.awaitReady(10_000)) return r;
      r.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      if (attempt == 2) {
        r.close();
        throw new IllegalStateException(binary + " did not start; see its log in " + dir);
      }
    }
  }

  private boolean awaitReady(long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) return false;
      try (RespClient c = new RespClient(port)) {
        Reply r = c.call("PING");
        if (r instanceof Reply.Simple || r instanceof Reply.Error e && e.text().startsWith("NOAUTH")) return true;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    return false;
  }

  public RespClient client() throws IOException {
    return new RespClient(port);
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  static boolean onPath(String binary) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, binary))) return true;
    }
    return false;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
