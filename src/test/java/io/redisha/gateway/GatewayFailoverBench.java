package io.redisha.gateway;

import io.redisha.testing.BenchProcesses;
import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The failover benchmark behind src/test/bench/gateway-failover.sh. Each scenario: a
 * master and two replicas, three sentinels (quorum 2, down-after as given), our gateway
 * in front, every one its own process; writers send SETs of distinct keys through the
 * gateway and record which were acknowledged; kill -9 of the master. Measured: from the
 * kill to the first sentinel answering get-master-addr-by-name with the new master
 * (polled every 5 ms on all three), from then to the first write acknowledged through
 * the gateway that was sent after the kill, and how many acknowledged writes the new
 * master lacks. Scenarios: ours (our nodes and sentinels) and redis (redis-server and
 * redis-sentinel), each with write-ack-replicas 0 and 1, interleaved round by round.
 *
 * <p>Arguments: {@code --rounds 3 --down-after 500 --impl ours,redis --write-ack 0,1 --writers 4}.
 */
public final class GatewayFailoverBench {

  private GatewayFailoverBench() {}

  record Result(String impl, int writeAck, long killToSentinel, long sentinelToWrite, long killToWrite,
      long acked, long lost, String errors) {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    long downAfter = 500;
    List<String> impls = List.of("ours", "redis");
    List<Integer> acks = List.of(0, 1);
    int writers = 4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--down-after" -> downAfter = Long.parseLong(args[i + 1]);
        case "--impl" -> impls = List.of(args[i + 1].split(","));
        case "--write-ack" -> acks = Stream.of(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--writers" -> writers = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Result> results = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      for (String impl : impls) {
        for (int ack : acks) {
          Result res = scenario(impl, ack, downAfter, writers);
          System.out.printf("# round %d %s write-ack-replicas %d: sentinel named the new master %d ms after the kill, "
                  + "first write through the gateway %d ms after that (%d ms after the kill); %d acknowledged, %d lost; errors %s%n",
              r, impl, ack, res.killToSentinel, res.sentinelToWrite, res.killToWrite, res.acked, res.lost, res.errors);
          results.add(res);
        }
      }
    }
    System.out.println();
    System.out.printf("Medians of %d round(s), down-after %d ms, %d writers:%n%n", rounds, downAfter, writers);
    System.out.println("| nodes + sentinels | write-ack-replicas | kill -9 to sentinel names new master (ms) "
        + "| sentinel to first write through gateway (ms) | kill -9 to first write (ms) | acknowledged writes lost |");
    System.out.println("|---|---|---|---|---|---|");
    Map<String, List<Result>> by = new LinkedHashMap<>();
    for (Result res : results) by.computeIfAbsent(res.impl + "/" + res.writeAck, k -> new ArrayList<>()).add(res);
    for (List<Result> rs : by.values()) {
      Result f = rs.get(0);
      System.out.printf("| %s | %d | %s | %s | %s | %s |%n",
          f.impl.equals("ours") ? "ours" : "redis-server + redis-sentinel 7.0",
          f.writeAck, median(rs, Result::killToSentinel), median(rs, Result::sentinelToWrite),
          median(rs, Result::killToWrite), median(rs, Result::lost));
    }
  }

  private static String median(List<Result> rs, java.util.function.ToLongFunction<Result> f) {
    long[] v = rs.stream().mapToLong(f).sorted().toArray();
    if (v.length % 2 == 1) return Long.toString(v[v.length / 2]);
    return Double.toString((v[v.length / 2 - 1] + v[v.length / 2]) / 2.0);
  }

  private static Result scenario(String impl, int writeAck, long downAfter, int writerCount) throws Exception {
    Path root = Files.createTempDirectory("gateway-failover-");
    List<Process> procs = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    try {
      boolean ours = impl.equals("ours");
      int masterPort = Ports.free();
      List<Integer> ports = new ArrayList<>(List.of(masterPort, Ports.free(), Ports.free()));
      Process master = node(ours, root, masterPort, procs);
      for (int p : ports.subList(1, 3)) node(ours, root, p, procs, "--replicaof", "127.0.0.1", String.valueOf(masterPort));
      for (int p : ports.subList(1, 3)) await(20_000, "replica " + p + " linked", () -> info(p, "master_link_status").equals("up"));

      List<Integer> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int sp = Ports.free();
        Path conf = root.resolve("sentinel-" + sp + ".conf");
        Files.writeString(conf, "port " + sp + "\nbind 127.0.0.1\ndir \"" + root + "\"\n"
            + "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
            + "sentinel down-after-milliseconds mymaster " + downAfter + "\n"
            + "sentinel parallel-syncs mymaster 1\nsentinel failover-timeout mymaster 180000\n");
        List<String> cmd = ours ? java("sentinel", conf.toString()) : List.of("redis-sentinel", conf.toString());
        procs.add(start(cmd, root.resolve("sentinel-" + sp + ".log")));
        sentinels.add(sp);
      }
      await(60_000, "sentinels see two replicas and each other", () -> sentinels.stream().allMatch(sp ->
          masterField(sp, "num-slaves").equals("2") && masterField(sp, "num-other-sentinels").equals("2")));
      // A sentinel stalled while starting (a busy machine) sits in TILT for 30 s: wait it out.
      await(60_000, "sentinels out of TILT", () -> sentinels.stream().allMatch(sp ->
          str(call(sp, "INFO", "sentinel")).contains("sentinel_tilt:0") && masterField(sp, "flags").equals("master")));

      int gwPort = Ports.free();
      List<String> gw = new ArrayList<>(List.of("--port", String.valueOf(gwPort), "--bind", "127.0.0.1",
          "--master-name", "mymaster", "--failover-hold-ms", "10000", "--write-ack-replicas", String.valueOf(writeAck),
          "--loglevel", "notice"));
      for (int sp : sentinels) gw.addAll(List.of("--sentinel", "127.0.0.1", String.valueOf(sp)));
      List<String> gwCmd = java("gateway", gw.toArray(String[]::new));
      procs.add(start(gwCmd, root.resolve("gateway.log")));
      await(30_000, "the gateway serves writes", () -> {
        Reply r = call(gwPort, "SET", "probe", "1");
        return r instanceof Reply.Simple;
      });

      AtomicLong kill = new AtomicLong(Long.MAX_VALUE);
      AtomicLong firstOkAfterKill = new AtomicLong();
      AtomicLong okCount = new AtomicLong();
      List<List<String>> acked = new ArrayList<>();
      Map<String, Long> errors = new java.util.concurrent.ConcurrentHashMap<>();
      for (int w = 0; w < writerCount; w++) {
        List<String> mine = new ArrayList<>();
        acked.add(mine);
        int id = w;
        Thread t = new Thread(() -> writeLoop(gwPort, id, mine, kill, firstOkAfterKill, okCount, errors), "bench-writer-" + w);
        t.setDaemon(true);
        writers.add(t);
        t.start();
      }
      await(20_000, "writes before the kill", () -> okCount.get() > 2000);

      long killNanos = System.nanoTime();
      master.destroyForcibly();
      master.waitFor(5, TimeUnit.SECONDS);
      // Only writes sent once the old master is gone count as after the kill: one sent
      // between the signal and the process's end can still be acknowledged by it.
      kill.set(System.nanoTime());
      long sentinelNanos = 0;
      String newMaster = "";
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (sentinelNanos == 0) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("no sentinel named a new master within 60 s; see " + root);
        for (int sp : sentinels) {
          String addr = masterAddr(sp);
          if (!addr.isEmpty() && !addr.endsWith(":" + masterPort)) {
            sentinelNanos = System.nanoTime();
            newMaster = addr;
            break;
          }
        }
        if (sentinelNanos == 0) Thread.sleep(5);
      }
      await(60_000, "a write through the gateway after the kill", () -> firstOkAfterKill.get() != 0);
      long okAtFirst = okCount.get();
      await(30_000, "writes keep going after the failover", () -> okCount.get() > okAtFirst + 500);
      for (Thread t : writers) t.interrupt();
      for (Thread t : writers) t.join(20_000);
      // The sentinels' settled view, not their first answer: every sentinel names the same
      // master, and not the killed one (a non-leader learns of the switch seconds later).
      await(30_000, "all sentinels name the same new master", () -> {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int sp : sentinels) seen.add(masterAddr(sp));
        return seen.size() == 1 && !seen.contains("") && !seen.iterator().next().endsWith(":" + masterPort);
      });
      newMaster = masterAddr(sentinels.get(0));
      int newPort = Integer.parseInt(newMaster.substring(newMaster.indexOf(':') + 1));
      long total = 0;
      long lost = 0;
      try (RespClient n = new RespClient(newPort)) {
        n.setTimeout(30_000);
        for (List<String> keys : acked) {
          List<String> snapshot;
          synchronized (keys) {
            snapshot = new ArrayList<>(keys);
          }
          total += snapshot.size();
          for (int from = 0; from < snapshot.size(); from += 1000) {
            List<String> batch = snapshot.subList(from, Math.min(snapshot.size(), from + 1000));
            for (String k : batch) n.send("EXISTS", k);
            for (int i = 0; i < batch.size(); i++) if (!n.read().toString().equals(":1")) lost++;
          }
        }
      }
      return new Result(impl, writeAck, (sentinelNanos - killNanos) / 1_000_000, (firstOkAfterKill.get() - sentinelNanos) / 1_000_000,
          (firstOkAfterKill.get() - killNanos) / 1_000_000, total, lost, errors.toString());
    } finally {
      for (Thread t : writers) t.interrupt();
      BenchProcesses.stopAndClean(procs, root);
    }
  }

  /**
   * SETs of distinct keys, one at a time, through the gateway. Acknowledged (+OK) keys are
   * recorded; errors are counted by their first words. Reconnects after a lost connection.
   */
  private static void writeLoop(int port, int id, List<String> acked, AtomicLong kill, AtomicLong firstOkAfterKill,
      AtomicLong okCount, Map<String, Long> errors) {
    RespClient c = null;
    for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
      try {
        if (c == null) {
          c = new RespClient(port);
          c.setTimeout(30_000);
        }
        String key = "w" + id + ":" + i;
        long sent = System.nanoTime();
        Reply r = c.call("SET", key, "v");
        if (r instanceof Reply.Simple) {
          long now = System.nanoTime();
          synchronized (acked) {
            acked.add(key);
          }
          okCount.incrementAndGet();
          if (sent - kill.get() > 0) firstOkAfterKill.compareAndSet(0, now);
        } else {
          String s = r.toString();
          String kind = s.contains("may or may not have been applied") ? "unknown-fate"
              : s.split(" ")[0] + (s.contains("gateway:") ? " gateway" : "");
          errors.merge(kind, 1L, Long::sum);
        }
      } catch (IOException e) {
        errors.merge("io", 1L, Long::sum);
        if (c != null) {
          try {
            c.close();
          } catch (IOException ignored) {
            // reconnecting anyway
          }
        }
        c = null;
        if (Thread.currentThread().isInterrupted()) return;
      }
    }
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // done
      }
    }
  }

  private static List<String> java(String sub, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.redisha.launcher.Main", sub));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Process node(boolean ours, Path root, int port, List<Process> procs, String... extra) throws Exception {
    Path dir = Files.createDirectories(root.resolve("node-" + port));
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0"));
    args.addAll(List.of(extra));
    List<String> cmd;
    if (ours) {
      cmd = java("node", args.toArray(String[]::new));
    } else {
      cmd = new ArrayList<>(List.of("redis-server"));
      cmd.addAll(args);
    }
    Process p = start(cmd, dir.resolve("out.log"));
    procs.add(p);
    await(30_000, "node " + port + " answers PING", () -> call(port, "PING") instanceof Reply.Simple);
    return p;
  }

  private static Reply call(int port, String... args) {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(1000);
      return c.call(args);
    } catch (IOException e) {
      return null;
    }
  }

  private static String str(Reply r) {
    try {
      return r == null ? "" : Reply.str(r);
    } catch (RuntimeException e) {
      return String.valueOf(r);
    }
  }

  private static String info(int port, String field) {
    for (String l : str(call(port, "INFO", "replication")).split("\r\n")) {
      if (l.startsWith(field + ":")) return l.substring(field.length() + 1);
    }
    return "";
  }

  private static String masterAddr(int sentinelPort) {
    Reply r = call(sentinelPort, "SENTINEL", "get-master-addr-by-name", "mymaster");
    if (r instanceof Reply.Agg a && a.items().size() == 2) return str(a.items().get(0)) + ":" + str(a.items().get(1));
    return "";
  }

  private static String masterField(int sentinelPort, String field) {
    Reply r = call(sentinelPort, "SENTINEL", "MASTER", "mymaster");
    if (!(r instanceof Reply.Agg a)) return "";
    for (int i = 0; i + 1 < a.items().size(); i += 2) if (str(a.items().get(i)).equals(field)) return str(a.items().get(i + 1));
    return "";
  }

  private static void await(long ms, String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("benchmark step timed out after " + ms + " ms: " + what);
      Thread.sleep(10);
    }
  }
}
