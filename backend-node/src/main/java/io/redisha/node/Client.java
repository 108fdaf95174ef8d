package io.redisha.node;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.node.persist.RdbPersistence;
import io.redisha.resp.ReplyWriter;
import io.redisha.resp.RequestParser;
import io.redisha.resp.Sockets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One client connection: its parser, its reply buffer and its session state.
 *
 * <p>Replies made while handling one socket read are collected and written once at
 * the end of the read. When the socket's write queue fills (the client does not read
 * its replies) the node stops reading from it until it drains, so a slow client costs
 * bounded memory and never stalls the others.
 */
public final class Client implements RequestParser.Sink {

  public final long id;
  public final Node node;
  public final String addr;
  public final String laddr;
  final NetSocket socket;
  final RequestParser parser = new RequestParser(this);
  private final ReplyWriter out = new ReplyWriter();
  public final long createdMs;
  long lastInteractionMs;

  public Db db;
  public String name = "";
  public String libName = "";
  public String libVer = "";
  public boolean authenticated;
  public String lastCommand = "NULL";
  boolean inRead;
  boolean closed;
  boolean closeAfterReply;
  boolean monitor;
  /** True while EXEC runs the queue: blocking commands then answer at once instead of blocking. */
  public boolean inExec;
  /** The connection-less client that applies the master's stream on a replica. */
  public boolean isMaster;
  /** Set by PSYNC: this connection is one of our replicas. */
  Replication.ReplicaConn replicaConn;
  /** What REPLCONF told before PSYNC. */
  int replicaListeningPort;
  String replicaAnnouncedIp;
  /** REPLCONF capa eof: this replica reads the diskless payload form. */
  boolean replicaCapaEof;
  private long outstanding;
  long pubsubLimitSince = -1;

  /** CLIENT REPLY: ON, OFF, SKIP (this command's reply is dropped), SKIP_NEXT (set by CLIENT REPLY SKIP). */
  public static final int REPLY_ON = 0, REPLY_OFF = 1, REPLY_SKIP = 2, REPLY_SKIP_NEXT = 3;
  public int replyMode = REPLY_ON;
  /** CLIENT NO-EVICT: shown as flag 'e'; nothing evicts clients yet. */
  public boolean noEvict;
  /** The command running now (CLIENT LIST's argv-mem), null between commands. */
  byte[][] currentArgv;

  // MULTI/EXEC state, managed by Transactions.
  List<Queued> multiQueue;
  boolean multiError;
  boolean dirtyCas;
  final Set<Transactions.Watched> watched = new HashSet<>();

  // Pub/sub state, managed by PubSub.
  final Set<Key> channels = new java.util.LinkedHashSet<>();
  final Set<Key> patterns = new java.util.LinkedHashSet<>();

  // Client-side caching state, managed by Tracking; null when CLIENT TRACKING is off.
  Tracking.Session tracking;

  // Blocking state, managed by Blocking.
  Blocking.Request blocked;

  record Queued(CommandSpec spec, CommandHandler handler, byte[][] argv) {}

  Client(Node node, long id, NetSocket socket) {
    this.node = node;
    this.id = id;
    this.socket = socket;
    this.db = node.db(0);
    this.addr = format(socket.remoteAddress());
    this.laddr = format(socket.localAddress());
    this.createdMs = node.clock.nowMs();
    this.lastInteractionMs = createdMs;
    this.authenticated = node.config.getString("requirepass").isEmpty();
    parser.setAuthRequired(!authenticated);
    parser.setMaxBulkLen(node.config.getLong("proto-max-bulk-len"));
    applyKeepAlive(socket, node.config.getInt("tcp-keepalive"));
    Sockets.handle(socket, this::onData);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(err -> close());
    Sockets.onWritable(socket, this::resumeInput);
  }

  /** A client without a connection that replays an AOF; see {@link #loader}. */
  private Client(Node node) {
    this.node = node;
    this.id = 0;
    this.socket = null;
    this.db = node.db(0);
    this.addr = "";
    this.laddr = "";
    this.createdMs = node.clock.nowMs();
    this.lastInteractionMs = createdMs;
    this.authenticated = true;
  }

