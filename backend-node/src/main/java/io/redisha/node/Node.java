package io.redisha.node;

import io.redisha.config.Settings;
import io.redisha.node.commands.ConnectionCommands;
import io.redisha.node.commands.HashCommands;
import io.redisha.node.commands.KeyCommands;
import io.redisha.node.commands.ListCommands;
import io.redisha.node.commands.ServerCommands;
import io.redisha.node.commands.SetCommands;
import io.redisha.node.commands.StringCommands;
import io.redisha.node.commands.ZSetCommands;
import io.redisha.node.persist.RdbPersistence;
import io.redisha.util.Log;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * A Redis-compatible server. Like redis-server it runs every command on one thread:
 * the node has its own Vert.x instance with a single event loop, which owns the key
 * space, the clients and the cron, so commands are atomic without locks.
 */
public final class Node {

  public final Settings config;
  public final Log log = new Log('M');
  public final Commands commands = new Commands();
  public final Stats stats = new Stats();
  public final Clock clock = new Clock();
  public final Random random = new Random();
  public final Transactions transactions = new Transactions();
  public final PubSub pubsub = new PubSub(this);
  public final Blocking blocking = new Blocking(this);
  public final Tracking tracking = new Tracking(this);
  public final RdbPersistence persistence = new RdbPersistence(this);
  public final Propagation propagation = new Propagation();
  public final Replication replication = new Replication(this);
  public final NodeMetrics metrics;
  /** Set by the AOF: replies wait until the writes before them are in the file. */
  public Client.ReplyGate replyGate;
  public final io.redisha.node.persist.AofPersistence aof;
  public final String runId;
  public final long startMs = System.currentTimeMillis();
  final Db[] dbs;
  final LinkedHashMap<Long, Client> clients = new LinkedHashMap<>();
  final List<Client> monitors = new ArrayList<>();

  /** Changes since the last save, as redis-server's server.dirty; commands add to it. */
  public long dirty;

  /** Unix seconds of the last successful save (LASTSAVE); Redis counts the start as one. */
  public long lastSaveTime = startMs / 1000;

  /** The replication ID this node's history is known by (40 hex), and the previous one (INFO replication). */
  public String replid = randomHex40();
  public String replid2 = "0".repeat(40);

  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the cron's expiry off (tests of lazy expiry use it). */
  public boolean activeExpireEnabled = true;

  /** Set while a READONLY command runs, so that lookups count keyspace hits and misses as Redis's lookupKeyRead. */
  public boolean countKeyspaceReads;

  private Vertx vertx;
  private final List<NetServer> servers = new ArrayList<>();
  long nextClientId = 1;
  private int port;
  private long cronTimer = -1;
  private long replicationTimer = -1;
  private Runnable shutdownHook = () -> {};
  private volatile boolean stopping;

  public Node(Settings config) {
    this.config = config;
    int n = config.getInt("databases");
    dbs = new Db[n];
    for (int i = 0; i < n; i++) dbs[i] = new Db(this, i);
    runId = randomHex40();
    ConnectionCommands.register(this, commands);
    ServerCommands.register(this, commands);
    StringCommands.register(this, commands);
    KeyCommands.register(this, commands);
    ListCommands.register(this, commands);
    HashCommands.register(this, commands);
    SetCommands.register(this, commands);
    ZSetCommands.register(this, commands);
    transactions.register(this, commands);
    persistence.register(commands);
    pubsub.register(commands);
    replication.register(commands);
    aof = new io.redisha.node.persist.AofPersistence(this, commands);
    metrics = new NodeMetrics(this);
  }

