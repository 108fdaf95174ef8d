package io.redisha.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.launcher.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Our node as a separate process, started like {@code java -jar ... node} on {@code dir}
 * with {@code save ""}, so a test can kill it with SIGKILL and start another on the same
 * files. Its output (the log) is collected in a file next to the directory.
 */
public final class NodeProcess implements AutoCloseable {
  public final int port = Ports.free();
  public final Process process;
  public final Path log;

  public NodeProcess(Path dir, String... options) throws IOException {
    this(dir, List.of("-Xmx512m"), options);
  }

  /** With these JVM options, e.g. the README's -XX:+UseSerialGC -Xmn64m. */
  public NodeProcess(Path dir, List<String> jvm, String... options) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node",
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
    cmd.addAll(List.of(options));
    log = Files.createTempFile(dir.getParent(), "node-", ".log");
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  public NodeProcess awaitReady() throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      if (!process.isAlive()) throw new AssertionError("node exited: " + output());
      try (RespClient c = new RespClient(port)) {
        if (c.call("PING").toString().equals("+PONG")) return this;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) throw new AssertionError("node never answered: " + output());
        Thread.sleep(50);
      }
    }
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /** Waits for the process to exit on its own; its exit code. */
  public int exitCode() throws Exception {
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "node did not exit");
    return process.exitValue();
  }

  public void kill9() throws Exception {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public RespClient client() throws IOException {
    return new RespClient(port);
  }

  @Override
  public void close() throws Exception {
    kill9();
  }
}