  /**
   * The client that applies the master's stream on a replica: listed by CLIENT LIST with
   * flag M and the link's addresses, killable by CLIENT KILL; reads and writes nothing
   * itself (the replication link owns the socket) and its replies are dropped, as Redis's.
   */
  static Client forMasterLink(Node node, long id, NetSocket link) {
    return new Client(node, id, link, true);
  }

  private Client(Node node, long id, NetSocket link, boolean masterLink) {
    this.node = node;
    this.id = id;
    this.socket = link;
    this.db = node.db(0);
    this.addr = format(link.remoteAddress());
    this.laddr = format(link.localAddress());
    this.createdMs = node.clock.nowMs();
    this.lastInteractionMs = createdMs;
    this.authenticated = true;
    this.isMaster = masterLink;
  }

  /** Redis's fake AOF client: runs commands read from a file, its replies dropped. */
  public static Client loader(Node node) {
    return new Client(node);
  }

  /** Runs one command of a loaded file through the usual guards and dispatch. */
  public void replay(byte[][] argv) {
    if (socket != null) lastInteractionMs = node.clock.nowMs();
    execute(argv);
    out.discard();
  }

  /**
   * tcp-keepalive N as redis-server applies it: first probe after N seconds of silence,
   * then every N/3 seconds, 3 probes. Only the native epoll transport exposes these;
   * elsewhere keep-alive stays on with the OS's timings.
   */
  private static void applyKeepAlive(NetSocket socket, int seconds) {
    if (seconds <= 0 || !(socket instanceof io.vertx.core.internal.net.NetSocketInternal internal)) return;
    if (internal.channelHandlerContext().channel() instanceof io.netty.channel.epoll.EpollSocketChannel ch) {
      ch.config().setTcpKeepIdle(seconds);
      ch.config().setTcpKeepIntvl(Math.max(1, seconds / 3));
      ch.config().setTcpKeepCnt(3);
    }
  }

  private static String format(io.vertx.core.net.SocketAddress a) {
    if (a == null) return "?:0";
    String h = a.host();
    return (h != null && h.contains(":") ? "[" + h + "]" : h) + ":" + a.port();
  }

  public ReplyWriter reply() {
    return out;
  }

  public int protocol() {
    return out.protocol();
  }

  public boolean isSubscribed() {
    return !channels.isEmpty() || !patterns.isEmpty();
  }

  public boolean inMulti() {
    return multiQueue != null;
  }

  public boolean isBlocked() {
    return blocked != null;
  }

  /** CLIENT TRACKING's options, or null when it is off. */
  public Tracking.Session tracking() {
    return tracking;
  }

  boolean idleTimeoutApplies() {
    return !isSubscribed() && blocked == null && !monitor && !isMaster && replicaConn == null;
  }

  // ---------------------------------------------------------------- input

  private void onData(byte[] data, int off, int len) {
    if (closed) return;
    node.stats.netInputBytes += len;
    node.stats.readsProcessed++;
    lastInteractionMs = node.clock.nowMs();
    inRead = true;
    try {
      parser.feed(data, off, len);
    } finally {
      inRead = false;
    }
    node.tracking.broadcast();
    flush();
  }

  @Override
  public void onCommand(byte[][] argv) {
    if (closed || closeAfterReply) return;
    execute(argv);
    if (blocked != null || postponed != null) {
      // Commands pipelined behind a blocking one wait in the parser until it is served.
      parser.pause();
      socket.pause();
    } else if (out.length() > OUTPUT_CHUNK) {
      // A pipeline of big replies: hand them to the socket as we go, and stop taking
      // commands from this client while it does not read what it asked for.
      flush();
      if (!Sockets.writable(socket)) parser.pause();
    }
  }

  private static final int OUTPUT_CHUNK = 64 * 1024;

  /** Takes input again after a block ended or the socket drained. */
  void resumeInput() {
    if (closed || blocked != null || postponed != null || !Sockets.writable(socket)) return;
    if (parser.paused()) {
      inRead = true;
      try {
        parser.resume();
      } finally {
        inRead = false;
      }
      flush();
    }
    if (!parser.paused() && !closed) socket.resume();
  }

