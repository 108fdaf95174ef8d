package io.redisha.node;

/** Wall-clock milliseconds; one place so that tests and the cron agree on "now". */
public final class Clock {
  public long nowMs() {
    return System.currentTimeMillis();
  }
}
