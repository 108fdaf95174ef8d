package io.redisha.sentinel;

import io.redisha.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code sentinel /path/sentinel.conf [--port 26379 ...]}, as redis-sentinel is started. */
public final class SentinelMain {

  private SentinelMain() {}

  public static int run(String[] args) throws InterruptedException {
    if (args.length == 0 || args[0].startsWith("--")) {
      System.err.println("Sentinel needs config file on disk to save state. Exiting...");
      return 1;
    }
    Sentinel s;
    try {
      s = Sentinel.fromArgs(args);
    } catch (ConfigException | IOException | NumberFormatException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    try {
      s.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("Failed to start the sentinel: " + cause.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    s.stopped().onComplete(x -> stopped.countDown());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    }, "sentinel-shutdown"));
    stopped.await();
    return 0;
  }
}
