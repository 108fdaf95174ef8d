package io.redisha.testing;

import java.util.concurrent.TimeUnit;

/** Polling with a deadline, for states a test can only observe (never a blind sleep). */
public final class Await {

  private Await() {}

  public interface Check {
    boolean ok() throws Exception;
  }

  public static void until(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(2);
    }
  }

  /**
   * Waits until the server behind admin reports exactly n blocked clients in INFO; works
   * the same on our node and on redis-server, so a test treats both alike.
   */
  public static void blockedClients(RespClient admin, int n, String server) throws Exception {
    until(() -> Reply.str(admin.call("INFO", "clients")).contains("\r\nblocked_clients:" + n + "\r\n"),
        server + " to have " + n + " blocked clients");
  }
}
