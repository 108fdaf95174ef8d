package io.redisha.sentinel;

import io.redisha.testing.BenchProcesses;
import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The failover benchmark behind src/test/bench/sentinel-vs-redis.sh: for each sentinel
 * implementation and down-after value, a master with two replicas and three sentinels
 * (quorum 2, parallel-syncs 1, failover-timeout 180000), a client writing through
 * Sentinel discovery, a kill -9 of the master, then a restart of the old master.
 * Every sentinel runs as its own process, ours through the launcher.
 *
 * <p>Arguments: {@code --down-after 3000,500 --rounds 1 --impl ours,redis}.
 */
public final class FailoverBench {

  private FailoverBench() {}

  record Result(String impl, long downAfter, long writeGap, long replicaAfter, long syncedAfter) {}

  public static void main(String[] args) throws Exception {
    List<Long> downAfters = List.of(3000L, 500L);
    List<String> impls = List.of("ours", "redis");
    int rounds = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--down-after" -> downAfters = Stream.of(args[i + 1].split(",")).map(Long::parseLong).toList();
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--impl" -> impls = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Result> results = new ArrayList<>();
    for (long d : downAfters) {
      for (int r = 0; r < rounds; r++) {
        for (String impl : impls) {
          Result res = round(impl, d);
          System.out.printf("# %s down-after=%d: writes back after %d ms, old master replica after %d ms, in sync after %d ms%n",
              impl, d, res.writeGap, res.replicaAfter, res.syncedAfter);
          results.add(res);
        }
      }
    }
    System.out.println();
    System.out.println("| sentinel | down-after (ms) | kill -9 to writes OK (ms) | restart to replica (ms) | restart to in sync (ms) |");
    System.out.println("|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf("| %s | %d | %d | %d | %d |%n", r.impl.equals("ours") ? "ours" : "redis-sentinel 7.0.15",
          r.downAfter, r.writeGap, r.replicaAfter, r.syncedAfter);
    }
  }

  private static Result round(String impl, long downAfter) throws Exception {
    Path root = Files.createTempDirectory("sentinel-bench-");
    List<Process> procs = new ArrayList<>();
    try {
      int masterPort = Ports.free();
      List<Integer> ports = new ArrayList<>(List.of(masterPort, Ports.free(), Ports.free()));
      Process master = redis(root, masterPort, procs);
      redis(root, ports.get(1), procs, "--replicaof", "127.0.0.1", String.valueOf(masterPort));
      redis(root, ports.get(2), procs, "--replicaof", "127.0.0.1", String.valueOf(masterPort));
      for (int p : ports.subList(1, 3)) await(10_000, () -> field(p, "master_link_status").equals("up"));
      List<Integer> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int sp = Ports.free();
        Path conf = root.resolve("sentinel-" + sp + ".conf");
        Files.writeString(conf, "port " + sp + "\nbind 127.0.0.1\ndir \"" + root + "\"\n"
            + "logfile \"" + root.resolve("sentinel-" + sp + ".log") + "\"\n"
            + "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
            + "sentinel down-after-milliseconds mymaster " + downAfter + "\n"
            + "sentinel parallel-syncs mymaster 1\nsentinel failover-timeout mymaster 180000\n");
        List<String> cmd = impl.equals("ours")
            ? List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.redisha.launcher.Main", "sentinel", conf.toString())
            : List.of("redis-sentinel", conf.toString());
        procs.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(root.resolve("sentinel-" + sp + ".out").toFile()).start());
        sentinels.add(sp);
      }
      await(30_000, () -> sentinels.stream().allMatch(sp -> masterField(sp, "num-slaves").equals("2")
          && masterField(sp, "num-other-sentinels").equals("2")));
      // A sentinel stalled while starting (a busy machine) sits in TILT for 30 s: wait it out.
      await(60_000, () -> sentinels.stream().allMatch(sp ->
          Fleet.str(Fleet.call(sp, "INFO", "sentinel")).contains("sentinel_tilt:0")
          && masterField(sp, "flags").equals("master")));

      AtomicLong lastOk = new AtomicLong();
      AtomicLong kill = new AtomicLong(Long.MAX_VALUE);
      AtomicLong firstOkAfterKill = new AtomicLong();
      Thread writer = new Thread(() -> writeLoop(sentinels, lastOk, kill, firstOkAfterKill), "bench-writer");
      writer.setDaemon(true);
      writer.start();
      await(10_000, () -> lastOk.get() > 0);
      Thread.sleep(500);
      master.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      // Only writes sent after the process is gone count as "after the kill".
      kill.set(System.currentTimeMillis());
      await(60_000, () -> firstOkAfterKill.get() > 0);
      long writeGap = firstOkAfterKill.get() - kill.get();
      writer.interrupt();
      String newMaster = masterAddr(sentinels.get(0));
      int newPort = Integer.parseInt(newMaster.substring(newMaster.indexOf(':') + 1));

      long restart = System.currentTimeMillis();
      redis(root, masterPort, procs);
      long replicaAt = awaitTime(60_000, () -> field(masterPort, "master_port").equals(String.valueOf(newPort)));
      long syncedAt = awaitTime(60_000, () -> field(masterPort, "master_port").equals(String.valueOf(newPort))
          && field(masterPort, "master_link_status").equals("up"));
      return new Result(impl, downAfter, writeGap, replicaAt - restart, syncedAt - restart);
    } finally {
      BenchProcesses.stopAndClean(procs, root);
    }
  }

  /** Writes every 5 ms to whatever master the sentinels name, re-asking them after any failure. */
  private static void writeLoop(List<Integer> sentinels, AtomicLong lastOk, AtomicLong kill, AtomicLong firstOkAfterKill) {
    RespClient c = null;
    long i = 0;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (c == null) {
          String addr = "";
          for (int sp : sentinels) {
            addr = masterAddr(sp);
            if (!addr.isEmpty()) break;
          }
          if (addr.isEmpty()) throw new IOException("no master");
          c = new RespClient(addr.substring(0, addr.indexOf(':')), Integer.parseInt(addr.substring(addr.indexOf(':') + 1)));
          c.setTimeout(200);
        }
        long sent = System.currentTimeMillis();
        Reply r = c.call("SET", "bench", String.valueOf(i++));
        if (!(r instanceof Reply.Simple)) throw new IOException(r.toString());
        long now = System.currentTimeMillis();
        lastOk.set(now);
        if (sent > kill.get() && firstOkAfterKill.get() == 0) firstOkAfterKill.set(now);
        Thread.sleep(5);
      } catch (IOException e) {
        if (c != null) {
          try {
            c.close();
          } catch (IOException ignored) {
            // reconnecting anyway
          }
        }
        c = null;
        try {
          Thread.sleep(5);
        } catch (InterruptedException ie) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Process redis(Path root, int port, List<Process> procs, String... extra) throws Exception {
    Path dir = Files.createDirectories(root.resolve("redis-" + port));
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0",
        "--logfile", dir.resolve("redis.log").toString()));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    procs.add(p);
    await(10_000, () -> Fleet.ping(port));
    return p;
  }

  private static String field(int port, String name) {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(500);
      for (String l : Fleet.str(c.call("INFO", "replication")).split("\r\n")) {
        if (l.startsWith(name + ":")) return l.substring(name.length() + 1);
      }
    } catch (IOException e) {
      // not up
    }
    return "";
  }

  private static String masterAddr(int sentinelPort) {
    return Fleet.masterAddr(sentinelPort);
  }

  private static String masterField(int sentinelPort, String f) {
    return Fleet.masterField(sentinelPort, f);
  }

  private static void await(long ms, java.util.function.BooleanSupplier cond) throws InterruptedException {
    awaitTime(ms, cond);
  }

  private static long awaitTime(long ms, java.util.function.BooleanSupplier cond) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("benchmark step timed out after " + ms + " ms");
      Thread.sleep(10);
    }
    return System.currentTimeMillis();
  }
}
