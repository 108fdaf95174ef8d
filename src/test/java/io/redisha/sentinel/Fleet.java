package io.redisha.sentinel;

import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real redis-server masters and replicas, real redis-sentinel processes and our
 * sentinels (in-process) for failover stories. Everything lives in one temp dir and is
 * stopped by {@link #close}, even after a failed assertion.
 */
final class Fleet implements AutoCloseable {

  static final String NAME = "mymaster";

  /** A redis-server process that can be killed and restarted on the same port. */
  final class Server {
    final int port;
    final Path dir;
    Process process;

    Server(int port) throws IOException {
      this.port = port;
      this.dir = Files.createDirectories(root.resolve("redis-" + port));
    }

    void start(String... extra) throws Exception {
      List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", "--logfile", dir.resolve("redis.log").toString()));
      cmd.addAll(List.of(extra));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
      await("redis-server " + port + " up", 10_000, () -> ping(port));
    }

    void kill9() throws Exception {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    void signal(String sig) throws Exception {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).start().waitFor();
    }

    String info() {
      try (RespClient c = new RespClient(port)) {
        c.setTimeout(1000);
        return str(c.call("INFO", "replication"));
      } catch (IOException e) {
        return "";
      }
    }

    String field(String name) {
      for (String l : info().split("\r\n")) if (l.startsWith(name + ":")) return l.substring(name.length() + 1);
      return "";
    }
  }

  /** A real redis-sentinel process. */
  final class RealSentinel {
    final int port;
    final Path conf;
    Process process;

    RealSentinel(int port, Path conf) {
      this.port = port;
      this.conf = conf;
    }

    void start() throws Exception {
      process = new ProcessBuilder("redis-sentinel", conf.toString()).redirectErrorStream(true)
          .redirectOutput(conf.resolveSibling("sentinel-" + port + ".out").toFile()).start();
      await("redis-sentinel " + port + " up", 10_000, () -> ping(port));
    }
  }

  final Path root;
  final List<Server> servers = new ArrayList<>();
  final List<Sentinel> ours = new ArrayList<>();
  final List<RealSentinel> reals = new ArrayList<>();

  Fleet() throws IOException {
    root = Files.createTempDirectory("sentinel-fleet-");
  }

  /** A master and its replicas, all in sync. */
  List<Server> replicationGroup(int replicas) throws Exception {
    Server m = new Server(Ports.free());
    m.start();
    servers.add(m);
    for (int i = 0; i < replicas; i++) {
      Server r = new Server(Ports.free());
      r.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
      servers.add(r);
    }
    for (Server r : servers.subList(1, servers.size())) {
      await("replica " + r.port + " in sync", 10_000, () -> r.field("master_link_status").equals("up"));
    }
    return servers;
  }

  String conf(int port, int masterPort, long downAfter, long failoverTimeout) {
    return "port " + port + "\n"
        + "bind 127.0.0.1\n"
        + "daemonize no\n"
        + "logfile \"" + root.resolve("sentinel-" + port + ".log") + "\"\n"
        + "dir \"" + root + "\"\n"
        + "sentinel monitor " + NAME + " 127.0.0.1 " + masterPort + " 2\n"
        + "sentinel down-after-milliseconds " + NAME + " " + downAfter + "\n"
        + "sentinel parallel-syncs " + NAME + " 1\n"
        + "sentinel failover-timeout " + NAME + " " + failoverTimeout + "\n";
  }

  Sentinel ours(int masterPort, long downAfter, long failoverTimeout) throws Exception {
    return ours(masterPort, downAfter, failoverTimeout, "");
  }

  Sentinel ours(int masterPort, long downAfter, long failoverTimeout, String extraConf) throws Exception {
    int port = Ports.free();
    Path conf = root.resolve("ours-" + port + ".conf");
    Files.writeString(conf, conf(port, masterPort, downAfter, failoverTimeout) + extraConf);
    Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
    s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ours.add(s);
    return s;
  }

  RealSentinel real(int masterPort, long downAfter, long failoverTimeout) throws Exception {
    int port = Ports.free();
    Path conf = root.resolve("real-" + port + ".conf");
    Files.writeString(conf, conf(port, masterPort, downAfter, failoverTimeout));
    RealSentinel s = new RealSentinel(port, conf);
    s.start();
    reals.add(s);
    return s;
  }

  static void stopOurs(Sentinel s) {
    try {
      s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
  }

  static boolean ping(int port) {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(1000);
      return c.call("PING") instanceof Reply.Simple;
    } catch (IOException e) {
      return false;
    }
  }

  static Reply call(int port, String... args) {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(2000);
      return c.call(args);
    } catch (IOException e) {
      return new Reply.Error("IO " + e.getMessage());
    }
  }

  /** "ip:port" from SENTINEL get-master-addr-by-name, or "" if none. */
  static String masterAddr(int sentinelPort) {
    Reply r = call(sentinelPort, "SENTINEL", "get-master-addr-by-name", NAME);
    if (r instanceof Reply.Agg a && a.items().size() == 2) return str(a.items().get(0)) + ":" + str(a.items().get(1));
    return "";
  }

  /** One field of SENTINEL master mymaster. */
  static String masterField(int sentinelPort, String field) {
    Reply r = call(sentinelPort, "SENTINEL", "master", NAME);
    if (!(r instanceof Reply.Agg a)) return "";
    for (int i = 0; i + 1 < a.items().size(); i += 2) if (str(a.items().get(i)).equals(field)) return str(a.items().get(i + 1));
    return "";
  }

  static String str(Reply r) {
    if (r instanceof Reply.Bulk b) return b.text();
    if (r instanceof Reply.Simple s) return s.text();
    if (r instanceof Reply.Error e) return e.text();
    if (r instanceof Reply.Int i) return String.valueOf(i.value());
    if (r instanceof Reply.Scalar s) return s.text();
    return String.valueOf(r);
  }

  static void await(String what, long ms, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out after " + ms + " ms waiting for: " + what);
      Thread.sleep(20);
    }
  }

  String logs() {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        sb.append("==== ").append(p.getFileName()).append('\n').append(Files.readString(p));
      }
    } catch (IOException ignored) {
      // diagnostics only
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Sentinel s : ours) stopOurs(s);
    for (RealSentinel s : reals) if (s.process != null) s.process.destroyForcibly();
    for (Server s : servers) {
      if (s.process == null) continue;
      try {
        s.signal("CONT");
      } catch (Exception ignored) {
        // it may be gone already
      }
      s.process.destroyForcibly();
    }
    for (RealSentinel s : reals) waitFor(s.process);
    for (Server s : servers) waitFor(s.process);
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void waitFor(Process p) {
    if (p == null) return;
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