  /** The blocked command was served or timed out: run what was pipelined behind it. */
  void resumePending() {
    flush();
    resumeInput();
  }

  /** Held by CLIENT PAUSE: runs when the pause ends; the commands behind it wait in the parser. */
  byte[][] postponed;

  private void postpone(byte[][] argv) {
    postponed = argv;
    node.postpone(this);
  }

  void endPostpone() {
    if (postponed == null) return;
    byte[][] argv = postponed;
    postponed = null;
    execute(argv);
    resumePending();
  }

  public boolean isPostponed() {
    return postponed != null;
  }

  @Override
  public void onProtocolError(String message) {
    node.log.verbose("Protocol error (" + message + ") from client: id=" + id + " addr=" + addr);
    if (closeAfterReply) return; // after QUIT redis-server parses nothing more
    out.error(("ERR " + message).getBytes(StandardCharsets.ISO_8859_1));
    node.stats.countError("ERR");
    closeAfterReply = true;
    if (!inRead) flush();
  }

  /** Runs one command from the client, honouring CLIENT REPLY. */
  void execute(byte[][] argv) {
    int before = replyMode;
    if (before == REPLY_OFF || before == REPLY_SKIP) {
      // CLIENT REPLY OFF|SKIP: the command runs, its reply is dropped, unless it was CLIENT REPLY ON.
      int mark = out.mark();
      dispatch(argv);
      if (replyMode != REPLY_ON) out.truncate(mark);
    } else {
      dispatch(argv);
    }
    node.tracking.afterCommand(this);
    if (before == REPLY_SKIP && replyMode == REPLY_SKIP) replyMode = REPLY_ON;
    if (replyMode == REPLY_SKIP_NEXT) replyMode = REPLY_SKIP;
  }

  /**
   * The guards of redis-server's processCommand, in its order: unknown command,
   * arity, authentication, pub/sub context, CLIENT PAUSE, MULTI queueing; then the call.
   */
  private void dispatch(byte[][] argv) {
    CommandSpec spec = node.commands.table().get(argv[0]);
    CommandHandler handler = spec == null ? null : node.commands.handler(spec);
    if (spec == null && isSecurityAttack(argv[0])) {
      node.log.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. "
          + "This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis "
          + "instance. Connection from " + addr + " aborted.");
      close();
      return;
    }
    if (spec != null && spec.isContainer() && !(argv.length == 1 && spec.arityAccepts(1) && handler != null)) {
      // A container runs its own handler only when called bare and its arity allows it (COMMAND).
      if (argv.length == 1) {
        rejectInQueue("ERR wrong number of arguments for '" + spec.name() + "' command");
        return;
      }
      CommandSpec sub = node.commands.table().sub(spec, argv[1]);
      if (sub == null || node.commands.handler(sub) == null) {
        rejectInQueue("ERR unknown subcommand '" + abbreviate(argv[1], 128) + "'. Try "
            + spec.name().toUpperCase(Locale.ROOT) + " HELP.");
        return;
      }
      spec = sub;
      handler = node.commands.handler(sub);
    }
    // CLIENT LIST's cmd= is what was looked up, as Redis's lastcmd: queued and rejected commands included.
    lastCommand = spec == null || handler == null ? "NULL" : spec.name();
    if (spec == null || handler == null) {
      StringBuilder args = new StringBuilder();
      for (int i = 1; i < argv.length && args.length() < 128; i++) {
        args.append('\'').append(abbreviate(argv[i], 128 - args.length())).append("' ");
      }
      rejectInQueue("ERR unknown command '" + abbreviate(argv[0], 128) + "', with args beginning with: " + args);
      return;
    }
    if (!spec.arityAccepts(argv.length)) {
      node.stats.rejected(spec);
      rejectInQueue("ERR wrong number of arguments for '" + spec.name() + "' command");
      return;
    }
    if (!authenticated && !spec.has(CommandFlag.NO_AUTH)) {
      node.stats.rejected(spec);
      rejectInQueue("NOAUTH Authentication required.");
      return;
    }
    node.tracking.limit(this);
    if (node.persistence.refusesWrites() && (spec.isWrite() || spec.name().equals("ping"))) {
      node.stats.rejected(spec);
      rejectInQueue(RdbPersistence.MISCONF);
      return;
    }
    if (node.replication.refusesForTooFewReplicas(this, spec)) {
      node.stats.rejected(spec);
      rejectInQueue(Replication.NOREPLICAS);
      return;
    }
    if (node.replication.refusesWrite(this, spec)) {
      node.stats.rejected(spec);
      rejectInQueue(Replication.READONLY);
      return;
    }
    if (isSubscribed() && out.protocol() == 2 && !allowedWhileSubscribed(spec)) {
      error("ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return;
    }
    if (node.replication.refusesStale(this, spec)) {
      node.stats.rejected(spec);
      rejectInQueue(Replication.MASTERDOWN);
      return;
    }
    if (node.replication.refusesLoading(this, spec)) {
      node.stats.rejected(spec);
      rejectInQueue(Replication.LOADING);
      return;
    }
    if (node.pausedFor(this, spec)) {
      postpone(argv);
      return;
    }
    if (multiQueue != null && !Transactions.runsImmediately(spec)) {
      if (spec.has(CommandFlag.NO_MULTI)) {
        node.stats.rejected(spec);
        rejectInQueue("ERR Command not allowed inside a transaction");
        return;
      }
      multiQueue.add(new Queued(spec, handler, argv));
      out.simple("QUEUED");
      return;
    }
    call(spec, handler, argv);
    node.blocking.serveReadyKeys();
  }

