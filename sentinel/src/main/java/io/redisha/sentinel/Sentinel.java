package io.redisha.sentinel;

import io.redisha.resp.RespValue;
import io.redisha.util.Log;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A Redis Sentinel: monitors masters, their replicas and the other sentinels, agrees
 * with them that a master is down, elects a leader per epoch and fails over.
 *
 * <p>Everything runs on one Vert.x event loop, driven by one periodic tick
 * ({@link SentinelConfig#tickMs}). Each tick walks every instance: reconnect its links,
 * send PING / INFO / hello when their period is due, update SDOWN, and for masters
 * ODOWN, the vote requests and one step of the failover state machine. Replies come
 * back asynchronously and only update fields; decisions are taken on the tick, except
 * where waiting a tick would cost failover time (promotion seen in INFO, votes).
 *
 * <p>All events go through {@link #event}, which logs, publishes on our pub/sub and
 * runs the notification script, exactly once per edge.
 */
public final class Sentinel {

  static final String HELLO_CHANNEL = "__sentinel__:hello";
  /** How long SELECT_REPLICA waits for fresh INFO before giving up on finding a replica. */
  static final long SELECT_GRACE_MS = 1000;

  final SentinelConfig config;
  final Log log = new Log('X');
  final Map<String, Instance> masters = new LinkedHashMap<>();
  String myid;
  long currentEpoch;
  boolean tilt;
  long tiltSince = -1;
  int runningScripts;
  private long lastTick;
  private Vertx vertx;
  private NetClient net;
  private long timer = -1;
  private SentinelServer server;
  private BiConsumer<String, String> publisher = (c, m) -> {};
  private final Promise<Void> stopped = Promise.promise();

  /** Null when metrics-port is 0. */
  final SentinelMetrics metrics;

  public Sentinel(SentinelConfig config) {
    this.config = config;
    this.metrics = SentinelMetrics.create(this);
  }

  public static Sentinel fromArgs(String[] args) throws IOException {
    return new Sentinel(SentinelConfig.load(args));
  }

  public int port() {
    return server == null ? config.port : server.port();
  }

  public String myid() {
    return myid;
  }

  Vertx vertx() {
    return vertx;
  }

  void setPublisher(BiConsumer<String, String> publisher) {
    this.publisher = publisher;
  }

  // ---------------------------------------------------------------- lifecycle

  public Future<Void> start() {
    try {
      log.setFile(config.logfile);
      log.setLevel(Log.parseLevel(config.loglevel));
      log.setFormat(Log.parseFormat(config.logFormat));
      log.setTimestampFormat(Log.parseTimestampFormat(config.logTimestampFormat));
    } catch (IOException | IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (config.file == null) {
      return Future.failedFuture(new IllegalStateException("Sentinel needs config file on disk to save state. Exiting..."));
    }
    myid = config.myid;
    if (myid == null) {
      byte[] b = new byte[20];
      new SecureRandom().nextBytes(b);
      myid = HexFormat.of().formatHex(b);
    }
    currentEpoch = config.currentEpoch;
    vertx = (metrics == null ? Vertx.builder() : metrics.vertxBuilder()).with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)).build();
    Promise<Void> started = Promise.promise();
    vertx.runOnContext(v -> {
      net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
      long now = now();
      for (SentinelConfig.MasterSpec spec : config.masters.values()) addMaster(spec, now, false);
      server = new SentinelServer(this);
      server.listen().compose(x -> metrics == null ? Future.<Void>succeededFuture() : metrics.start()).onComplete(ar -> {
        if (ar.failed()) {
          started.fail(ar.cause());
          return;
        }
        if (saveConfig()) log.notice("Sentinel new configuration saved on disk");
        log.notice("Sentinel ID is " + myid);
        for (Instance m : masters.values()) event(Log.Level.WARNING, "+monitor", m, Log.text("quorum"), Log.kv("quorum", m.quorum));
        lastTick = now();
        timer = vertx.setPeriodic(config.tickMs, t -> tick());
        started.complete();
      });
    });
    return started.future().recover(e -> vertx.close().transform(x -> Future.failedFuture(e)));
  }

  /** Completes once the sentinel has stopped, whoever stopped it (SHUTDOWN included). */
  public Future<Void> stopped() {
    return stopped.future();
  }

  public Future<Void> stop() {
    if (vertx == null || stopped.future().isComplete()) return Future.succeededFuture();
    Promise<Void> done = Promise.promise();
    done.future().onComplete(x -> stopped.tryComplete());
    vertx.runOnContext(v -> {
      if (timer >= 0) vertx.cancelTimer(timer);
      for (Instance m : masters.values()) closeAll(m);
      Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
      if (metrics != null) closing = Future.join(closing, metrics.stop()).mapEmpty();
      closing.onComplete(x -> vertx.close().onComplete(y -> done.complete()));
    });
    return done.future();
  }

  private static void closeAll(Instance m) {
    m.closeLinks();
    for (Instance r : m.replicas.values()) r.closeLinks();
    for (Instance s : m.sentinels.values()) s.closeLinks();
  }

  static long now() {
    return System.currentTimeMillis();
  }

  Instance addMaster(SentinelConfig.MasterSpec spec, long now, boolean announce) {
    Instance m = new Instance(Kind.MASTER, spec.name, spec.ip, spec.port, null);
    m.quorum = spec.quorum;
    m.downAfter = spec.downAfter;
    m.parallelSyncs = spec.parallelSyncs;
    m.failoverTimeout = spec.failoverTimeout;
    m.authPass = spec.authPass;
    m.authUser = spec.authUser;
    m.notificationScript = spec.notificationScript;
    m.clientReconfigScript = spec.clientReconfigScript;
    m.configEpoch = spec.configEpoch;
    m.myVoteEpoch = spec.leaderEpoch;
    m.roleReported = Kind.MASTER;
    touch(m, now);
    for (String[] r : spec.knownReplicas) addReplica(m, r[0], Integer.parseInt(r[1]), now, false);
    for (String[] s : spec.knownSentinels) {
      if (s[2].equals(myid)) continue;
      Instance si = new Instance(Kind.SENTINEL, s[2], s[0], Integer.parseInt(s[1]), m);
      si.runId = s[2];
      si.leader = "?";
      touch(si, now);
      m.sentinels.put(si.runId, si);
    }
    masters.put(m.name, m);
    if (announce) event(Log.Level.WARNING, "+monitor", m, Log.text("quorum"), Log.kv("quorum", m.quorum));
    return m;
  }

  private static void touch(Instance ri, long now) {
    ri.lastAvail = now;
    ri.lastOkPing = now;
    ri.lastPingReply = now;
    ri.roleReportedTime = now;
  }

  Instance addReplica(Instance m, String ip, int port, long now, boolean announce) {
    String key = ip + ":" + port;
    Instance r = m.replicas.get(key);
    if (r != null) return r;
    r = new Instance(Kind.REPLICA, key, ip, port, m);
    r.roleReported = Kind.REPLICA;
    touch(r, now);
    m.replicas.put(key, r);
    if (announce) {
      event(Log.Level.NOTICE, "+slave", r);
      saveConfig();
    }
    return r;
  }

  // ---------------------------------------------------------------- events

  /**
   * The one funnel for everything that happens: logs it, publishes it on our pub/sub
   * (channel = event type), and for warnings runs the master's notification script.
   * ri may be null for events without an instance (+new-epoch, +tilt).
   */
  void event(Log.Level level, String type, Instance ri, Log.Part... extra) {
    Log.Part[] parts = extra;
    if (ri != null) {
      Log.Part[] self = ri.parts();
      parts = java.util.Arrays.copyOf(self, self.length + extra.length);
      System.arraycopy(extra, 0, parts, self.length, extra.length);
    }
    String msg = Log.legacyText(parts);
    log.event(level, type, parts);
    publisher.accept(type, msg);
    if (metrics != null) metrics.event(type, ri);
    if (level == Log.Level.WARNING && ri != null) {
      Instance m = ri.master == null ? ri : ri.master;
      if (m.notificationScript != null) runScript(m.notificationScript, List.of(type, msg));
    }
  }

  private void runScript(String script, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script);
    cmd.addAll(args);
    runningScripts++;
    vertx.executeBlocking(() -> {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
      return p.exitValue();
    }, false).onComplete(ar -> {
      runningScripts--;
      if (ar.failed()) log.warning("Script " + script + " failed: " + ar.cause().getMessage());
    });
  }

  private void clientReconfigScript(Instance m, String role, String state, String fromIp, int fromPort, String toIp, int toPort) {
    if (m.clientReconfigScript == null) return;
    runScript(m.clientReconfigScript,
        List.of(m.name, role, state, fromIp, String.valueOf(fromPort), toIp, String.valueOf(toPort)));
  }

  void setFlag(Instance ri, InstanceFlag f, boolean on) {
    if (on) ri.flags.add(f);
    else ri.flags.remove(f);
  }

  // ---------------------------------------------------------------- the tick

  /** Tests: makes the next tick see the clock jump by ms, as after a stall or a clock change. */
  void simulateClockJump(long ms) {
    vertx.runOnContext(v -> lastTick -= ms);
  }

  private void tick() {
    long now = now();
    long delta = now - lastTick;
    lastTick = now;
    if (delta < 0 || delta > config.tiltTriggerMs) {
      tiltSince = now;
      if (!tilt) {
        tilt = true;
        event(Log.Level.WARNING, "+tilt", null, Log.text("#tilt mode entered"));
      }
    } else if (tilt && now - tiltSince > config.tiltPeriodMs) {
      tilt = false;
      tiltSince = -1;
      event(Log.Level.WARNING, "-tilt", null, Log.text("#tilt mode exited"));
    }
    for (Instance m : new ArrayList<>(masters.values())) {
      if (masters.get(m.name) != m) continue;
      handle(m, now);
      // An instance dropped by a switch during this tick must not get new links.
      for (Instance r : new ArrayList<>(m.replicas.values())) if (m.replicas.get(r.name) == r) handle(r, now);
      for (Instance s : new ArrayList<>(m.sentinels.values())) if (m.sentinels.get(s.name) == s) handle(s, now);
    }
  }

  private void handle(Instance ri, long now) {
    reconnect(ri, now);
    periodicCommands(ri, now);
    if (tilt) return;
    checkSubjectivelyDown(ri, now);
    if (ri.kind == Kind.MASTER) {
      checkObjectivelyDown(ri);
      if (startFailoverIfNeeded(ri, now)) askOtherSentinels(ri, now, true);
      failoverStep(ri, now);
      askOtherSentinels(ri, now, false);
    }
  }

  // ---------------------------------------------------------------- links

  private void reconnect(Instance ri, long now) {
    if (ri.cmdLink == null || ri.cmdLink.closed()) {
      if (ri.cmdLink != null && ri.linkDownSince == 0) ri.linkDownSince = now;
      InstanceLink link = new InstanceLink(null, now);
      ri.cmdLink = link;
      // Down time keeps counting from the last valid reply across reconnections: a
      // fresh connection to a hung process (accepted by the kernel) proves nothing.
      if (ri.actPingTime == 0) ri.actPingTime = ri.lastAvail;
      link.connect(net, ri.ip, ri.port, () -> {
        if (ri.cmdLink != link) return;
        ri.linkDownSince = 0;
        authenticate(ri, link);
        link.send(List.of("CLIENT", "SETNAME", "sentinel-" + myid.substring(0, 8) + "-cmd"), null);
        sendPing(ri, now());
        if (ri.kind != Kind.SENTINEL) sendInfo(ri, now());
      }, () -> {
        if (ri.linkDownSince == 0) ri.linkDownSince = now();
      });
    }
    if (ri.kind == Kind.SENTINEL) return;
    if (ri.pubsubLink == null || ri.pubsubLink.closed()) {
      InstanceLink[] holder = new InstanceLink[1];
      InstanceLink link = new InstanceLink(v -> onPubsub(ri, holder[0], v), now);
      holder[0] = link;
      ri.pubsubLink = link;
      link.connect(net, ri.ip, ri.port, () -> {
        if (ri.pubsubLink != link) return;
        authenticate(ri, link);
        link.send(List.of("CLIENT", "SETNAME", "sentinel-" + myid.substring(0, 8) + "-pubsub"), null);
        link.send(List.of("SUBSCRIBE", HELLO_CHANNEL), null);
      }, () -> {});
    }
  }

  private void authenticate(Instance ri, InstanceLink link) {
    if (ri.kind == Kind.SENTINEL) {
      if (config.sentinelPass == null) return;
      if (config.sentinelUser != null) link.send(List.of("AUTH", config.sentinelUser, config.sentinelPass), null);
      else link.send(List.of("AUTH", config.sentinelPass), null);
      return;
    }
    Instance m = ri.master == null ? ri : ri.master;
    if (m.authPass == null) return;
    if (m.authUser != null) link.send(List.of("AUTH", m.authUser, m.authPass), null);
    else link.send(List.of("AUTH", m.authPass), null);
  }

  private void periodicCommands(Instance ri, long now) {
    InstanceLink link = ri.cmdLink;
    if (link == null || !link.connected() || link.pending() >= InstanceLink.MAX_PENDING / 2) return;
    Instance m = ri.master == null ? ri : ri.master;
    long pingPeriod = Math.min(config.pingPeriodMs, m.downAfter);
    if (now - ri.lastPingSent >= pingPeriod) sendPing(ri, now);
    if (ri.kind == Kind.SENTINEL) return;
    if (now - ri.infoRefresh >= infoPeriod(ri) && now - ri.lastInfoSent >= Math.max(infoPeriod(ri), config.tickMs)) {
      sendInfo(ri, now);
    }
    long helloPeriod = now - m.lastSwitch < 5000 || m.failoverState.ordinal() >= FailoverState.RECONF_REPLICAS.ordinal()
        ? config.helloFastPeriodMs : config.helloPeriodMs;
    if (now - ri.lastHelloSent >= helloPeriod) sendHello(ri, now);
  }

  private long infoPeriod(Instance ri) {
    Instance m = ri.master == null ? ri : ri.master;
    // From SDOWN on, not only ODOWN as in Redis: replica selection needs fresh offsets
    // the moment the failover starts.
    boolean urgent = m.sdown() || m.flags.contains(InstanceFlag.ODOWN) || m.failoverState != FailoverState.NONE;
    if (ri.kind == Kind.REPLICA && (urgent || ri.roleReported == Kind.MASTER)) return config.infoFailoverPeriodMs;
    if (ri.kind == Kind.MASTER && ri.roleReported == Kind.REPLICA) return config.infoFailoverPeriodMs * 4;
    return config.infoPeriodMs;
  }

  private void sendPing(Instance ri, long now) {
    if (ri.actPingTime == 0) ri.actPingTime = now;
    ri.lastPingSent = now;
    InstanceLink link = ri.cmdLink;
    link.send(List.of("PING"), v -> {
      if (v == null || (v.isError() && v.asString().equals("ERR link closed"))) return;
      long t = now();
      ri.lastPingReply = t;
      String s = v.asString();
      boolean valid = !v.isError() ? "PONG".equals(s) : s.startsWith("LOADING") || s.startsWith("MASTERDOWN");
      if (valid && ri.cmdLink == link) {
        ri.lastOkPing = t;
        ri.lastAvail = t;
        ri.actPingTime = 0;
      }
    });
  }

  private void sendInfo(Instance ri, long now) {
    ri.lastInfoSent = now;
    InstanceLink link = ri.cmdLink;
    link.send(List.of("INFO"), v -> {
      if (v.isError() || ri.cmdLink != link) return;
      onInfo(ri, v.asString(), now());
    });
  }

  String helloFor(Instance m) {
    Instance addr = currentMasterAddress(m);
    String ip = config.announceIp;
    if (ip == null) ip = m.announceLocalIp;
    int p = config.announcePort != 0 ? config.announcePort : port();
    return ip + "," + p + "," + myid + "," + currentEpoch + "," + m.name + "," + addr.ip + "," + addr.port + "," + m.configEpoch;
  }

  private void sendHello(Instance ri, long now) {
    Instance m = ri.master == null ? ri : ri.master;
    if (m.announceLocalIp == null && config.announceIp == null) {
      String local = ri.cmdLink.localHost();
      if (local == null) return;
      m.announceLocalIp = local;
    }
    ri.lastHelloSent = now;
    ri.cmdLink.send(List.of("PUBLISH", HELLO_CHANNEL, helloFor(m)), null);
  }

  /** Makes every link of this master publish a hello on the next tick. */
  private void forceHello(Instance m) {
    m.lastHelloSent = 0;
    for (Instance r : m.replicas.values()) r.lastHelloSent = 0;
  }

  /** The address clients should use: the promoted replica once promotion is confirmed. */
  Instance currentMasterAddress(Instance m) {
    if (m.promoted != null && m.failoverState.ordinal() >= FailoverState.RECONF_REPLICAS.ordinal()) return m.promoted;
    return m;
  }

  // ---------------------------------------------------------------- INFO

  private void onInfo(Instance ri, String info, long now) {
    ri.infoRefresh = now;
    ri.infoCache = info;
    Kind role = null;
    List<String[]> replicaLines = new ArrayList<>();
    for (String line : info.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String k = line.substring(0, colon);
      String val = line.substring(colon + 1);
      switch (k) {
        case "run_id" -> {
          if (!ri.runId.isEmpty() && !ri.runId.equals(val)) event(Log.Level.NOTICE, "+reboot", ri);
          ri.runId = val;
        }
        case "role" -> role = val.equals("master") ? Kind.MASTER : Kind.REPLICA;
        case "master_host" -> ri.masterHost = val;
        case "master_port" -> ri.masterPort = parseInt(val);
        case "master_link_status" -> ri.masterLinkUp = val.equals("up");
        case "master_link_down_since_seconds" -> ri.masterLinkDownMs = parseInt(val) * 1000L;
        case "slave_priority", "replica_priority" -> ri.priority = parseInt(val);
        case "slave_repl_offset" -> ri.replOffset = Long.parseLong(val);
        case "replica_announced" -> ri.replicaAnnounced = val.equals("1");
        default -> {
          if (k.startsWith("slave") && val.startsWith("ip=")) replicaLines.add(fields(val));
        }
      }
    }
    if (role == Kind.MASTER) {
      ri.masterLinkDownMs = 0;
      ri.masterHost = "?";
      ri.masterPort = 0;
    } else if (ri.masterLinkUp) {
      ri.masterLinkDownMs = 0;
    }
    if (role != null && role != ri.roleReported) {
      ri.roleReported = role;
      ri.roleReportedTime = now;
      String sign = role == ri.kind ? "+" : "-";
      if (ri.kind != Kind.SENTINEL) {
        event(Log.Level.VERBOSE, sign + "role-change", ri, Log.text("new reported role is"), Log.kv("role", role == Kind.MASTER ? "master" : "slave"));
      }
    }
    if (ri.kind == Kind.MASTER && role == Kind.MASTER) {
      for (String[] r : replicaLines) {
        if (r[0] == null || r[1] == null) continue;
        addReplica(ri, r[0], parseInt(r[1]), now, true);
      }
    }
    if (tilt || ri.kind != Kind.REPLICA) return;
    Instance m = ri.master;
    // The chosen replica now says it is a master: the promotion worked.
    if (role == Kind.MASTER && ri.flags.contains(InstanceFlag.PROMOTED)
        && m.failoverState == FailoverState.WAIT_PROMOTION) {
      m.configEpoch = m.failoverEpoch;
      event(Log.Level.WARNING, "+promoted-slave", ri);
      transition(m, FailoverState.RECONF_REPLICAS, now);
      clientReconfigScript(m, "leader", "start", m.ip, m.port, ri.ip, ri.port);
      forceHello(m);
      saveConfig();
      failoverStep(m, now);
      return;
    }
    // An instance we list as a replica claims to be a master (typically the old master
    // restarted after a failover): turn it into a replica once it has said so for a while.
    if (role == Kind.MASTER && m.failoverState == FailoverState.NONE && !m.sdown()
        && now - ri.roleReportedTime > config.convertDelayMs && m.roleReported == Kind.MASTER
        && now - m.infoRefresh < Math.max(config.infoPeriodMs, 1000) * 2) {
      event(Log.Level.NOTICE, "+convert-to-slave", ri);
      ri.roleReportedTime = now;
      sendReplicaOf(ri, m.ip, m.port, null);
      return;
    }
    // A replica pointing to the wrong master outside a failover. Waiting four hello
    // periods, as Redis does, lets a leader still re-pointing replicas finish first.
    if (role == Kind.REPLICA && m.failoverState == FailoverState.NONE && !m.sdown()
        && (!ri.masterHost.equals(m.ip) || ri.masterPort != m.port)
        && now - ri.roleReportedTime > config.helloPeriodMs * 4 && now - ri.reconfSentTime > config.helloPeriodMs * 4) {
      event(Log.Level.NOTICE, "+fix-slave-config", ri);
      ri.reconfSentTime = now;
      sendReplicaOf(ri, m.ip, m.port, null);
      return;
    }
    // Re-pointing progress during RECONF_REPLICAS.
    if (role == Kind.REPLICA && m.promoted != null && m.failoverState == FailoverState.RECONF_REPLICAS
        && ri.masterHost.equals(m.promoted.ip) && ri.masterPort == m.promoted.port) {
      if (ri.flags.contains(InstanceFlag.RECONF_SENT)) {
        ri.flags.remove(InstanceFlag.RECONF_SENT);
        ri.flags.add(InstanceFlag.RECONF_INPROG);
        event(Log.Level.NOTICE, "+slave-reconf-inprog", ri);
      }
      if (ri.flags.contains(InstanceFlag.RECONF_INPROG) && ri.masterLinkUp) {
        ri.flags.remove(InstanceFlag.RECONF_INPROG);
        ri.flags.add(InstanceFlag.RECONF_DONE);
        event(Log.Level.NOTICE, "+slave-reconf-done", ri);
        failoverStep(m, now);
      }
    }
  }

  private static String[] fields(String v) {
    String ip = null;
    String port = null;
    for (String kv : v.split(",")) {
      if (kv.startsWith("ip=")) ip = kv.substring(3);
      else if (kv.startsWith("port=")) port = kv.substring(5);
    }
    return new String[] {ip, port};
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Redis Sentinel 7.0's wrapping: the instance changes role and drops its clients atomically. */
  private void sendReplicaOf(Instance ri, String host, int port, Runnable onDone) {
    List<String> replicaOf = host == null ? List.of("SLAVEOF", "NO", "ONE") : List.of("SLAVEOF", host, String.valueOf(port));
    ri.cmdLink.sendAll(List.of(List.of("MULTI"), replicaOf, List.of("CONFIG", "REWRITE"),
        List.of("CLIENT", "KILL", "TYPE", "normal"), List.of("CLIENT", "KILL", "TYPE", "pubsub"), List.of("EXEC")),
        v -> {
          if (onDone != null) onDone.run();
        });
    // Ask right away so the new role is seen without waiting for the INFO period.
    sendInfo(ri, now());
  }

  // ---------------------------------------------------------------- hello

  private void onPubsub(Instance ri, InstanceLink link, RespValue v) {
    if (!v.isAggregate() || v.size() < 3 || ri.pubsubLink != link) return;
    if (!v.get(0).is("message") || !HELLO_CHANNEL.equals(v.get(1).asString())) return;
    onHello(v.get(2).asString(), now());
  }

  void onHello(String hello, long now) {
    String[] t = hello.split(",", -1);
    if (t.length != 8) return;
    String ip = t[0];
    int port = parseInt(t[1]);
    String runId = t[2];
    long epoch = parseLongSafe(t[3]);
    Instance m = masters.get(t[4]);
    String mip = t[5];
    int mport = parseInt(t[6]);
    long mConfigEpoch = parseLongSafe(t[7]);
    if (m == null || runId.equals(myid)) return;
    Instance si = m.sentinels.get(runId);
    if (si == null) {
      // A sentinel with the same address but a new id replaced the old one (restart without config).
      m.sentinels.values().removeIf(o -> {
        if (o.ip.equals(ip) && o.port == port) {
          o.closeLinks();
          return true;
        }
        return false;
      });
      si = new Instance(Kind.SENTINEL, runId, ip, port, m);
      si.runId = runId;
      si.leader = "?";
      touch(si, now);
      m.sentinels.put(runId, si);
      event(Log.Level.NOTICE, "+sentinel", si);
      saveConfig();
    } else if (!si.ip.equals(ip) || si.port != port) {
      si.closeLinks();
      si.ip = ip;
      si.port = port;
      saveConfig();
    }
    si.lastHello = now;
    if (epoch > currentEpoch) {
      currentEpoch = epoch;
      event(Log.Level.WARNING, "+new-epoch", null, Log.kv("epoch", epoch));
      saveConfig();
    }
    if (mConfigEpoch > m.configEpoch) {
      m.configEpoch = mConfigEpoch;
      if (!mip.equals(m.ip) || mport != m.port) {
        event(Log.Level.WARNING, "+config-update-from", si);
        clientReconfigScript(m, "observer", "start", m.ip, m.port, mip, mport);
        switchMaster(m, mip, mport, now);
      }
      saveConfig();
    }
  }

  private static long parseLongSafe(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- SDOWN / ODOWN

  private void checkSubjectivelyDown(Instance ri, long now) {
    long elapsed;
    if (ri.actPingTime != 0) elapsed = now - ri.actPingTime;
    else if (ri.cmdLink == null || !ri.cmdLink.connected()) elapsed = now - ri.lastAvail;
    else elapsed = 0;
    Instance m = ri.master == null ? ri : ri.master;
    boolean down = elapsed > m.downAfter;
    // A master that keeps saying it is a replica is as good as down, as in Redis.
    if (ri.kind == Kind.MASTER && ri.roleReported == Kind.REPLICA
        && now - ri.roleReportedTime > m.downAfter + config.infoPeriodMs * 2) {
      down = true;
    }
    if (down && !ri.sdown()) {
      ri.flags.add(InstanceFlag.SDOWN);
      ri.sdownSince = now;
      event(Log.Level.WARNING, "+sdown", ri);
    } else if (!down && ri.sdown()) {
      ri.flags.remove(InstanceFlag.SDOWN);
      ri.flags.remove(InstanceFlag.FORCE_FAILOVER);
      event(Log.Level.WARNING, "-sdown", ri);
    }
  }

  private void checkObjectivelyDown(Instance m) {
    int votes = 0;
    if (m.sdown()) {
      votes = 1;
      for (Instance s : m.sentinels.values()) if (s.flags.contains(InstanceFlag.MASTER_DOWN)) votes++;
    }
    boolean odown = m.sdown() && votes >= m.quorum;
    if (odown && !m.flags.contains(InstanceFlag.ODOWN)) {
      m.flags.add(InstanceFlag.ODOWN);
      m.odownSince = now();
      m.failoverDelayUntil = m.odownSince + ThreadLocalRandom.current().nextLong(config.failoverJitterMs + 1);
      event(Log.Level.WARNING, "+odown", m, Log.text("#quorum"), Log.kv("quorum", votes + "/" + m.quorum));
    } else if (!odown && m.flags.contains(InstanceFlag.ODOWN)) {
      m.flags.remove(InstanceFlag.ODOWN);
      event(Log.Level.WARNING, "-odown", m);
    }
  }

  /**
   * Asks every other sentinel whether it sees the master down; once we run a failover the
   * same request carries our run id and asks for its vote in the failover epoch.
   */
  private void askOtherSentinels(Instance m, long now, boolean force) {
    for (Instance s : m.sentinels.values()) {
      if (now - s.lastMasterDownReply > config.askPeriodMs * 5 + 1000) {
        s.flags.remove(InstanceFlag.MASTER_DOWN);
      }
      if (!m.sdown()) continue;
      if (s.cmdLink == null || !s.cmdLink.connected() || s.cmdLink.pending() > 10) continue;
      if (!force && now - s.lastAskTime < config.askPeriodMs) continue;
      s.lastAskTime = now;
      String runId = m.failoverState != FailoverState.NONE ? myid : "*";
      InstanceLink link = s.cmdLink;
      link.send(List.of("SENTINEL", "is-master-down-by-addr", m.ip, String.valueOf(m.port),
          String.valueOf(currentEpoch), runId), v -> {
            if (!v.isAggregate() || v.size() != 3) return;
            s.lastMasterDownReply = now();
            setFlag(s, InstanceFlag.MASTER_DOWN, v.get(0).asLong() == 1);
            String leader = v.get(1).asString();
            if (!"*".equals(leader)) {
              s.leader = leader;
              s.leaderEpoch = v.get(2).asLong();
            }
            // A vote may complete the election: do not wait for the next tick.
            if (m.failoverState == FailoverState.WAIT_START && !tilt) failoverStep(m, now());
          });
    }
  }

  /**
   * Our vote for the leader of a failover in reqEpoch; one vote per epoch, first come
   * first served. Returns whom we voted for in our latest voting epoch.
   */
  String voteLeader(Instance m, long reqEpoch, String reqRunId) {
    if (reqEpoch > currentEpoch) {
      currentEpoch = reqEpoch;
      event(Log.Level.WARNING, "+new-epoch", null, Log.kv("epoch", currentEpoch));
      saveConfig();
    }
    if (m.myVoteEpoch < reqEpoch && currentEpoch <= reqEpoch) {
      m.myVote = reqRunId;
      m.myVoteEpoch = currentEpoch;
      saveConfig();
      event(Log.Level.WARNING, "+vote-for-leader", null, Log.kv("leader", m.myVote), Log.kv("epoch", m.myVoteEpoch));
      // Having voted for someone else, give them time before trying ourselves.
      if (!reqRunId.equals(myid)) {
        m.failoverStartTime = now() + ThreadLocalRandom.current().nextLong(config.failoverJitterMs + 1);
      }
    }
    return m.myVote;
  }

  /** The winner in this epoch, or null: a majority of all known sentinels and at least quorum. */
  private String leader(Instance m, long epoch) {
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (Instance s : m.sentinels.values()) {
      if (s.leader != null && !"?".equals(s.leader) && s.leaderEpoch == epoch) votes.merge(s.leader, 1, Integer::sum);
    }
    int voters = m.sentinels.size() + 1;
    String winner = null;
    int max = 0;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (e.getValue() > max || (e.getValue() == max && e.getKey().compareTo(winner) > 0)) {
        winner = e.getKey();
        max = e.getValue();
      }
    }
    String mine = voteLeader(m, epoch, winner != null ? winner : myid);
    if (m.myVoteEpoch == epoch && mine != null) {
      int n = votes.merge(mine, 1, Integer::sum);
      if (n > max) {
        winner = mine;
        max = n;
      }
    }
    if (winner == null || max < voters / 2 + 1 || max < m.quorum) return null;
    return winner;
  }

  // ---------------------------------------------------------------- failover

  private boolean startFailoverIfNeeded(Instance m, long now) {
    if (m.failoverState != FailoverState.NONE) return false;
    boolean forced = m.flags.contains(InstanceFlag.FORCE_FAILOVER);
    if (!forced) {
      if (!m.flags.contains(InstanceFlag.ODOWN)) return false;
      if (now < m.failoverDelayUntil) return false;
      if (m.failoverStartTime != 0 && now - m.failoverStartTime < m.failoverTimeout * 2) return false;
    }
    currentEpoch++;
    m.failoverEpoch = currentEpoch;
    m.failoverStartTime = now;
    m.flags.add(InstanceFlag.FAILOVER_IN_PROGRESS);
    event(Log.Level.WARNING, "+new-epoch", null, Log.kv("epoch", currentEpoch));
    event(Log.Level.WARNING, "+try-failover", m);
    transition(m, FailoverState.WAIT_START, now);
    saveConfig();
    return true;
  }

  /** Sets the state and its timestamp; every state except WAIT_START announces itself. */
  private void transition(Instance m, FailoverState to, long now) {
    m.failoverState = to;
    m.failoverStateChange = now;
    switch (to) {
      case SELECT_REPLICA, RECONF_REPLICAS -> event(Log.Level.WARNING, "+failover-state-" + to.eventName, m);
      case SEND_REPLICAOF_NO_ONE, WAIT_PROMOTION -> event(Log.Level.NOTICE, "+failover-state-" + to.eventName, m.promoted);
      default -> { }
    }
  }

  private void failoverStep(Instance m, long now) {
    if (!m.flags.contains(InstanceFlag.FAILOVER_IN_PROGRESS)) return;
    switch (m.failoverState) {
      case WAIT_START -> waitStart(m, now);
      case SELECT_REPLICA -> selectReplica(m, now);
      case SEND_REPLICAOF_NO_ONE -> sendReplicaOfNoOne(m, now);
      case WAIT_PROMOTION -> {
        if (now - m.failoverStateChange > m.failoverTimeout) abortFailover(m, "-failover-abort-slave-timeout");
      }
      case RECONF_REPLICAS -> reconfReplicas(m, now);
      default -> { }
    }
  }

  private void waitStart(Instance m, long now) {
    String leader = leader(m, m.failoverEpoch);
    boolean forced = m.flags.contains(InstanceFlag.FORCE_FAILOVER);
    if (!myid.equals(leader) && !forced) {
      long timeout = Math.min(config.electionTimeoutMs, m.failoverTimeout);
      if (now - m.failoverStartTime > timeout) abortFailover(m, "-failover-abort-not-elected");
      return;
    }
    event(Log.Level.WARNING, "+elected-leader", m);
    transition(m, FailoverState.SELECT_REPLICA, now);
    selectReplica(m, now);
  }

  private void selectReplica(Instance m, long now) {
    Instance best = bestReplica(m, now);
    if (best == null) {
      // Replies to the INFO sent at SDOWN may still be on their way; give them a moment.
      if (now - m.failoverStateChange < SELECT_GRACE_MS) return;
      abortFailover(m, "-failover-abort-no-good-slave");
      return;
    }
    event(Log.Level.WARNING, "+selected-slave", best);
    best.flags.add(InstanceFlag.PROMOTED);
    m.promoted = best;
    transition(m, FailoverState.SEND_REPLICAOF_NO_ONE, now);
    sendReplicaOfNoOne(m, now);
  }

  /** Redis's rules: usable replicas only; then lower priority, larger offset, smaller run id. */
  Instance bestReplica(Instance m, long now) {
    long maxLinkDown = (m.sdown() ? now - m.sdownSince : 0) + m.downAfter * 10;
    long infoValidity = m.sdown() ? 5000 : config.infoPeriodMs * 3;
    List<Instance> ok = new ArrayList<>();
    for (Instance r : m.replicas.values()) {
      if (r.sdown() || r.flags.contains(InstanceFlag.ODOWN)) continue;
      if (r.cmdLink == null || !r.cmdLink.connected()) continue;
      if (r.priority == 0 || !r.replicaAnnounced) continue;
      if (now - r.lastAvail > Math.max(config.pingPeriodMs, 1000) * 5) continue;
      if (now - r.infoRefresh > infoValidity) continue;
      if (r.masterLinkDownMs > maxLinkDown) continue;
      ok.add(r);
    }
    ok.sort(Comparator.<Instance>comparingInt(r -> r.priority)
        .thenComparing(Comparator.<Instance>comparingLong(r -> r.replOffset).reversed())
        .thenComparing(r -> r.runId.isEmpty() ? "\uffff" : r.runId));
    return ok.isEmpty() ? null : ok.get(0);
  }

  private void sendReplicaOfNoOne(Instance m, long now) {
    Instance p = m.promoted;
    if (p.cmdLink == null || !p.cmdLink.connected()) {
      if (now - m.failoverStateChange > m.failoverTimeout) abortFailover(m, "-failover-abort-slave-timeout");
      return;
    }
    transition(m, FailoverState.WAIT_PROMOTION, now);
    sendReplicaOf(p, null, 0, null);
  }

  private void reconfReplicas(Instance m, long now) {
    Instance p = m.promoted;
    boolean timedOut = now - m.failoverStateChange > m.failoverTimeout;
    int inProgress = 0;
    for (Instance r : m.replicas.values()) {
      if (r.flags.contains(InstanceFlag.RECONF_SENT) && now - r.reconfSentTime > 10_000) {
        r.flags.remove(InstanceFlag.RECONF_SENT);
        r.flags.add(InstanceFlag.RECONF_DONE);
        event(Log.Level.NOTICE, "-slave-reconf-sent-timeout", r);
      }
      if (r.flags.contains(InstanceFlag.RECONF_SENT) || r.flags.contains(InstanceFlag.RECONF_INPROG)) inProgress++;
    }
    for (Instance r : m.replicas.values()) {
      if (r == p || r.flags.contains(InstanceFlag.RECONF_DONE) || r.flags.contains(InstanceFlag.RECONF_SENT)
          || r.flags.contains(InstanceFlag.RECONF_INPROG)) continue;
      if (r.cmdLink == null || !r.cmdLink.connected() || r.sdown()) continue;
      if (inProgress >= m.parallelSyncs && !timedOut) break;
      r.flags.add(InstanceFlag.RECONF_SENT);
      r.reconfSentTime = now;
      sendReplicaOf(r, p.ip, p.port, null);
      event(Log.Level.NOTICE, "+slave-reconf-sent", r);
      inProgress++;
    }
    int notDone = 0;
    for (Instance r : m.replicas.values()) {
      if (r == p || r.sdown() || r.cmdLink == null || !r.cmdLink.connected()) continue;
      if (!r.flags.contains(InstanceFlag.RECONF_DONE)) notDone++;
    }
    if (notDone == 0 || timedOut) {
      if (timedOut) event(Log.Level.WARNING, "+failover-end-for-timeout", m);
      event(Log.Level.WARNING, "+failover-end", m);
      transition(m, FailoverState.UPDATE_CONFIG, now);
      finishFailover(m);
    }
  }

  private void abortFailover(Instance m, String why) {
    event(Log.Level.WARNING, why, m);
    m.flags.remove(InstanceFlag.FAILOVER_IN_PROGRESS);
    m.flags.remove(InstanceFlag.FORCE_FAILOVER);
    m.failoverState = FailoverState.NONE;
    m.failoverStateChange = now();
    if (m.promoted != null) m.promoted.flags.remove(InstanceFlag.PROMOTED);
    m.promoted = null;
  }

  private void finishFailover(Instance m) {
    Instance p = m.promoted;
    switchMaster(m, p.ip, p.port, now());
  }

  /**
   * The master now lives at ip:port: every other known address, the old master
   * included, becomes its replica. Links are rebuilt from scratch; sentinels are kept.
   */
  void switchMaster(Instance m, String ip, int port, long now) {
    String oldIp = m.ip;
    int oldPort = m.port;
    List<String[]> replicaAddrs = new ArrayList<>();
    for (Instance r : m.replicas.values()) {
      if (!(r.ip.equals(ip) && r.port == port)) replicaAddrs.add(new String[] {r.ip, String.valueOf(r.port)});
      r.closeLinks();
    }
    if (!(oldIp.equals(ip) && oldPort == port)) replicaAddrs.add(new String[] {oldIp, String.valueOf(oldPort)});
    m.closeLinks();
    // The old master's unanswered PING is not the new one's: kept, it made the new master +sdown at once.
    m.actPingTime = 0;
    m.replicas.clear();
    m.ip = ip;
    m.port = port;
    m.runId = "";
    m.flags.clear();
    m.failoverState = FailoverState.NONE;
    m.failoverStateChange = now;
    m.promoted = null;
    m.roleReported = Kind.MASTER;
    m.infoRefresh = 0;
    m.lastInfoSent = 0;
    m.lastSwitch = now;
    touch(m, now);
    for (Instance s : m.sentinels.values()) s.flags.remove(InstanceFlag.MASTER_DOWN);
    event(Log.Level.WARNING, "+switch-master", null, Log.kv("master", m.name), Log.kv("old_ip", oldIp), Log.kv("old_port", oldPort),
        Log.kv("new_ip", ip), Log.kv("new_port", port));
    for (String[] a : replicaAddrs) {
      Instance r = addReplica(m, a[0], Integer.parseInt(a[1]), now, false);
      event(Log.Level.NOTICE, "+slave", r);
    }
    saveConfig();
    forceHello(m);
  }

  // ---------------------------------------------------------------- commands' helpers

  /** SENTINEL RESET: forget replicas, sentinels and failover state; returns how many masters. */
  int reset(String pattern) {
    int n = 0;
    long now = now();
    for (Instance m : masters.values()) {
      if (!io.redisha.util.Glob.match(pattern, m.name)) continue;
      closeAll(m);
      m.replicas.clear();
      m.sentinels.clear();
      m.flags.clear();
      m.failoverState = FailoverState.NONE;
      m.promoted = null;
      m.runId = "";
      touch(m, now);
      event(Log.Level.WARNING, "+reset-master", m);
      n++;
    }
    if (n > 0) saveConfig();
    return n;
  }

  void removeMaster(String name) {
    Instance m = masters.remove(name);
    if (m == null) return;
    closeAll(m);
    event(Log.Level.WARNING, "-monitor", m);
    saveConfig();
  }

  /** Persists what we know, like Redis's sentinelFlushConfig; failures are logged, not fatal. */
  boolean saveConfig() {
    if (config.file == null) return false;
    List<String> state = new ArrayList<>();
    state.add("port " + port());
    state.add("sentinel myid " + myid);
    for (Instance m : masters.values()) {
      state.add("sentinel monitor " + m.name + " " + m.ip + " " + m.port + " " + m.quorum);
      if (m.downAfter != 30_000) state.add("sentinel down-after-milliseconds " + m.name + " " + m.downAfter);
      if (m.failoverTimeout != 180_000) state.add("sentinel failover-timeout " + m.name + " " + m.failoverTimeout);
      if (m.parallelSyncs != 1) state.add("sentinel parallel-syncs " + m.name + " " + m.parallelSyncs);
      if (m.authPass != null) state.add("sentinel auth-pass " + m.name + " " + m.authPass);
      if (m.authUser != null) state.add("sentinel auth-user " + m.name + " " + m.authUser);
      if (m.notificationScript != null) state.add("sentinel notification-script " + m.name + " " + m.notificationScript);
      if (m.clientReconfigScript != null) {
        state.add("sentinel client-reconfig-script " + m.name + " " + m.clientReconfigScript);
      }
      state.add("sentinel config-epoch " + m.name + " " + m.configEpoch);
      state.add("sentinel leader-epoch " + m.name + " " + m.myVoteEpoch);
      for (Instance r : m.replicas.values()) {
        if (r.ip.equals(m.ip) && r.port == m.port) continue;
        state.add("sentinel known-replica " + m.name + " " + r.ip + " " + r.port);
      }
      for (Instance s : m.sentinels.values()) {
        state.add("sentinel known-sentinel " + m.name + " " + s.ip + " " + s.port + " " + s.runId);
      }
    }
    if (config.announceIp != null) state.add("sentinel announce-ip " + config.announceIp);
    if (config.announcePort != 0) state.add("sentinel announce-port " + config.announcePort);
    if (!config.denyScriptsReconfig) state.add("sentinel deny-scripts-reconfig no");
    if (config.sentinelUser != null) state.add("sentinel sentinel-user " + config.sentinelUser);
    if (config.sentinelPass != null) state.add("sentinel sentinel-pass " + config.sentinelPass);
    state.add("sentinel current-epoch " + currentEpoch);
    try {
      SentinelConfig.rewrite(config.file, config.keptLines(), state);
      return true;
    } catch (IOException e) {
      log.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: " + e.getMessage());
      return false;
    }
  }
}
