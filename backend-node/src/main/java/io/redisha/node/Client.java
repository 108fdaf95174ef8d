package io.redisha.node;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.resp.ReplyWriter;
import io.redisha.resp.RequestParser;
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
  private long outstanding;
  long pubsubLimitSince = -1;

  // MULTI/EXEC state, managed by Transactions.
  List<Queued> multiQueue;
  boolean multiError;
  boolean dirtyCas;
  final Set<Transactions.Watched> watched = new HashSet<>();

  // Pub/sub state, managed by PubSub.
  final Set<Key> channels = new java.util.LinkedHashSet<>();
  final Set<Key> patterns = new java.util.LinkedHashSet<>();

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
    socket.handler(this::onData);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(err -> close());
    socket.drainHandler(v -> {
      if (!closed && blocked == null) socket.resume();
    });
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

  boolean idleTimeoutApplies() {
    return !isSubscribed() && blocked == null && !monitor;
  }

  // ---------------------------------------------------------------- input

  private void onData(Buffer data) {
    if (closed) return;
    node.stats.netInputBytes += data.length();
    lastInteractionMs = node.clock.nowMs();
    inRead = true;
    try {
      parser.feed(data);
    } finally {
      inRead = false;
    }
    flush();
  }

  @Override
  public void onCommand(byte[][] argv) {
    if (closed || closeAfterReply) return;
    if (blocked != null) {
      // A pipelined command behind a blocking one waits, as in redis-server; we keep
      // it simple by refusing to read more until the client is unblocked (see Blocking).
      pending.add(argv);
      return;
    }
    execute(argv);
  }

  final java.util.ArrayDeque<byte[][]> pending = new java.util.ArrayDeque<>();

  /** Runs the commands that arrived while this client was blocked. */
  void resumePending() {
    while (blocked == null && !pending.isEmpty() && !closed) execute(pending.poll());
    if (blocked == null && !closed) socket.resume();
    flush();
  }

  @Override
  public void onProtocolError(String message) {
    node.log.verbose("Protocol error (" + message + ") from client: id=" + id + " addr=" + addr);
    if (closeAfterReply) return; // after QUIT redis-server parses nothing more
    out.error(("ERR " + message).getBytes(StandardCharsets.ISO_8859_1));
    node.stats.totalErrorReplies++;
    closeAfterReply = true;
    if (!inRead) flush();
  }

  /**
   * The guards of redis-server's processCommand, in its order: unknown command,
   * arity, authentication, pub/sub context, MULTI queueing; then the call.
   */
  void execute(byte[][] argv) {
    CommandSpec spec = node.commands.table().get(argv[0]);
    CommandHandler handler = spec == null ? null : node.commands.handler(spec);
    if (spec == null && isSecurityAttack(argv[0])) {
      node.log.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. "
          + "This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis "
          + "instance. Connection from " + addr + " aborted.");
      close();
      return;
    }
    if (spec != null && spec.isContainer()) {
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
    if (spec == null || handler == null) {
      StringBuilder args = new StringBuilder();
      for (int i = 1; i < argv.length && args.length() < 128; i++) {
        args.append('\'').append(abbreviate(argv[i], 128 - args.length())).append("' ");
      }
      rejectInQueue("ERR unknown command '" + abbreviate(argv[0], 128) + "', with args beginning with: " + args);
      return;
    }
    if (!spec.arityAccepts(argv.length)) {
      rejectInQueue("ERR wrong number of arguments for '" + spec.name() + "' command");
      return;
    }
    if (!authenticated && !spec.has(CommandFlag.NO_AUTH)) {
      rejectInQueue("NOAUTH Authentication required.");
      return;
    }
    if (isSubscribed() && out.protocol() == 2 && !allowedWhileSubscribed(spec)) {
      error("ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return;
    }
    if (multiQueue != null && !Transactions.runsImmediately(spec)) {
      if (spec.has(CommandFlag.NO_MULTI)) {
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

  /** Runs a command whose guards passed (also EXEC's queued commands). */
  void call(CommandSpec spec, CommandHandler handler, byte[][] argv) {
    if (!node.monitors.isEmpty() && !spec.has(CommandFlag.SKIP_MONITOR) && !spec.has(CommandFlag.ADMIN)) {
      node.feedMonitors(this, argv);
    }
    lastCommand = spec.name();
    node.stats.commandsProcessed++;
    try {
      handler.run(this, argv);
    } catch (CommandError e) {
      error(e.getMessage());
    } catch (RuntimeException e) {
      node.log.warning("Unexpected error in " + spec.name() + ": " + e);
      error("ERR internal error: " + e.getClass().getSimpleName());
    }
  }

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
    node.stats.totalErrorReplies++;
    out.error(text);
  }

  // ---------------------------------------------------------------- output

  /** Writes what was replied so far; called at the end of a read or after async replies. */
  public void flush() {
    if (closed) return;
    if (!out.isEmpty()) {
      Buffer b = out.take();
      node.stats.netOutputBytes += b.length();
      if (isSubscribed() || monitor) {
        int len = b.length();
        outstanding += len;
        socket.write(b).onComplete(ar -> outstanding -= len);
        enforcePubsubLimit();
      } else {
        socket.write(b);
        if (socket.writeQueueFull()) socket.pause();
      }
    }
    if (closeAfterReply) close();
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
    if (monitor) {
      monitor = false;
      node.monitors.remove(this);
    }
    db = node.db(0);
    name = "";
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