  /** KEYS, SCAN and RANDOMKEY test keys for expiry without Redis counting hits or misses. */
  private static boolean walksKeyspace(CommandSpec spec) {
    return switch (spec.name()) {
      case "keys", "scan", "randomkey" -> true;
      default -> false;
    };
  }

  /** Runs a command whose guards passed (also EXEC's queued commands). */
  void call(CommandSpec spec, CommandHandler handler, byte[][] argv) {
    node.stats.commandsProcessed++;
    currentArgv = argv;
    // MONITOR is fed after the command has run, as Redis 7.0 does: SELECT shows its new db.
    boolean feed = !node.monitors.isEmpty() && !spec.has(CommandFlag.SKIP_MONITOR) && !spec.has(CommandFlag.ADMIN);
    node.countKeyspaceReads = spec.has(CommandFlag.READONLY) && !walksKeyspace(spec);
    long errorsBefore = node.stats.totalErrorReplies;
    long startNs = System.nanoTime();
    long dirtyBefore = node.dirty;
    byte[][][] outerOverride = propagateOverride;
    propagateOverride = null;
    callDepth++;
    node.tracking.enterCall(this);
    node.propagation.enter();
    try {
      node.persistence.beforeWrite(this, spec, argv);
      handler.run(this, argv);
    } catch (CommandError e) {
      error(e.getMessage());
    } catch (RuntimeException e) {
      node.log.warning("Unexpected error in " + spec.name() + ": " + e);
      error("ERR internal error: " + e.getClass().getSimpleName());
    } finally {
      node.countKeyspaceReads = false;
      currentArgv = null;
      callDepth--;
      byte[][][] override = propagateOverride;
      propagateOverride = outerOverride;
      if (override != null) {
        for (byte[][] cmd : override) node.propagation.propagate(db.id, cmd);
      } else if (node.dirty > dirtyBefore) {
        node.propagation.propagate(db.id, argv);
      }
      node.propagation.exit();
      node.tracking.exitCall(this, spec, argv);
    }
    node.stats.called(spec, (System.nanoTime() - startNs) / 1000, node.stats.totalErrorReplies > errorsBefore);
    if (feed && !node.monitors.isEmpty()) node.feedMonitors(this, redacted(spec, argv));
  }

  /** What the running command propagates instead of its argv (see Propagation); null: its argv if it changed data. */
  private byte[][][] propagateOverride;
  private int callDepth;

