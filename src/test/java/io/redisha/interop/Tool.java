package io.redisha.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real Redis tool (redis-cli, redis-benchmark) to completion and captures
 * what it printed. stdout and stderr are drained on their own threads so a chatty
 * tool can never fill a pipe and hang the test.
 */
final class Tool {

  record Result(List<String> cmd, int exit, String out, String err) {
    @Override public String toString() {
      return String.join(" ", cmd) + " exited " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private Tool() {}

  static Result run(long timeoutSeconds, byte[] stdin, String... cmd) {
    return run(timeoutSeconds, stdin, null, cmd);
  }

  /** stdinFile, when given, is fed by the OS (for large inputs such as --pipe files). */
  static Result run(long timeoutSeconds, byte[] stdin, Path stdinFile, String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      // redis-cli would otherwise take a password from the environment of whoever runs the tests.
      pb.environment().remove("REDISCLI_AUTH");
      if (stdinFile != null) pb.redirectInput(stdinFile.toFile());
      Process p = pb.start();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      if (stdinFile == null) {
        try (OutputStream in = p.getOutputStream()) {
          if (stdin != null) in.write(stdin);
        }
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        fail(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s; stdout so far:\n"
            + new String(out.getNow(new byte[0]), StandardCharsets.UTF_8));
      }
      return new Result(List.of(cmd), p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // A thread of its own, not the common pool: on a 2-core machine that pool has one
  // worker, and stdout's drain would then wait behind stderr's.
  private static CompletableFuture<byte[]> drain(InputStream s) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.transferTo(b);
        f.complete(b.toByteArray());
      } catch (IOException e) {
        f.complete(new byte[0]);
      }
    }, "tool-output");
    t.setDaemon(true);
    t.start();
    return f;
  }

  static String[] cmd(String binary, int port, String... args) {
    List<String> c = new ArrayList<>(List.of(binary, "-h", "127.0.0.1", "-p", Integer.toString(port)));
    c.addAll(List.of(args));
    return c.toArray(String[]::new);
  }
}
