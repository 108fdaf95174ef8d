package io.redisha.gateway;

import io.redisha.command.CommandTable;
import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.util.Log;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The RESP gateway: applications connect here with any ordinary Redis client; the
 * gateway sends writes to the current master and reads by the read policy, and follows
 * the master through failovers ({@link Topology}).
 *
 * <p>Everything runs on one event loop: on a 2-core machine shared with redis-server a
 * second loop buys little, and one loop needs no locking between clients, backend
 * connections and the topology. Writes are batched per loop pass: a connection that
 * gets bytes marks itself dirty, and one task queued behind the pass's I/O flushes
 * every dirty connection with a single write each.
 *
 * <p>Shared backend connections: one per (master or replica, db, protocol), opened on
 * first use, carrying every client's ordinary commands pipelined (see
 * {@link ClientConn} for the per-client ordering rule).
 */
public final class Gateway {

  final GatewayConfig config;
  final Log log = new Log('G');
  final CommandTable table = CommandTable.redis();
  final int maxPipeline;
  final int maxClientInflight;
  final int writeAckReplicas;
  private final String readPolicy;
  private final boolean readFromMasterOnly;
  private final boolean readYourWrites;
  final long writeAckTimeoutMs;
  int databases = 16;
  String backendVersion = "7.0.15";

  Vertx vertx;
  /** Kept in a field: a collected NetClient closes its sockets (Vert.x 5). */
  NetClient netClient;
  private NetServer server;
  Topology topology;
  private int port;

  private final Set<ClientConn> clients = new LinkedHashSet<>();
  private final Set<ClientConn> waiting = new LinkedHashSet<>();
  private final Map<Integer, BackendConn> masterShared = new HashMap<>();
  private final Map<HostPort, Map<Integer, BackendConn>> replicaShared = new HashMap<>();
  /** Replicas whose connection just failed get no reads until then (System.nanoTime()). */
  private final Map<HostPort, Long> replicaBackoff = new HashMap<>();
  /** Smooth weighted round-robin: each candidate's current weight (the master's too, under round-robin). */
  private final Map<HostPort, Long> wrrCurrent = new HashMap<>();
  private final List<BackendConn> dirtyBackends = new ArrayList<>();
  private final List<ClientConn> dirtyClients = new ArrayList<>();
  private boolean flushQueued;
  /** The master generation that refused a command (READONLY, LOADING, MASTERDOWN) and gets none until re-checked, or -1. */
  private long suspectGeneration = -1;
  /** The topology check that was under way when it refused: only a later one may clear it. */
  private long suspectAfterCheck;
  private boolean suspectClearQueued;
  private int suspectStreak;
  private long suspectClearedNanos = System.nanoTime() - 10_000_000_000L;
  /** Counters: commands a backend refused and the gateway held to send again; held commands that timed out. */
  long resent;
  long heldExpired;
  private long heldExpiredLogged;
  private boolean holdLogged;
  boolean stopping;
  private long nextClientId = 1;
  private int nextReadIndex;
  private long tickTimer = -1;
  private long checkTimer = -1;

  /** Null when metrics-port is 0. */
  final GatewayMetrics metrics;

  // Counters for INFO and the tests.
  long connectionsReceived;
  long dedicatedOpened;