  /**
   * Replaces what the running command propagates: a deterministic form of it, several
   * commands, or none at all. Outside a call (a blocked client being served later) the
   * commands go to the stream at once, in the client's database.
   */
  public void propagateAs(byte[][]... commands) {
    if (callDepth > 0) {
      propagateOverride = commands;
    } else {
      for (byte[][] cmd : commands) node.propagation.propagate(db.id, cmd);
    }
  }

  /** Passwords never reach MONITOR: AUTH's arguments and HELLO's AUTH pair read "(redacted)". */
  private static byte[][] redacted(CommandSpec spec, byte[][] argv) {
    if (spec.name().equals("auth")) {
      byte[][] r = argv.clone();
      for (int i = 1; i < r.length; i++) r[i] = REDACTED;
      return r;
    }
    if (spec.name().equals("hello")) {
      byte[][] r = null;
      for (int i = 2; i + 2 < argv.length; i++) {
        if (new String(argv[i], StandardCharsets.ISO_8859_1).equalsIgnoreCase("auth")) {
          if (r == null) r = argv.clone();
          r[i + 1] = REDACTED;
          r[i + 2] = REDACTED;
          i += 2;
        }
      }
      return r == null ? argv : r;
    }
    return argv;
  }

  private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

  private static boolean allowedWhileSubscribed(CommandSpec spec) {
    return switch (spec.name()) {
      case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
          "ping", "quit", "reset" -> true;
      default -> false;
    };
  }

