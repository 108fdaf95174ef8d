package io.redisha.node;

import io.redisha.command.CommandSpec;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Counters for INFO stats; all touched on the node's event loop only. */
public final class Stats {
  public long connectionsReceived;
  public long rejectedConnections;
  public long commandsProcessed;
  public long netInputBytes;
  public long netOutputBytes;
  public long expiredKeys;
  public long evictedKeys;
  public long keyspaceHits;
  public long keyspaceMisses;
  public long pubsubMessages;
  public long totalErrorReplies;
  public long unexpectedErrorReplies;
  public long clientOutputLimitDisconnections;
  /** Socket reads handled and reply writes made (INFO's total_reads_processed, total_writes_processed). */
  public long readsProcessed;
  public long writesProcessed;

  /** INFO errorstats: replies per error code (the first word), at most 128 codes as Redis keeps. */
  public final Map<String, Long> errorCodes = new LinkedHashMap<>();

  /**
   * INFO commandstats per command or subcommand: calls, microseconds, rejected calls
   * (refused before running: arity, auth, MULTI), failed calls (ran and replied an error).
   */
  public final Map<CommandSpec, long[]> commandStats = new IdentityHashMap<>();

  public void called(CommandSpec spec, long usec, boolean failed) {
    long[] s = commandStats.computeIfAbsent(spec, k -> new long[4]);
    s[0]++;
    s[1] += usec;
    if (failed) s[3]++;
  }

  public void rejected(CommandSpec spec) {
    commandStats.computeIfAbsent(spec, k -> new long[4])[2]++;
  }

  /** The most heap used at any sample or INFO (INFO's used_memory_peak). */
  public long peakMemory;

  // Instantaneous rates, as Redis's: the mean of the last 16 samples, one every 100 ms.
  private static final int SAMPLES = 16;
  private final long[][] samples = new long[3][SAMPLES];
  private final long[] lastValue = new long[3];
  private long lastSampleMs = -1;
  private int sampleIdx;

  public void countError(String text) {
    totalErrorReplies++;
    int sp = text.indexOf(' ');
    String code = sp < 0 ? text : text.substring(0, sp);
    Long n = errorCodes.get(code);
    if (n != null) errorCodes.put(code, n + 1);
    else if (errorCodes.size() < 128) errorCodes.put(code, 1L);
  }

  /** Called from the node's cron; takes a sample when 100 ms have passed since the last one. */
  public void sample(long nowMs) {
    if (lastSampleMs >= 0 && nowMs - lastSampleMs < 100) return;
    Runtime rt = Runtime.getRuntime();
    peakMemory = Math.max(peakMemory, rt.totalMemory() - rt.freeMemory());
    long[] now = {commandsProcessed, netInputBytes, netOutputBytes};
    if (lastSampleMs >= 0) {
      long dt = Math.max(1, nowMs - lastSampleMs);
      for (int i = 0; i < now.length; i++) samples[i][sampleIdx] = (now[i] - lastValue[i]) * 1000 / dt;
      sampleIdx = (sampleIdx + 1) % SAMPLES;
    }
    System.arraycopy(now, 0, lastValue, 0, now.length);
    lastSampleMs = nowMs;
  }

  private long mean(int metric) {
    long sum = 0;
    for (long v : samples[metric]) sum += v;
    return sum / SAMPLES;
  }

  public long instantaneousOpsPerSec() {
    return mean(0);
  }

  /** Bytes per second in. */
  public long instantaneousInput() {
    return mean(1);
  }

  public long instantaneousOutput() {
    return mean(2);
  }

  /** CONFIG RESETSTAT. */
  public void reset() {
    connectionsReceived = rejectedConnections = commandsProcessed = netInputBytes = netOutputBytes = 0;
    expiredKeys = evictedKeys = keyspaceHits = keyspaceMisses = pubsubMessages = 0;
    totalErrorReplies = unexpectedErrorReplies = clientOutputLimitDisconnections = 0;
    readsProcessed = writesProcessed = 0;
    errorCodes.clear();
    commandStats.clear();
    for (long[] s : samples) java.util.Arrays.fill(s, 0);
    lastSampleMs = -1;
  }
}