  /** A fresh 40-hex ID, as run IDs and replication IDs are. */
  public static String randomHex40() {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  public Db db(int i) {
    return dbs[i];
  }

  public int databases() {
    return dbs.length;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The port clients connect to (the configured one, or the one chosen for port 0). */
  public int port() {
    return port;
  }

  public Iterable<Client> clients() {
    return clients.values();
  }

  public int clientCount() {
    return clients.size();
  }

  public Client client(long id) {
    return clients.get(id);
  }

  /** What SHUTDOWN runs after the node has stopped, e.g. System.exit for a standalone node. */
  public void onShutdown(Runnable hook) {
    this.shutdownHook = hook;
  }

  // ---------------------------------------------------------------- lifecycle

  public Future<Node> start() {
    try {
      log.setFile(config.getString("logfile"));
    } catch (java.io.IOException e) {
      return Future.failedFuture("Can't open the log file: " + e.getMessage());
    }
    log.setLevel(Log.parseLevel(config.getString("loglevel")));
    config.onChange("loglevel", v -> log.setLevel(Log.parseLevel((String) v)));
    // S on a replica, M on a master, as redis-server marks its lines.
    log.setRoleSource(() -> replication.isReplica() ? 'S' : 'M');
    log.setFormat(Log.parseFormat(config.getString("log-format")));
    config.onChange("log-format", v -> log.setFormat(Log.parseFormat((String) v)));
    log.setTimestampFormat(Log.parseTimestampFormat(config.getString("log-timestamp-format")));
    config.onChange("log-timestamp-format", v -> log.setTimestampFormat(Log.parseTimestampFormat((String) v)));
    try {
      // As redis-server: with appendonly yes the AOF is the data set and dump.rdb is not read.
      if (!config.bool("appendonly")) persistence.load();
    } catch (java.io.IOException e) {
      log.warning("Fatal error loading the DB, not starting: " + e.getMessage());
      return Future.failedFuture("Can't load the RDB dump (it is left untouched): " + e.getMessage());
    }
    if (config.bool("daemonize")) {
      log.warning("daemonize yes is accepted but ignored: a JVM cannot fork; run the node under systemd or another supervisor (see README)");
    }
    vertx = metrics.vertxBuilder()
        .with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setPreferNativeTransport(true))
        .build();
    Promise<Node> started = Promise.promise();
    vertx.runOnContext(v -> loadData().compose(x -> listenAll()).compose(x -> metrics.start()).onComplete(ar -> {
      if (ar.failed()) {
        vertx.close();
        started.fail(ar.cause());
        return;
      }
      scheduleCron();
      replication.configure();
      replicationTimer = vertx.setPeriodic(1000, t -> replication.tick());
      config.onChange("hz", hz -> vertx.runOnContext(x -> scheduleCron()));
      if (!vertx.isNativeTransportEnabled()) {
        log.warning("Native epoll transport unavailable (" + vertx.unavailableNativeTransportCause() + "); using NIO");
      }
      log.notice("Ready to accept connections tcp on port " + port);
      started.complete(this);
    }));
    return started.future();
  }

  /**
   * Loads the AOF (appendonly yes) before clients can connect, as redis-server does; on a
   * worker thread, since nothing else touches the data yet and a long load would trip
   * Vert.x's blocked-event-loop checker.
   */
  private Future<Void> loadData() {
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    return vertx.<Void>executeBlocking(() -> {
      aof.start(loop);
      return null;
    }).recover(err -> {
      log.warning(err.getMessage());
      return Future.failedFuture(err.getMessage());
    });
  }

  private Future<Void> listenAll() {
    List<String> binds = NodeConfig.castList(config.value("bind"));
    Future<Void> chain = Future.succeededFuture();
    port = config.getInt("port");
    for (String b : binds) {
      boolean optional = b.startsWith("-");
      String host = optional ? b.substring(1) : b;
      String h = host.equals("*") ? "0.0.0.0" : host.equals("::*") ? "::" : host;
      chain = chain.compose(v -> listen(h).recover(err -> {
        if (optional) return Future.succeededFuture();
        return Future.failedFuture(new IllegalStateException(
            "Could not create server TCP listening socket " + h + ":" + port + ": " + err.getMessage(), err));
      }));
    }
    return chain;
  }

  private Future<Void> listen(String host) {
    NetServerOptions opts = new NetServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setAcceptBacklog(config.getInt("tcp-backlog"))
        .setTcpKeepAlive(config.getInt("tcp-keepalive") > 0)
        .setReuseAddress(true);
    NetServer server = vertx.createNetServer(opts).connectHandler(this::accept);
    return server.listen().map(s -> {
      servers.add(s);
      if (port == 0) port = s.actualPort();
      return null;
    });
  }

  private void accept(NetSocket socket) {
    stats.connectionsReceived++;
    if (clients.size() >= config.getInt("maxclients")) {
      stats.rejectedConnections++;
      socket.write("-ERR max number of clients reached\r\n").onComplete(v -> socket.close());
      return;
    }
    if (protectedModeRefuses(socket)) {
      stats.rejectedConnections++;
      socket.write(PROTECTED_MODE_ERROR).onComplete(v -> socket.close());
      return;
    }
    Client c = new Client(this, nextClientId++, socket);
    clients.put(c.id, c);
  }

  private boolean protectedModeRefuses(NetSocket socket) {
    if (!config.bool("protected-mode") || !config.getString("requirepass").isEmpty()) return false;
    List<String> binds = NodeConfig.castList(config.value("bind"));
    if (!binds.contains("*")) return false; // an explicit bind is the user's decision
    String ip = socket.remoteAddress().host();
    return !(ip.startsWith("127.") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1") || ip.startsWith("::ffff:127."));
  }

  static final String PROTECTED_MODE_ERROR = "-DENIED Redis is running in protected mode because protected mode is enabled "
      + "and no password is set for the default user. In this mode connections are only accepted from the loopback "
      + "interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: "
      + "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface "
      + "by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly "
      + "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you "
      + "can just disable the protected mode by editing the Redis configuration file, and setting the protected mode "
      + "option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart "
      + "it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You "
      + "only need to do one of the above things in order for the server to start accepting connections from the "
      + "outside.\r\n";

  void removeClient(Client c) {
    clients.remove(c.id);
    monitors.remove(c);
    postponed.remove(c);
  }

  // ---------------------------------------------------------------- CLIENT PAUSE

  /** When the current CLIENT PAUSE ends (Unix ms), 0 when none; and whether it holds all commands or only writes. */
  private long pauseEndMs;
  private boolean pauseAll;
  private long pauseTimer = -1;
  private final List<Client> postponed = new ArrayList<>();

  /** Commands that Redis 7.0 treats as "may replicate" besides the write ones: they wait out a write pause too. */
  private static final java.util.Set<String> MAY_REPLICATE = java.util.Set.of(
      "eval", "evalsha", "fcall", "publish", "spublish", "pfcount", "wait", "script|load", "script|flush");

  /**
   * CLIENT PAUSE: as in Redis, a second pause can only lengthen the pause and widen it
   * from WRITE to ALL. Paused clients' commands wait; PING and reads still run under WRITE.
   */
  public void pauseClients(long ms, boolean all) {
    long now = clock.nowMs();
    long end = now + Math.min(ms, Long.MAX_VALUE / 2 - now);
    if (all) pauseAll = true;
    if (end > pauseEndMs) {
      pauseEndMs = end;
      if (pauseTimer >= 0) vertx.cancelTimer(pauseTimer);
      pauseTimer = vertx.setTimer(Math.max(1, ms), t -> {
        pauseTimer = -1;
        unpauseClients();
      });
    }
  }

  /** CLIENT UNPAUSE, or the pause's end: the held commands run, in the order their clients were held. */
  public void unpauseClients() {
    if (pauseTimer >= 0) vertx.cancelTimer(pauseTimer);
    pauseTimer = -1;
    pauseEndMs = 0;
    pauseAll = false;
    List<Client> held = new ArrayList<>(postponed);
    postponed.clear();
    for (Client c : held) c.endPostpone();
  }

  public boolean paused() {
    return pauseEndMs != 0 || failoverPause;
  }

  /** FAILOVER holds writes until it ends; a pause of its own, so CLIENT UNPAUSE does not end it (nor it a CLIENT PAUSE). */
  private boolean failoverPause;

  void pauseWritesForFailover(boolean on) {
    failoverPause = on;
    if (on || pauseEndMs != 0) return;
    List<Client> held = new ArrayList<>(postponed);
    postponed.clear();
    for (Client c : held) c.endPostpone();
  }

  boolean pausedFor(Client c, io.redisha.command.CommandSpec spec) {
    if (pauseEndMs == 0 && !failoverPause) return false;
    if (pauseAll && pauseEndMs != 0) return true;
    return spec.isWrite() || MAY_REPLICATE.contains(spec.name()) || (spec.name().equals("exec") && c.queueWrites());
  }

  void postpone(Client c) {
    postponed.add(c);
  }

  public int postponedClients() {
    return postponed.size();
  }

  /**
   * Stops listening, closes every client and the event loop; with save points configured
   * it saves first, as redis-server does on SIGTERM (the launcher's shutdown hook calls this).
   */
  public Future<Void> stop() {
    return stop(true);
  }

  private Future<Void> stop(boolean saveIfConfigured) {
    // A second stop (SHUTDOWN, then the launcher's hook or a test's close) has nothing left to do.
    if (vertx == null || stopping) return Future.succeededFuture();
    stopping = true;
    Vertx v = vertx;
    Promise<Void> done = Promise.promise();
    v.runOnContext(x -> {
      if (saveIfConfigured && persistence.hasSavePoints()) {
        if (!persistence.saveForExit()) log.warning("Error trying to save the DB, exiting anyway.");
      } else {
        persistence.abortBgsave();
      }
      if (cronTimer >= 0) v.cancelTimer(cronTimer);
      if (replicationTimer >= 0) v.cancelTimer(replicationTimer);
      replication.close();
      aof.close();
      List<Future<Void>> closing = new ArrayList<>();
      for (NetServer s : servers) closing.add(s.close());
      closing.add(metrics.stop());
      for (Client c : new ArrayList<>(clients.values())) c.close();
      Future.join(closing).onComplete(ar -> v.close().onComplete(ar2 -> done.complete()));
    });
    return done.future();
  }

  /** SHUTDOWN, after its save (if any) succeeded: stop, then run the hook (exit for a standalone node). */
  public void shutdown() {
    log.warning("Redis is now ready to exit, bye bye...");
    stop(false).onComplete(v -> shutdownHook.run());
  }

  // ---------------------------------------------------------------- cron

  /** (Re)starts the cron at the configured hz; CONFIG SET hz takes effect at once, as in Redis. */
  private void scheduleCron() {
    if (cronTimer >= 0) vertx.cancelTimer(cronTimer);
    long period = Math.max(1, 1000 / config.getInt("hz"));
    cronTimer = vertx.setPeriodic(period, t -> cron());
  }

  private void cron() {
    stats.sample(clock.nowMs());
    long budget = 1_000_000L * 25 / Math.max(1, config.getInt("hz")); // 25% of a tick, as Redis's slow cycle
    if (activeExpireEnabled) for (Db db : dbs) db.activeExpire(budget / dbs.length + 1);
    tracking.limit(null);
    persistence.cron();
    long timeout = config.getLong("timeout");
    if (timeout > 0) {
      long now = clock.nowMs();
      for (Client c : new ArrayList<>(clients.values())) {
        if (c.idleTimeoutApplies() && now - c.lastInteractionMs > timeout * 1000) {
          log.verbose("Closing idle client");
          c.close();
        }
      }
    }
  }

  // ---------------------------------------------------------------- hooks for replication

  /** "master" or "slave", as ROLE and HELLO say it. */
  public String role() {
    return replication.isReplica() ? "slave" : "master";
  }

  /**
   * Whether keys expire here: a replica waits for its master's DEL, and during CLIENT
   * PAUSE nothing expires, as in Redis, so that a paused master's data stands still.
   */
  public boolean expiresLocally() {
    return pauseEndMs == 0 && !replication.isReplica();
  }

  /** Called for every key deleted by expiry: the stream gets a DEL, so that replays expire it too. */
  void keyExpired(Db db, Key key) {
    if (propagation.active()) propagation.propagate(db.id, Propagation.DEL, key.bytes);
  }

  /** Sends a command line to every MONITOR client, as redis-server formats it. */
  void feedMonitors(Client from, byte[][] argv) {
    if (monitors.isEmpty()) return;
    long now = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
    StringBuilder sb = new StringBuilder();
    sb.append(now / 1_000_000).append('.').append(String.format("%06d", now % 1_000_000));
    sb.append(" [").append(from.db.id).append(' ').append(from.addr).append(']');
    for (byte[] a : argv) sb.append(" \"").append(Client.escape(a)).append('"');
    String line = sb.toString();
    for (Client m : monitors) {
      m.reply().simple(line);
      m.flush();
    }
  }

  public boolean hasMonitors() {
    return !monitors.isEmpty();
  }

  void addMonitor(Client c) {
    monitors.add(c);
  }
}