  public Gateway(GatewayConfig config) {
    this.config = config;
    this.maxPipeline = config.settings.getInt("max-pipeline");
    this.maxClientInflight = config.settings.getInt("max-client-inflight");
    this.writeAckReplicas = config.settings.getInt("write-ack-replicas");
    this.readPolicy = config.readPolicy();
    this.readFromMasterOnly = readPolicy.equals("master");
    this.readYourWrites = config.settings.bool("read-your-writes");
    this.writeAckTimeoutMs = config.settings.getLong("write-ack-timeout-ms");
    log.setLevel(Log.parseLevel(config.settings.getString("loglevel")));
    log.setFormat(Log.parseFormat(config.settings.getString("log-format")));
    log.setTimestampFormat(Log.parseTimestampFormat(config.settings.getString("log-timestamp-format")));
    try {
      log.setFile(config.settings.getString("logfile"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Can't open the log file: " + e.getMessage(), e);
    }
    this.metrics = GatewayMetrics.create(this);
  }

  /** Starts a gateway from {@code --directive value} options and waits until it has a master (tests, embedding). */
  public static Gateway startAndAwaitMaster(String... args) throws Exception {
    Gateway gw = new Gateway(GatewayConfig.fromArgs(args));
    gw.start().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 10_000;
    while (gw.topology.master == null) {
      if (System.currentTimeMillis() > deadline) {
        gw.stop();
        throw new IllegalStateException("the gateway found no master within 10 s");
      }
      Thread.sleep(10);
    }
    return gw;
  }

  public int port() {
    return port;
  }

  public Future<Gateway> start() {
    vertx = (metrics == null ? Vertx.builder() : metrics.vertxBuilder())
        .with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setPreferNativeTransport(true))
        .build();
    Promise<Gateway> started = Promise.promise();
    vertx.runOnContext(v -> {
      netClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2000));
      topology = new Topology(this, config, netClient, log);
      NetServerOptions opts = new NetServerOptions().setHost(config.settings.getString("bind"))
          .setPort(config.port()).setTcpNoDelay(true).setReuseAddress(true);
      vertx.createNetServer(opts).connectHandler(this::accept).listen()
          .compose(s -> metrics == null ? Future.succeededFuture(s) : metrics.start(vertx).map(s)).onComplete(ar -> {
        if (ar.failed()) {
          vertx.close();
          started.fail(ar.cause());
          return;
        }
        server = ar.result();
        port = server.actualPort();
        if (!vertx.isNativeTransportEnabled()) {
          log.warning("Native epoll transport unavailable (" + vertx.unavailableNativeTransportCause() + "); using NIO");
        }
        topology.check();
        long interval = config.settings.getLong("check-interval-ms");
        checkTimer = vertx.setPeriodic(interval, t -> topology.check());
        tickTimer = vertx.setPeriodic(50, t -> tick());
        log.notice("Gateway ready to accept connections on port " + port + " (read-policy "
            + config.readPolicy() + ", " + (config.sentinels.isEmpty() ? "static nodes " + config.staticNodes()
            : "sentinels " + config.sentinels + " for '" + config.settings.getString("master-name") + "'") + ")");
        started.complete(this);
      });
    });
    return started.future();
  }

  public Future<Void> stop() {
    if (vertx == null) return Future.succeededFuture();
    Promise<Void> done = Promise.promise();
    Vertx v = vertx;
    v.runOnContext(x -> {
      stopping = true;
      if (tickTimer >= 0) v.cancelTimer(tickTimer);
      if (checkTimer >= 0) v.cancelTimer(checkTimer);
      if (topology != null) topology.close();
      for (ClientConn c : new ArrayList<>(clients)) c.socket.close();
      Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
      if (metrics != null) closing = Future.join(closing, metrics.stop()).mapEmpty();
      closing.onComplete(ar -> v.close().onComplete(ar2 -> done.complete()));
    });
    return done.future();
  }

  private void accept(NetSocket socket) {
    connectionsReceived++;
    ClientConn c = new ClientConn(this, socket, nextClientId++, nextReadIndex++);
    clients.add(c);
  }

  int clientCount() {
    return clients.size();
  }

  int maxPipelineDepth() {
    int max = 0;
    for (ClientConn c : clients) max = Math.max(max, c.replies.size());
    return max;
  }

  long requestsInFlight() {
    long n = 0;
    for (ClientConn c : clients) n += c.replies.size();
    return n;
  }

  void clientClosed(ClientConn c) {
    clients.remove(c);
    waiting.remove(c);
  }

  // ---------------------------------------------------------------- batching

  void markDirty(BackendConn b) {
    dirtyBackends.add(b);
    queueFlush();
  }

  void markDirty(ClientConn c) {
    dirtyClients.add(c);
    queueFlush();
  }

  private void queueFlush() {
    if (flushQueued) return;
    flushQueued = true;
    // Runs after the loop has handled every socket that was ready in this pass.
    vertx.runOnContext(v -> flushAll());
  }

  private void flushAll() {
    flushQueued = false;
    for (int i = 0; i < dirtyBackends.size(); i++) dirtyBackends.get(i).flush();
    dirtyBackends.clear();
    for (int i = 0; i < dirtyClients.size(); i++) dirtyClients.get(i).flush();
    dirtyClients.clear();
  }

  // ---------------------------------------------------------------- routing

  /** The shared master connection for a db and protocol; null while there is no master. */
  BackendConn masterConn(int db, int proto) {
    HostPort m = topology.master;
    if (m == null || suspectGeneration == topology.generation) return null;
    int key = db * 4 + proto;
    BackendConn c = masterShared.get(key);
    if (c == null || c.closed || c.generation != topology.generation) {
      c = new BackendConn(this, m, topology.generation, false, db, proto);
      masterShared.put(key, c);
    }
    return c;
  }

  /**
   * Where a read goes for this client, by the read policy.
   *
   * <p>replica, prefer-replica and round-robin give each client one backend, picked by a
   * smooth weighted round-robin (nginx's: every candidate gains its weight, the richest
   * is picked and pays the total), so that clients spread by weight without bursts. A
   * client keeps its pick while it stays usable and the replica set is unchanged: moving
   * a client costs a barrier (see {@link ClientConn}), moving it per request would split
   * its pipelines. least-latency sends every read to the replica with the lowest round
   * trip per unit of weight.
   */
  BackendConn readConn(ClientConn client) {
    List<Topology.Replica> usable = topology.replicas;
    if (readFromMasterOnly || usable.isEmpty()) return masterConn(client.db, client.proto);
    long now = System.nanoTime();
    List<Topology.Replica> healthy = new ArrayList<>(usable.size());
    boolean anyWeighted = false;
    for (Topology.Replica r : usable) {
      Long until = replicaBackoff.get(r.addr);
      if (until != null && now - until < 0) continue;
      healthy.add(r);
      if (r.weight > 0) anyWeighted = true;
    }
    if (!anyWeighted && readPolicy.equals("round-robin")) healthy.clear(); // the master has weight 1
    if (healthy.isEmpty()) return masterConn(client.db, client.proto);
    Topology.Replica pick = null;
    if (readPolicy.equals("least-latency")) {
      double best = Double.MAX_VALUE;
      for (Topology.Replica r : healthy) {
        if (anyWeighted && r.weight == 0) continue;
        double score = (double) r.rttNanos / Math.max(1, r.weight);
        if (pick == null || score < best) {
          pick = r;
          best = score;
        }
      }
    } else {
      pick = stickyPick(client, healthy, anyWeighted);
      if (pick == null) return masterConn(client.db, client.proto); // round-robin picked the master
    }
    if (readYourWrites && client.lastWriteAckNanos != Long.MIN_VALUE && client.lastWriteAckNanos >= pick.coveredUntilNanos) {
      if (metrics != null) metrics.readYourWritesRedirects++;
      return masterConn(client.db, client.proto);
    }
    return replicaConn(pick.addr, client.db, client.proto);
  }

  /** The client's replica (null: the master, under round-robin), picked again when it is no longer a candidate. */
  private Topology.Replica stickyPick(ClientConn client, List<Topology.Replica> healthy, boolean anyWeighted) {
    if (client.readPickVersion == topology.replicaSetVersion) {
      if (client.readPick == null && client.readPickMaster) return null;
      for (Topology.Replica r : healthy) {
        if (r.addr.equals(client.readPick) && (r.weight > 0 || !anyWeighted)) return r;
      }
    }
    HostPort masterAddr = topology.master;
    boolean withMaster = readPolicy.equals("round-robin") && masterAddr != null;
    long total = 0;
    HostPort best = null;
    long bestCurrent = Long.MIN_VALUE;
    for (Topology.Replica r : healthy) {
      if (anyWeighted && r.weight == 0) continue;
      int w = anyWeighted ? r.weight : 1;
      long cur = wrrCurrent.merge(r.addr, (long) w, Long::sum);
      total += w;
      if (cur > bestCurrent) {
        bestCurrent = cur;
        best = r.addr;
      }
    }
    if (withMaster) {
      long cur = wrrCurrent.merge(masterAddr, 1L, Long::sum);
      total += 1;
      if (cur > bestCurrent) {
        bestCurrent = cur;
        best = masterAddr;
      }
    }
    wrrCurrent.put(best, bestCurrent - total);
    client.readPickVersion = topology.replicaSetVersion;
    client.readPickMaster = withMaster && best.equals(masterAddr);
    client.readPick = client.readPickMaster ? null : best;
    if (client.readPickMaster) return null;
    for (Topology.Replica r : healthy) if (r.addr.equals(best)) return r;
    return null;
  }

  private BackendConn replicaConn(HostPort addr, int db, int proto) {
    Map<Integer, BackendConn> m = replicaShared.computeIfAbsent(addr, k -> new HashMap<>());
    int key = db * 4 + proto;
    BackendConn c = m.get(key);
    if (c == null || c.closed) {
      c = new BackendConn(this, addr, -1, false, db, proto);
      m.put(key, c);
    }
    return c;
  }

  /** Sends a request to every usable replica, dropping the replies (SCRIPT LOAD). */
  void toEveryReplica(byte[][] args, int db, int proto) {
    for (Topology.Replica r : topology.replicas) replicaConn(r.addr, db, proto).internal(args);
  }

  void waitForMaster(ClientConn c) {
    waiting.add(c);
  }

  // ---------------------------------------------------------------- following the master

  /** The topology moved the master (or lost it): nothing more goes to the old one. */
  void onMasterChanged() {
    for (BackendConn c : new ArrayList<>(masterShared.values())) {
      if (c.generation != topology.generation) c.close();
    }
    masterShared.values().removeIf(c -> c.closed);
    // Dedicated connections too: a transaction, a blocked pop or the subscriptions of a
    // client must not stay on a node that is no longer the master.
    for (ClientConn c : new ArrayList<>(clients)) c.masterChanged(topology.generation);
    // Replicas were the old master's; the topology lists the new ones on its next check.
    for (Map<Integer, BackendConn> m : replicaShared.values()) for (BackendConn c : new ArrayList<>(m.values())) c.close();
    replicaShared.clear();
  }

  void onMasterAvailable() {
    if (waiting.isEmpty()) return;
    List<ClientConn> w = new ArrayList<>(waiting);
    if (topology.master != null && suspectGeneration != topology.generation) {
      // Only when they can go: a suspect master leaves them waiting.
      int n = 0;
      long oldest = 0;
      long now = System.nanoTime();
      for (ClientConn c : w) {
        n += c.heldCount();
        oldest = Math.max(oldest, c.heldForNanos(now));
      }
      if (n > 0) log.notice("Resumed " + n + " held commands on master " + topology.master + " after " + oldest / 1_000_000 + " ms");
      holdLogged = false;
    }
    waiting.clear();
    for (ClientConn c : w) {
      if (c.resubscribeSinceNanos != 0) c.resubscribe();
      else c.processHeld();
    }
  }

  void onBackendLost(BackendConn c, String reason) {
    if (c.generation < 0 && !c.closedByGateway && !stopping) replicaBackoff.put(c.addr, System.nanoTime() + 1_000_000_000L);
    // A connection the gateway closed itself (a client gone, a refused dedicated one) says nothing about the master.
    if (!c.closedByGateway && c.generation >= 0 && c.generation == topology.generation && c.addr.equals(topology.master)) {
      topology.recheck("lost a connection to the master: " + reason);
    }
  }

  /**
   * What Redis answers a client blocked on a master that becomes a replica (BLPOP,
   * XREAD BLOCK, WAIT ...): the command gave up without doing anything. Not the
   * "-UNBLOCKED client unblocked via CLIENT UNBLOCK" an operator causes, which is the
   * client's to see.
   */
  private static final String DEMOTION_UNBLOCKED = "-UNBLOCKED force unblock from blocking operation, instance state changed";

  /** The master refused a command and no check since has confirmed it: it gets no new dedicated connection. */
  boolean masterSuspect() {
    return suspectGeneration == topology.generation;
  }

  /**
   * An error reply from a backend. READONLY, LOADING and MASTERDOWN are refusals made
   * before a command runs (Redis rejects them in its command guards), and so is the
   * UNBLOCKED a demoted master sends its blocked clients: from a master connection they
   * mean the topology is stale, so no more writes go to that master until a re-check,
   * triggered now, has confirmed it or found another; a replica that refuses gets no
   * reads for a second. Returns true for a refusal.
   */
  boolean checkErrorReply(BackendConn c, byte[] a, int off, int len) {
    if (!startsWith(a, off, len, "-READONLY ") && !startsWith(a, off, len, "-LOADING ")
        && !startsWith(a, off, len, "-MASTERDOWN ") && !startsWith(a, off, len, DEMOTION_UNBLOCKED)) {
      return false;
    }
    String what = new String(a, off + 1, Math.min(len - 1, 40), java.nio.charset.StandardCharsets.UTF_8).split("[ \r]")[0];
    if (c.generation < 0) {
      replicaBackoff.put(c.addr, System.nanoTime() + 1_000_000_000L);
      topology.recheck("replica " + c.addr + " answered " + what);
      return true;
    }
    if (c.generation == topology.generation && suspectGeneration != c.generation) {
      suspectGeneration = c.generation;
      suspectAfterCheck = topology.checkSeq;
      long now = System.nanoTime();
      // A node that keeps refusing (a long LOADING) is asked less and less often, and logged once.
      suspectStreak = now - suspectClearedNanos < 2_000_000_000L ? suspectStreak + 1 : 0;
      if (suspectStreak == 0) {
        log.notice("Master " + c.addr + " answered " + what + ": holding commands for the master, re-checking the topology");
        topology.recheck("master " + c.addr + " answered " + what);
      } else {
        topology.recheckQuietly();
      }
      return true;
    }
    if (suspectGeneration != c.generation) topology.recheck("master " + c.addr + " answered " + what);
    return true;
  }

  /**
   * A check that started after the master refused a command confirmed the same master
   * (a LOADING that ended, a READONLY from a node promoted back): commands go to it again.
   * Not at once: a node still loading would refuse again, and each round costs a check.
   */
  void masterReconfirmed(long checkSeq) {
    if (suspectGeneration != topology.generation || checkSeq <= suspectAfterCheck || suspectClearQueued) return;
    suspectClearQueued = true;
    long gen = suspectGeneration;
    vertx.setTimer(Math.min(500, 20L << Math.min(suspectStreak, 5)), t -> {
      suspectClearQueued = false;
      if (suspectGeneration != gen) return;
      suspectGeneration = -1;
      suspectClearedNanos = System.nanoTime();
      if (suspectStreak == 0) log.notice("Master " + topology.master + " confirmed again by ROLE; sending it commands again");
      onMasterAvailable();
    });
  }

  private static boolean startsWith(byte[] a, int off, int len, String p) {
    if (len < p.length()) return false;
    for (int i = 0; i < p.length(); i++) if (a[off + i] != p.charAt(i)) return false;
    return true;
  }

  private void tick() {
    long now = System.nanoTime();
    long hold = config.settings.getLong("failover-hold-ms");
    if (!waiting.isEmpty() && !holdLogged) {
      int n = 0;
      for (ClientConn c : waiting) n += c.heldCount();
      if (n > 0) {
        holdLogged = true;
        log.notice("Holding " + n + " commands for a master (up to failover-hold-ms " + hold + ")");
      }
    }
    if (heldExpired != heldExpiredLogged) {
      log.warning("Failed " + (heldExpired - heldExpiredLogged) + " held commands: no master within failover-hold-ms " + hold
          + " (answered -MASTERDOWN gateway: ...)");
      heldExpiredLogged = heldExpired;
    }
    if (!waiting.isEmpty()) {
      // A copy: failing a held command can close its client or make it wait again.
      for (ClientConn c : new ArrayList<>(waiting)) {
        if (!c.waiting()) {
          waiting.remove(c);
          continue;
        }
        c.expireHeld(now, hold);
      }
    }
    // Replicas the topology no longer lists get no more reads.
    for (Iterator<Map.Entry<HostPort, Map<Integer, BackendConn>>> it = replicaShared.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HostPort, Map<Integer, BackendConn>> e = it.next();
      boolean listed = topology.replicas.stream().anyMatch(r -> r.addr.equals(e.getKey()));
      if (!listed) {
        it.remove();
        for (BackendConn c : new ArrayList<>(e.getValue().values())) c.close();
      }
    }
  }

  /** The gateway's section of INFO: where it sends what, and its counters. */
  String infoSection() {
    StringBuilder sb = new StringBuilder("# Gateway\r\n");
    sb.append("gateway_state:").append(topology.state.name().toLowerCase()).append("\r\n");
    sb.append("master:").append(topology.master == null ? "" : topology.master).append("\r\n");
    sb.append("discovery:").append(config.sentinels.isEmpty() ? "static" : "sentinel").append("\r\n");
    sb.append("replicas:").append(topology.replicas.size()).append("\r\n");
    for (int i = 0; i < topology.replicas.size(); i++) {
      Topology.Replica r = topology.replicas.get(i);
      sb.append("replica").append(i).append(":addr=").append(r.addr).append(",lag_bytes=").append(r.lagBytes)
          .append(",weight=").append(r.weight).append("\r\n");
    }
    sb.append("total_connections_received:").append(connectionsReceived).append("\r\n");
    sb.append("dedicated_connections_opened:").append(dedicatedOpened).append("\r\n");
    sb.append("read_policy:").append(config.readPolicy()).append("\r\n");
    sb.append("connected_clients:").append(clients.size()).append("\r\n");
    sb.append("failovers:").append(topology.failovers).append("\r\n");
    sb.append("commands_refused_and_resent:").append(resent).append("\r\n");
    sb.append("held_commands_expired:").append(heldExpired).append("\r\n");
    return sb.toString();
  }
}