  private static boolean isSecurityAttack(byte[] name) {
    String n = new String(name, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    return n.equals("post") || n.equals("host:");
  }

  /** An error before execution: inside MULTI it also dooms the transaction. */
  private void rejectInQueue(String text) {
    if (multiQueue != null) multiError = true;
    error(text);
  }

  public void error(String text) {
    node.stats.countError(text);
    out.error(text);
  }

  // ---------------------------------------------------------------- output

  /**
   * Holds replies back until what their commands changed is durable (the AOF with
   * appendfsync always acknowledges a write only after its fsync).
   */
  public interface ReplyGate {
    /** True if the gate keeps the buffer and will hand it to {@link #release} later. */
    boolean hold(Client c, Buffer reply);
  }

  private int heldReplies;

  /** Writes what was replied so far; called at the end of a read or after async replies. */
  public void flush() {
    if (closed) return;
    if (isMaster) {
      out.discard(); // the master gets no replies
      return;
    }
    if (!out.isEmpty()) {
      Buffer b = out.take();
      if (node.replyGate != null && node.replyGate.hold(this, b)) {
        heldReplies++;
        return;
      }
      send(b);
    }
    if (closeAfterReply && heldReplies == 0) close();
  }

  /** A reply the gate held is now allowed out. */
  public void release(Buffer b) {
    heldReplies--;
    if (closed) {
      Sockets.discard(b);
      return;
    }
    send(b);
    if (closeAfterReply && heldReplies == 0) close();
  }

  private void send(Buffer b) {
    node.stats.netOutputBytes += b.length();
    node.stats.writesProcessed++;
    if (isSubscribed() || monitor) {
      int len = b.length();
      outstanding += len;
      Sockets.write(socket, b).onComplete(ar -> outstanding -= len);
      enforcePubsubLimit();
    } else {
      Sockets.writeNow(socket, b);
      if (!Sockets.writable(socket)) {
        socket.pause();
        parser.pause();
      }
    }
  }

  /**
   * A subscriber that does not read its messages cannot be paused (the messages come
   * from other clients), so, as redis-server's client-output-buffer-limit pubsub, it is
   * dropped when its unsent output passes the hard limit, or stays over the soft limit
   * for longer than the soft seconds.
   */
  private void enforcePubsubLimit() {
    long[] limit = node.pubsub.outputLimit();
    long now = node.clock.nowMs();
    boolean over;
    if (limit[0] > 0 && outstanding > limit[0]) {
      over = true;
    } else if (limit[1] > 0 && outstanding > limit[1]) {
      if (pubsubLimitSince < 0) pubsubLimitSince = now;
      over = now - pubsubLimitSince > limit[2] * 1000;
    } else {
      pubsubLimitSince = -1;
      over = false;
    }
    if (over) {
      node.stats.clientOutputLimitDisconnections++;
      node.log.warning("Client id=" + id + " addr=" + addr + " scheduled to be closed ASAP for overcoming of output buffer limits.");
      close();
    }
  }

  /** Bytes written to the socket but not yet sent (tracked for subscribers and monitors). */
  public long outputBytes() {
    return outstanding;
  }

  public void close() {
    if (closed) return;
    closed = true;
    socket.close();
    onClosed();
  }

  private void onClosed() {
    closed = true;
    node.transactions.unwatchAll(this);
    node.pubsub.unsubscribeAll(this);
    node.blocking.unblock(this);
    node.tracking.disable(this);
    node.replication.replicaGone(this);
    node.removeClient(this);
  }

  public boolean isClosed() {
    return closed;
  }

  public void closeAfterReply() {
    closeAfterReply = true;
  }

  /** RESET: back to a fresh connection's state, except that the connection stays. */
  public void resetSession() {
    node.transactions.discard(this);
    node.pubsub.unsubscribeAll(this);
    node.blocking.unblock(this);
    node.tracking.disable(this);
    if (monitor) {
      monitor = false;
      node.monitors.remove(this);
    }
    db = node.db(0);
    name = "";
    replyMode = REPLY_ON;
    out.setProtocol(2);
    setAuthenticated(node.config.getString("requirepass").isEmpty());
  }

  public NetSocket socket() {
    return socket;
  }

  public void setAuthenticated(boolean a) {
    authenticated = a;
    parser.setAuthRequired(!a);
  }

  public long idleSeconds() {
    return (node.clock.nowMs() - lastInteractionMs) / 1000;
  }

  public int queryBufferBytes() {
    return parser.pendingBytes();
  }

  public long lastInteractionMs() {
    return lastInteractionMs;
  }

  public boolean isMonitor() {
    return monitor;
  }

  /** MONITOR: from now on this connection only receives the command feed. */
  public void startMonitor() {
    if (monitor) return;
    monitor = true;
    node.addMonitor(this);
  }

  /** A WATCHed key changed: EXEC will fail (CLIENT LIST flag 'd'). */
  public boolean isDirtyCas() {
    return dirtyCas;
  }

  public boolean willCloseAfterReply() {
    return closeAfterReply;
  }

  /** Whether the queued transaction writes (EXEC waits out a CLIENT PAUSE WRITE then). */
  boolean queueWrites() {
    if (multiQueue == null) return false;
    for (Queued q : multiQueue) if (q.spec().isWrite()) return true;
    return false;
  }

  /** Commands queued by MULTI, or -1 outside a transaction (CLIENT LIST's multi=). */
  public int queuedCommands() {
    return multiQueue == null ? -1 : multiQueue.size();
  }

  /** Bytes of the queued commands' arguments (CLIENT LIST's multi-mem). */
  public long queuedBytes() {
    if (multiQueue == null) return 0;
    long n = 0;
    for (Queued q : multiQueue) for (byte[] a : q.argv()) n += a.length;
    return n;
  }

  /** Bytes of the running command's arguments (CLIENT LIST's argv-mem). */
  public long argvBytes() {
    if (currentArgv == null) return 0;
    long n = 0;
    for (byte[] a : currentArgv) n += a.length;
    return n;
  }

  public int channelCount() {
    return channels.size();
  }

  public int patternCount() {
    return patterns.size();
  }

  // ---------------------------------------------------------------- helpers

  static String abbreviate(byte[] b, int max) {
    String s = new String(b, 0, Math.min(b.length, Math.max(0, max)), StandardCharsets.UTF_8);
    return s;
  }

  /** Redis's sdscatrepr body: printable bytes as is, the rest escaped. */
  public static String escape(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length + 2);
    for (byte x : b) {
      int c = x & 0xff;
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 7 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        default -> {
          if (c >= 32 && c < 127) sb.append((char) c);
          else sb.append(String.format("\\x%02x", c));
        }
      }
    }
    return sb.toString();
  }

  /** Thrown by helpers to reply an error from deep inside a command. */
  public static final class CommandError extends RuntimeException {
    public CommandError(String text) {
      super(text, null, false, false);
    }
  }
}
