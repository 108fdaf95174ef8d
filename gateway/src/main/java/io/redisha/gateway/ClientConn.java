package io.redisha.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.command.CommandTable;
import io.redisha.resp.ReplyWriter;
import io.redisha.resp.RequestParser;
import io.redisha.resp.Sockets;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One application connection.
 *
 * <p>Each request becomes a {@link Slot} in {@link #replies}, in request order; replies
 * leave in that order whatever backend answered first. A client's requests go to one
 * backend connection at a time: before its next request may go to a different
 * connection, every reply owed by the current one must have arrived (the "barrier").
 * That keeps a client's own commands in the order it sent them (a GET after a SET on
 * another connection would otherwise overtake it) at the price of splitting a pipeline
 * that mixes reads and writes into runs.
 *
 * <p>Session state lives here and is applied per connection used: SELECT picks the
 * shared connection opened in that db (one shared connection per master or replica,
 * db and protocol), HELLO picks the protocol, AUTH and CLIENT SETNAME/GETNAME are the
 * gateway's own. MULTI and WATCH pin the client to a dedicated master connection until
 * EXEC, DISCARD or UNWATCH; blocking commands use that dedicated connection too; after
 * SUBSCRIBE the dedicated connection becomes a two-way tunnel for good.
 */
final class ClientConn {

  private static final Set<String> REFUSED = Set.of("monitor", "sync", "psync", "replicaof", "slaveof", "failover",
      "shutdown", "replconf", "cluster", "asking", "readonly", "readwrite", "sentinel", "debug", "module", "migrate");

  final Gateway gw;
  final NetSocket socket;
  final long id;
  private final RequestParser parser;
  private final ReplyWriter local = new ReplyWriter();

  int proto = 2;
  int db;
  private byte[] name;
  private boolean authed;
  private boolean inMulti;
  private boolean watching;
  /** Gives each client its own replica under the sticky read policies. */
  final int readIndex;
  /** The replica this client reads from (weighted pick), valid while the topology's replica set version matches. */
  GatewayConfig.HostPort readPick;
  boolean readPickMaster;
  long readPickVersion = -1;
  /** When this client's latest write was acknowledged (System.nanoTime()), for read-your-writes. */
  long lastWriteAckNanos = Long.MIN_VALUE;

  final ArrayDeque<Slot> replies = new ArrayDeque<>();
  /** Requests waiting to be routed, in request order; a LinkedList so that rejected ones can go back in their place. */
  private final java.util.LinkedList<Slot> held = new java.util.LinkedList<>();
  /** How many slots at the head of held a backend refused without running them (see {@link #takeRejected}). */
  private int rejectedAhead;
  private BackendConn active;
  private int activeInflight;
  private BackendConn dedicated;
  private BackendConn tunnel;

  /** Replies ready in this pass, copied straight into the buffer the socket will get. */
  private ByteBuf out;
  boolean dirty;
  private boolean closed;
  private boolean closing;
  private boolean inputPaused;

  ClientConn(Gateway gw, NetSocket socket, long id, int readIndex) {
    this.gw = gw;
    this.socket = socket;
    this.id = id;
    this.readIndex = readIndex;
    this.authed = gw.config.requirepass().isEmpty();
    this.parser = new RequestParser(new RequestParser.Sink() {
      @Override
      public void onCommand(byte[][] args) {
        ClientConn.this.onCommand(args);
      }

      @Override
      public void onProtocolError(String message) {
        local.setProtocol(proto);
        local.error(("ERR " + message).getBytes(StandardCharsets.ISO_8859_1));
        appendLocal();
        closeAfterFlush();
      }
    });
    parser.setAuthRequired(!authed);
    Sockets.handle(socket, parser::feed);
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(e -> socket.close());
    Sockets.onWritable(socket, this::processHeld);
  }

  // ---------------------------------------------------------------- requests

  private void onCommand(byte[][] args) {
    if (closing) return;
    CommandSpec spec = gw.table.get(args[0]);
    String cmd = spec == null ? null : spec.name();
    currentSpec = spec;
    if (tunnel != null) {
      if ("quit".equals(cmd)) {
        localReply(w -> w.ok());
        closeAfterFlush();
      } else {
        trackSubscriptions(cmd, args);
        tunnel.sendRaw(args);
      }
      return;
    }
    if (!authed && !"auth".equals(cmd) && !"hello".equals(cmd) && !"quit".equals(cmd)) {
      localReply(w -> w.error("NOAUTH Authentication required."));
      return;
    }
    if (cmd != null && !spec.arityAccepts(args.length) && isLocal(cmd)) {
      localReply(w -> w.error("ERR wrong number of arguments for '" + lower(args[0]) + "' command"));
      return;
    }
    if (cmd != null && REFUSED.contains(cmd)) {
      localReply(w -> w.error(Errors.unsupported(lower(args[0]).toUpperCase())));
      return;
    }
    if (phantomExec != null) {
      phantomCommand(cmd);
      return;
    }
    if (watchLost && "multi".equals(cmd)) {
      // The WATCH died with its connection, so the keys cannot be known untouched:
      // the transaction goes the way of one whose watched key changed.
      watchLost = false;
      watching = false;
      phantomExec = PhantomExec.NULL;
      localReply(w -> w.ok());
      return;
    }
    if (watchLost && ("unwatch".equals(cmd) || "exec".equals(cmd) || "discard".equals(cmd))) watchLost = false;
    boolean pinned = inMulti || watching || tracking != null;
    if (cmd != null) {
      switch (cmd) {
        case "auth" -> {
          auth(args);
          return;
        }
        case "hello" -> {
          hello(args);
          return;
        }
        case "quit" -> {
          localReply(w -> w.ok());
          closeAfterFlush();
          return;
        }
        case "reset" -> {
          reset();
          localReply(w -> w.simple("RESET"));
          return;
        }
        case "ping", "echo" -> {
          if (!pinned) {
            if (cmd.equals("echo")) localReply(w -> w.bulk(args[1]));
            else if (args.length == 1) localReply(w -> w.simple("PONG"));
            else localReply(w -> w.bulk(args[1]));
            return;
          }
        }
        case "select" -> {
          if (!pinned) {
            select(args[1]);
            return;
          }
          Integer n = parseDb(args[1]);
          if (n != null) db = n;
        }
        case "client" -> {
          if (args.length >= 2 && clientLocal(args)) return;
        }
        case "multi" -> {
          if (!inMulti) {
            inMulti = true;
            submit(args, Slot.Route.DEDICATED, false);
            return;
          }
        }
        case "watch" -> {
          if (!inMulti) watching = true;
          submit(args, Slot.Route.DEDICATED, false);
          return;
        }
        case "exec", "discard" -> {
          if (pinned) {
            boolean ack = inMulti && cmd.equals("exec");
            inMulti = false;
            watching = false;
            submit(args, Slot.Route.DEDICATED, true, ack);
            return;
          }
        }
        case "unwatch" -> {
          if (pinned && !inMulti) {
            watching = false;
            submit(args, Slot.Route.DEDICATED, false);
            return;
          }
        }
        case "info" -> {
          if (!pinned) {
            info(args);
            return;
          }
        }
        case "subscribe", "psubscribe", "ssubscribe" -> {
          if (!inMulti && !watching) {
            subscribe(args);
            return;
          }
        }
        default -> {
          // routed below
        }
      }
    }
    if (pinned) {
      if (tracking != null && spec != null && spec.has(CommandFlag.READONLY)) rememberTracked(spec, args);
      boolean write = spec == null || spec.isWrite();
      // Inside MULTI a write is only queued; EXEC is what write-ack-replicas waits behind.
      submit(args, Slot.Route.DEDICATED, write, write && !inMulti && spec != null);
      return;
    }
    if (spec == null) {
      submit(args, Slot.Route.MASTER, true); // the master answers "unknown command"
      return;
    }
    CommandSpec eff = spec;
    if (spec.isContainer() && args.length > 1) {
      CommandSpec sub = gw.table.sub(spec, args[1]);
      if (sub != null) eff = sub;
    }
    if (eff.name().equals("script|load")) {
      // Replicas do not get scripts from the master; EVALSHA_RO there needs them too.
      gw.toEveryReplica(args, db, proto);
    }
    if (eff.has(CommandFlag.BLOCKING) || cmd.equals("wait")) {
      // It would stall a shared connection for every client behind it.
      submit(args, Slot.Route.DEDICATED, eff.isWrite(), eff.isWrite());
    } else if (eff.isWrite()) {
      submit(args, Slot.Route.MASTER, true);
    } else if (eff.has(CommandFlag.READONLY) && !eff.has(CommandFlag.ADMIN)) {
      submit(args, Slot.Route.READ, false);
    } else {
      // Neither a write nor a plain read (CONFIG, PUBLISH, SCRIPT, CLIENT KILL ...): the
      // master, and never replayed after a lost connection.
      submit(args, Slot.Route.MASTER, true);
    }
  }

  private static boolean isLocal(String cmd) {
    return switch (cmd) {
      case "auth", "hello", "quit", "reset", "ping", "echo", "select" -> true;
      default -> false;
    };
  }

  private Slot submit(byte[][] args, Slot.Route route, boolean write) {
    return submit(args, route, write, false);
  }

  /** ackOnDedicated: with write-ack-replicas, a WAIT follows it on the dedicated connection. */
  private Slot submit(byte[][] args, Slot.Route route, boolean write, boolean ackOnDedicated) {
    Slot s = new Slot(this, args, route, write);
    s.ackOnDedicated = ackOnDedicated;
    if (gw.metrics != null) {
      s.spec = currentSpec;
      s.startNanos = System.nanoTime();
    }
    replies.add(s);
    if (!held.isEmpty() || !tryRoute(s)) {
      held.add(s);
      pauseInput();
    }
    if (replies.size() >= gw.maxPipeline) pauseInput();
    return s;
  }

  /**
   * Sends the slot to its backend connection, or returns false if it must wait. It also
   * waits while this client has max-client-inflight requests out or replies it has not
   * read: a client that does not read its replies holds at most that many replies in the
   * gateway, whatever it pipelines.
   */
  private boolean tryRoute(Slot s) {
    if (activeInflight >= gw.maxClientInflight || !Sockets.writable(socket)) return false;
    BackendConn target = switch (s.route) {
      case MASTER -> gw.masterConn(db, proto);
      case READ -> gw.readConn(this);
      case DEDICATED -> dedicatedConn();
      default -> throw new IllegalStateException(s.route.name());
    };
    if (target == null) {
      if (s.heldSinceNanos == 0) {
        s.heldSinceNanos = System.nanoTime();
        if (s.write && gw.metrics != null) gw.metrics.writesHeld++;
      }
      gw.waitForMaster(this);
      return false;
    }
    if (active != target && activeInflight > 0) return false;
    if (active != target) {
      active = target;
      activeInflight = 0;
    }
    s.heldSinceNanos = 0;
    if (gw.metrics != null) s.sentNanos = System.nanoTime();
    activeInflight++;
    target.send(s);
    return true;
  }

  /** Routes what was held, in order, and takes input again when nothing is left. */
  void processHeld() {
    while (!held.isEmpty() && !closed) {
      if (!tryRoute(held.peek())) return;
      held.poll();
      if (rejectedAhead > 0) rejectedAhead--;
    }
    resumeInput();
  }

  /** The head of the held requests has waited for a master too long. */
  void expireHeld(long now, long holdMs) {
    if (resubscribeSinceNanos != 0) {
      if (now - resubscribeSinceNanos > holdMs * 1_000_000L) {
        gw.log.warning("Client " + id + " closed: no master to re-subscribe on within " + holdMs + " ms");
        socket.close();
      }
      return;
    }
    Slot s = held.peek();
    if (s == null || s.heldSinceNanos == 0 || now - s.heldSinceNanos < holdMs * 1_000_000L) return;
    held.poll();
    if (rejectedAhead > 0) rejectedAhead--;
    gw.heldExpired++;
    if (s.write && gw.metrics != null) gw.metrics.writesFailedNoMaster++;
    failSlot(s, null, Errors.noMaster((now - s.heldSinceNanos) / 1_000_000L));
    processHeld();
  }

  boolean waiting() {
    return resubscribeSinceNanos != 0 || !held.isEmpty() && held.peek().heldSinceNanos != 0;
  }

  private BackendConn dedicatedConn() {
    if (dedicated != null && !dedicated.closed && dedicated.generation == gw.topology.generation) {
      if (dedicated.db != db) {
        dedicated.internal("SELECT", Integer.toString(db));
        dedicated.db = db;
      }
      return dedicated;
    }
    if (gw.topology.master == null || gw.masterSuspect()) return null;
    dedicated = new BackendConn(gw, gw.topology.master, gw.topology.generation, true, db, proto);
    dedicated.owner = this;
    gw.dedicatedOpened++;
    if (tracking != null) {
      for (byte[][] a : tracking) dedicated.internal(a);
    }
    return dedicated;
  }

  boolean resp3Changed(BackendConn c) {
    return c.dedicated && c.proto != proto;
  }

  private void subscribe(byte[][] args) {
    // Replies ahead must all be out first: from now on the backend's bytes are passed
    // straight through. Hold the request until then.
    Slot barrier = new Slot(this, args, Slot.Route.DEDICATED, false);
    if (!replies.isEmpty() || !held.isEmpty() || (active != null && activeInflight > 0)) {
      // Simplest correct order: wait for everything owed, then tunnel.
      pendingSubscribe = args;
      pauseInput();
      return;
    }
    BackendConn c = dedicatedConn();
    if (c == null) {
      localReply(w -> w.error(Errors.noBackend("no master to subscribe on")));
      return;
    }
    tunnel = c;
    c.tunnel = this;
    active = c;
    trackSubscriptions(lower(args[0]), args);
    c.sendRaw(barrier.args);
  }

  // ---------------------------------------------------------------- subscriptions across failovers

  // What the client is subscribed to, kept so that a new backend connection can be
  // subscribed the same way after a failover. ISO-8859-1 strings are byte-exact.
  private final Set<String> channels = new java.util.LinkedHashSet<>();
  private final Set<String> patterns = new java.util.LinkedHashSet<>();
  private final Set<String> shardChannels = new java.util.LinkedHashSet<>();
  /** Since when the subscriptions wait for a master to be re-made on (System.nanoTime()), or 0. */
  long resubscribeSinceNanos;

  private void trackSubscriptions(String cmd, byte[][] args) {
    if (cmd == null) return;
    Set<String> set = switch (cmd) {
      case "subscribe", "unsubscribe" -> channels;
      case "psubscribe", "punsubscribe" -> patterns;
      case "ssubscribe", "sunsubscribe" -> shardChannels;
      default -> null;
    };
    if (set == null) return;
    if (cmd.endsWith("unsubscribe") && args.length == 1) {
      set.clear();
      return;
    }
    for (int i = 1; i < args.length; i++) {
      String ch = new String(args[i], StandardCharsets.ISO_8859_1);
      if (cmd.endsWith("unsubscribe")) set.remove(ch);
      else set.add(ch);
    }
  }

  /**
   * The tunnel's connection is gone (the master failed or moved): subscribe a new
   * connection to the (new) master the same way, swallowing its confirmations, so
   * the client notices nothing but the messages published meanwhile, which are lost.
   */
  void tunnelLost(BackendConn c) {
    if (c != tunnel || closing || closed) return;
    tunnel = null;
    dedicated = null;
    active = null;
    activeInflight = 0;
    if (tracking != null) trackingLost();
    // Not at once: the topology may not know yet that this master is gone.
    gw.vertx.setTimer(50, t -> resubscribe());
  }

  void resubscribe() {
    if (closing || closed) return;
    if (gw.topology.master == null) {
      if (resubscribeSinceNanos == 0) resubscribeSinceNanos = System.nanoTime();
      gw.waitForMaster(this);
      return;
    }
    resubscribeSinceNanos = 0;
    BackendConn n = new BackendConn(gw, gw.topology.master, gw.topology.generation, true, db, proto);
    n.owner = this;
    n.tunnel = this;
    dedicated = n;
    tunnel = n;
    active = n;
    if (tracking != null) {
      for (byte[][] a : tracking) n.internal(a);
    }
    resub(n, "SUBSCRIBE", channels);
    resub(n, "PSUBSCRIBE", patterns);
    resub(n, "SSUBSCRIBE", shardChannels);
    if (inputPaused) n.pause();
    gw.log.verbose("Client " + id + " re-subscribed on " + n.addr);
  }

  private static void resub(BackendConn n, String cmd, Set<String> names) {
    if (names.isEmpty()) return;
    byte[][] a = new byte[names.size() + 1][];
    a[0] = cmd.getBytes(StandardCharsets.US_ASCII);
    int i = 1;
    for (String s : names) a[i++] = s.getBytes(StandardCharsets.ISO_8859_1);
    n.swallowConfirmations += names.size();
    n.sendRaw(a);
  }

  private byte[][] pendingSubscribe;
  /** The command being handled, for the metrics' per-command counts. */
  private CommandSpec currentSpec;

  // ---------------------------------------------------------------- replies

  /** A backend answered s. */
  void complete(Slot s, BackendConn from, byte[] a, int off, int len) {
    if (from == active) activeInflight--;
    if (s.trackingOn) trackingAnswered(s, a[off] != '-' && a[off] != '!');
    if (s.write && from.generation >= 0) lastWriteAckNanos = System.nanoTime();
    if (gw.metrics != null) gw.metrics.completed(s, from, a[off]);
    s.args = null;
    if (closed) return;
    if (s.addGatewayInfo) {
      byte[] b = withGatewayInfo(a, off, len);
      complete0(s, b);
      afterReply();
      return;
    }
    if (replies.peek() == s) {
      replies.poll();
      append(a, off, len);
      drainDone();
    } else {
      s.reply = Arrays.copyOfRange(a, off, off + len);
      s.done = true;
    }
    afterReply();
  }

  void failSlot(Slot s, BackendConn from, String error) {
    if (from != null && from == active) activeInflight--;
    if (s.trackingOn) trackingAnswered(s, false);
    local.setProtocol(proto);
    local.error(error);
    byte[] bytes = local.takeBytes();
    if (gw.metrics != null) gw.metrics.completed(s, from, (byte) '-');
    complete0(s, bytes);
    afterReply();
  }

  private void complete0(Slot s, byte[] bytes) {
    s.args = null;
    if (closed) return;
    s.reply = bytes;
    s.done = true;
    drainDone();
  }

  private void afterReply() {
    if (activeInflight < gw.maxClientInflight && !held.isEmpty()) processHeld();
    else if (activeInflight == 0 && pendingSubscribe != null && replies.isEmpty()) {
      byte[][] a = pendingSubscribe;
      pendingSubscribe = null;
      subscribe(a);
      resumeInput();
    } else if (inputPaused && replies.size() < gw.maxPipeline / 2) {
      resumeInput();
    }
  }

  /** Requests on a lost connection that are safe to send again, in their order. */
  void requeue(BackendConn from, List<Slot> slots) {
    if (from == active) {
      active = null;
      activeInflight = 0;
    }
    // Behind what a backend refused earlier: those came first.
    for (int i = 0; i < slots.size(); i++) held.add(rejectedAhead + i, slots.get(i));
    pauseInput();
    if (from.generation >= 0 && from.generation == gw.topology.generation) {
      // The master connection failed: wait for the topology's verdict (the check it
      // triggered re-confirms this master or names another) instead of spinning on it.
      if (held.peek().heldSinceNanos == 0) held.peek().heldSinceNanos = System.nanoTime();
      gw.waitForMaster(this);
    } else {
      gw.vertx.runOnContext(v -> processHeld());
    }
  }

  // ---------------------------------------------------------------- refused, not run: sent again

  /**
   * A reply from a shared connection, before it goes to the client. READONLY, LOADING and
   * MASTERDOWN are refusals Redis gives before running a command (the node was demoted,
   * is loading, or is a replica cut off from its master with replica-serve-stale-data
   * no), so the request goes back in its place among the held ones and is sent again
   * once the topology's re-check has confirmed a master; reads answered behind a refusal
   * on the same connection go back too, so that they run after it. If a write behind a
   * refusal ran (the node stopped refusing in between, e.g. LOADING ended), sending the
   * refused ones again would reorder this client's writes: they get their refusals
   * instead, as a direct client would. Scripts are never sent again (a script refused
   * half-way may have done something). On a dedicated connection only a command alone
   * in flight outside MULTI is taken ({@link #resendableOnDedicated}); that connection is
   * closed, so the command goes to the confirmed master on a new one, and a WATCH on it is
   * lost (the next EXEC answers nil). Returns true if the reply was taken.
   */
  boolean takeRejected(Slot s, BackendConn from, boolean refusal, byte[] a, int off, int len) {
    if (closed || from.dedicated && !(refusal && resendableOnDedicated(s, from))) return false;
    boolean resend = refusal && s.args != null && !isScript(s.args[0]);
    if (!resend) {
      if (rejectedAhead == 0) return false;
      if (s.write || s.args == null) {
        abandonRejected();
        return false;
      }
    }
    if (from == active) activeInflight--;
    long now = System.nanoTime();
    if (s.rejectedSinceNanos == 0) s.rejectedSinceNanos = now;
    s.heldSinceNanos = s.rejectedSinceNanos;
    s.rejection = resend ? Arrays.copyOfRange(a, off, off + len) : null;
    s.awaitingAck = false;
    s.ackReplyReady = false;
    held.add(rejectedAhead++, s);
    gw.resent++;
    pauseInput();
    gw.waitForMaster(this);
    if (from.dedicated) from.close();
    afterReply();
    return true;
  }

  /**
   * A refused command on a dedicated connection that may go again: not inside a
   * transaction (Redis ends it with EXECABORT, and it is never replayed), not a script,
   * not WAIT (a new master's replicas say nothing of the writes it waited for), not the
   * session's own MULTI/EXEC/DISCARD/WATCH/UNWATCH, and with nothing of the client's
   * behind it on the connection (their fate would split from its). The client's
   * transaction state is read now: a MULTI parsed after it is in flight behind it.
   */
  private boolean resendableOnDedicated(Slot s, BackendConn from) {
    if (inMulti || phantomExec != null || s.args == null || isScript(s.args[0])) return false;
    switch (lower(s.args[0])) {
      case "multi", "exec", "discard", "watch", "unwatch", "wait" -> {
        return false;
      }
      default -> {
        // checked below
      }
    }
    for (Slot o : from.inflight) if (o.client != null) return false;
    return true;
  }

  int heldCount() {
    return held.size();
  }

  long heldForNanos(long now) {
    Slot s = held.peek();
    return s == null || s.heldSinceNanos == 0 ? 0 : now - s.heldSinceNanos;
  }

  boolean hasRejected() {
    return rejectedAhead > 0;
  }

  /** A write behind the refused requests ran: they are answered with their refusals, in order. */
  private void abandonRejected() {
    int n = rejectedAhead;
    rejectedAhead = 0;
    java.util.Iterator<Slot> it = held.iterator();
    for (int i = 0; i < n && it.hasNext(); i++) {
      Slot r = it.next();
      if (r.rejection == null) continue; // a read: still sent again, after the write that ran
      it.remove();
      byte[] b = r.rejection;
      r.rejection = null;
      if (gw.metrics != null) gw.metrics.completed(r, null, (byte) '-');
      complete0(r, b);
    }
  }

  private static boolean isScript(byte[] name) {
    String n = lower(name);
    return n.startsWith("eval") || n.startsWith("fcall");
  }

  void masterChanged(long generation) {
    if (dedicated != null && dedicated.generation != generation) dedicated.close();
  }

  void dedicatedLost(BackendConn c) {
    if (c == dedicated) {
      // Never let the rest of a transaction run outside it: until EXEC or DISCARD the
      // client's commands are queued nowhere, and EXEC fails as Redis would.
      if (inMulti && !closed) phantomExec = PhantomExec.ABORT;
      else if (watching && !closed) watchLost = true;
      if (tracking != null) trackingLost();
      dedicated = null;
      inMulti = false;
      watching = false;
    }
    if (c == active) {
      active = null;
      activeInflight = 0;
    }
  }

  private void drainDone() {
    Slot s;
    while ((s = replies.peek()) != null && s.done) {
      replies.poll();
      append(s.reply, 0, s.reply.length);
      s.reply = null;
    }
  }

  /** A tunnel's reply or message, passed straight through. */
  void writeReply(byte[] a, int off, int len) {
    append(a, off, len);
  }

  private void localReply(java.util.function.Consumer<ReplyWriter> w) {
    local.setProtocol(proto);
    w.accept(local);
    Slot s = new Slot(this, null, Slot.Route.LOCAL, false);
    replies.add(s);
    byte[] b = local.takeBytes();
    if (gw.metrics != null) gw.metrics.local(currentSpec, b[0]);
    complete0(s, b);
  }

  private void appendLocal() {
    byte[] b = local.takeBytes();
    append(b, 0, b.length);
  }

  private void append(byte[] a, int off, int len) {
    if (closed) return;
    if (out == null) out = ByteBufAllocator.DEFAULT.directBuffer(Math.max(512, len));
    out.writeBytes(a, off, len);
    if (!dirty) {
      dirty = true;
      gw.markDirty(this);
    }
  }

  /** Writes what this pass produced, as one buffer. */
  void flush() {
    dirty = false;
    if (closed || out == null) return;
    ByteBuf bb = out;
    out = null;
    Sockets.writeNow(socket, bb);
    if (closing) {
      socket.close();
      return;
    }
    if (!Sockets.writable(socket)) pauseInput();
  }

  // ---------------------------------------------------------------- flow control

  private void pauseInput() {
    if (!parser.paused()) parser.pause();
    if (!inputPaused) {
      inputPaused = true;
      socket.pause();
      if (tunnel != null) tunnel.pause();
    }
  }

  private void resumeInput() {
    if (closed || closing || !held.isEmpty() || pendingSubscribe != null || !Sockets.writable(socket)
        || replies.size() >= gw.maxPipeline) {
      return;
    }
    if (parser.paused()) {
      parser.resume();
      if (!held.isEmpty() || parser.paused()) return;
    }
    if (inputPaused) {
      inputPaused = false;
      socket.resume();
      if (tunnel != null) tunnel.resume();
    }
  }

  void closeAfterFlush() {
    closing = true;
    if (out == null) socket.close();
  }

  private void closed() {
    closed = true;
    if (out != null) {
      out.release();
      out = null;
    }
    gw.clientClosed(this);
    if (dedicated != null) dedicated.close();
  }

  // ---------------------------------------------------------------- local commands

  private void auth(byte[][] args) {
    if (args.length > 3) {
      localReply(w -> w.error("ERR syntax error"));
      return;
    }
    String pass = gw.config.requirepass();
    if (pass.isEmpty()) {
      localReply(w -> w.error("ERR AUTH <password> called without any password configured for the default user. "
          + "Are you sure your configuration is correct?"));
      return;
    }
    if (checkPassword(args.length == 3 ? args[1] : null, args[args.length - 1])) {
      authed = true;
      parser.setAuthRequired(false);
      localReply(w -> w.ok());
    } else {
      localReply(w -> w.error("WRONGPASS invalid username-password pair or user is disabled."));
    }
  }

  private boolean checkPassword(byte[] user, byte[] pass) {
    if (user != null && !lower(user).equals("default")) return false;
    return java.security.MessageDigest.isEqual(pass, gw.config.requirepass().getBytes(StandardCharsets.UTF_8));
  }

  private void hello(byte[][] args) {
    int ver = proto;
    int i = 1;
    if (args.length >= 2) {
      Long v = parseLong(args[1]);
      if (v == null) {
        localReply(w -> w.error("ERR Protocol version is not an integer or out of range"));
        return;
      }
      if (v < 2 || v > 3) {
        localReply(w -> w.error("NOPROTO unsupported protocol version"));
        return;
      }
      ver = (int) (long) v;
      i = 2;
    }
    byte[] newName = null;
    boolean authOk = authed;
    for (; i < args.length; i++) {
      String opt = lower(args[i]);
      if (opt.equals("auth") && i + 2 < args.length) {
        if (!checkPassword(args[i + 1], args[i + 2])) {
          localReply(w -> w.error("WRONGPASS invalid username-password pair or user is disabled."));
          return;
        }
        authOk = true;
        i += 2;
      } else if (opt.equals("setname") && i + 1 < args.length) {
        newName = args[++i];
        if (!validName(newName)) {
          localReply(w -> w.error("ERR Client names cannot contain spaces, newlines or special characters."));
          return;
        }
      } else {
        String bad = new String(args[i], StandardCharsets.UTF_8);
        localReply(w -> w.error("ERR Syntax error in HELLO option '" + bad + "'"));
        return;
      }
    }
    if (!authOk) {
      localReply(w -> w.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
          + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
          + "protocol version at the same time"));
      return;
    }
    authed = true;
    parser.setAuthRequired(false);
    if (newName != null) name = newName.length == 0 ? null : newName;
    proto = ver;
    int version = ver;
    localReply(w -> {
      w.map(7);
      w.bulk("server").bulk("redis");
      w.bulk("version").bulk(gw.backendVersion);
      w.bulk("proto").integer(version);
      w.bulk("id").integer(id);
      w.bulk("mode").bulk("standalone");
      w.bulk("role").bulk("master");
      w.bulk("modules").array(0);
    });
  }

  private void select(byte[] arg) {
    Integer n = parseDb(arg);
    if (n == null) {
      localReply(w -> w.error(parseLong(arg) == null ? "ERR value is not an integer or out of range" : "ERR DB index is out of range"));
      return;
    }
    db = n;
    localReply(w -> w.ok());
  }

  /**
   * INFO: the master's sections, with the gateway's own section in front when asked
   * for by default, all, everything or gateway.
   */
  private void info(byte[][] args) {
    boolean mine = args.length == 1;
    boolean only = args.length > 1;
    for (int i = 1; i < args.length; i++) {
      String sec = lower(args[i]);
      if (sec.equals("gateway") || sec.equals("all") || sec.equals("everything") || sec.equals("default")) mine = true;
      if (!sec.equals("gateway")) only = false;
    }
    if (only) {
      String text = gw.infoSection();
      localReply(w -> w.verbatim(text));
      return;
    }
    submit(args, Slot.Route.MASTER, false).addGatewayInfo = mine;
  }

  /** The master's INFO reply with the gateway's section in front. */
  private byte[] withGatewayInfo(byte[] a, int off, int len) {
    if (len == 0 || (a[off] != '$' && a[off] != '=')) return Arrays.copyOfRange(a, off, off + len);
    int cr = off;
    while (a[cr] != '\r') cr++;
    int start = cr + 2;
    if (a[off] == '=') start += 4; // "txt:"
    String body = new String(a, start, off + len - 2 - start, StandardCharsets.UTF_8);
    local.setProtocol(proto);
    local.verbatim(gw.infoSection() + "\r\n" + body);
    return local.takeBytes();
  }

  private Integer parseDb(byte[] arg) {
    Long n = parseLong(arg);
    if (n == null || n < 0 || n >= gw.databases) return null;
    return (int) (long) n;
  }

  /** CLIENT subcommands about this connection: answered here, since a shared backend connection is not this client. */
  private boolean clientLocal(byte[][] args) {
    String sub = lower(args[1]);
    switch (sub) {
      case "setname" -> {
        if (args.length != 3) return false;
        if (!validName(args[2])) {
          localReply(w -> w.error("ERR Client names cannot contain spaces, newlines or special characters."));
        } else {
          name = args[2].length == 0 ? null : args[2];
          localReply(w -> w.ok());
        }
        return true;
      }
      case "getname" -> {
        if (args.length != 2) return false;
        localReply(w -> {
          if (name == null) w.nullBulk();
          else w.bulk(name);
        });
        return true;
      }
      case "reply" -> {
        // It changes what a connection answers, which a shared connection cannot do for one client.
        localReply(w -> w.error(Errors.unsupported("CLIENT " + sub.toUpperCase())));
        return true;
      }
      case "tracking" -> {
        return trackingCommand(args);
      }
      case "id" -> {
        if (args.length != 2) return false;
        localReply(w -> w.integer(id));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean validName(byte[] n) {
    for (byte b : n) if (b < '!' || b > '~') return false;
    return true;
  }

  private void reset() {
    if (tracking != null && dedicated != null && !dedicated.closed) dedicated.internal("CLIENT", "TRACKING", "OFF");
    tracking = null;
    forgetTracked(false);
    phantomExec = null;
    watchLost = false;
    inMulti = false;
    watching = false;
    if (dedicated != null && dedicated != active) {
      dedicated.close();
      dedicated = null;
    }
    db = 0;
    proto = 2;
    name = null;
    authed = gw.config.requirepass().isEmpty();
    parser.setAuthRequired(!authed);
  }

  // ---------------------------------------------------------------- client-side caching

  /**
   * The CLIENT TRACKING ON commands the master accepted since the last OFF, while tracking
   * is on or being turned on, else null. Tracking lives on a backend connection, so the
   * client is then pinned to a dedicated master connection (its reads too), where RESP3
   * invalidation pushes come; a new connection (after a failover) is given the same
   * commands first.
   */
  private List<byte[][]> tracking;
  /** CLIENT TRACKING ON commands not answered yet. */
  private int trackingPending;

  /**
   * Keys this tracking client read since tracking went on, less those the master has
   * invalidated since: what its cache may hold. Null once there were more than
   * {@link #TRACKED_KEYS_LIMIT}, or a read whose keys the command table cannot tell.
   */
  private Set<String> trackedKeys;
  private boolean trackedKeysUnknown;
  static final int TRACKED_KEYS_LIMIT = 16_384;

  boolean tracking() {
    return tracking != null;
  }

  private void rememberTracked(CommandSpec spec, byte[][] args) {
    if (trackedKeysUnknown) return;
    if (spec.has(CommandFlag.MOVABLEKEYS)) {
      forgetTracked(true);
      return;
    }
    if (trackedKeys == null) trackedKeys = new java.util.HashSet<>();
    for (int p : spec.keyPositions(args.length)) trackedKeys.add(new String(args[p], StandardCharsets.ISO_8859_1));
    if (trackedKeys.size() > TRACKED_KEYS_LIMIT) forgetTracked(true);
  }

  private void forgetTracked(boolean unknown) {
    trackedKeys = null;
    trackedKeysUnknown = unknown;
  }

  /** An invalidation push on its way to the client: those keys are no longer cached. */
  void invalidated(byte[] a, int off, int len) {
    if (trackedKeys == null || trackedKeys.isEmpty()) return;
    int end = off + len;
    int p = lineAfter(a, off, end); // ">2"
    if (p < 0 || a[p] != '$') return; // a push other than an invalidation
    p = lineAfter(a, p, end);
    if (p < 0 || !new String(a, p, Math.min(10, end - p), StandardCharsets.US_ASCII).equals("invalidate")) return;
    p = lineAfter(a, p, end);
    if (p < 0 || a[p] != '*') return; // "_": everything, as after FLUSHALL
    int n = parseCount(a, p + 1);
    p = lineAfter(a, p, end);
    for (int i = 0; i < n && p >= 0 && p < end && a[p] == '$'; i++) {
      int klen = parseCount(a, p + 1);
      p = lineAfter(a, p, end);
      if (p < 0 || p + klen > end) return;
      trackedKeys.remove(new String(a, p, klen, StandardCharsets.ISO_8859_1));
      p += klen + 2;
    }
  }

  /** Where the line after the one at p starts, or -1. */
  private static int lineAfter(byte[] a, int p, int end) {
    while (p < end && a[p] != '\n') p++;
    return p + 1 < end ? p + 1 : -1;
  }

  private static int parseCount(byte[] a, int p) {
    int n = 0;
    while (a[p] >= '0' && a[p] <= '9') n = n * 10 + (a[p++] - '0');
    return n;
  }

  private void trackingAnswered(Slot s, boolean accepted) {
    trackingPending--;
    if (tracking == null) return; // turned off meanwhile
    if (accepted) tracking.add(s.args);
    else if (tracking.isEmpty() && trackingPending == 0) tracking = null;
  }

  private boolean trackingCommand(byte[][] args) {
    if (args.length < 3 || inMulti) return false; // the backend's own errors
    String mode = lower(args[2]);
    if (mode.equals("on")) {
      for (int i = 3; i < args.length; i++) {
        if (lower(args[i]).equals("redirect")) {
          localReply(w -> w.error(Errors.trackingRedirect()));
          return true;
        }
      }
      if (tracking == null) tracking = new java.util.ArrayList<>(1);
      trackingPending++;
      submit(args, Slot.Route.DEDICATED, false).trackingOn = true;
      return true;
    }
    if (mode.equals("off") && tracking != null) {
      tracking = null;
      forgetTracked(false);
      submit(args, Slot.Route.DEDICATED, false);
      return true;
    }
    return false;
  }

  /**
   * The connection that tracked this client's keys is gone, and with it what the new
   * master would have to invalidate: every key the client may have cached is
   * invalidated, listed by name, so that clients that cannot take Redis's
   * invalidate-everything push (Lettuce 7's cache throws on it, against Redis's FLUSHALL
   * too) still drop them; when the keys are not known, that push (`>2 invalidate _`) is
   * sent instead. RESP3 only: a RESP2 client without REDIRECT gets no invalidations at
   * all, as from Redis.
   */
  private void trackingLost() {
    if (proto == 3 && !closed && (trackedKeysUnknown || trackedKeys != null && !trackedKeys.isEmpty())) {
      local.setProtocol(3);
      local.push(2).bulk("invalidate");
      if (trackedKeysUnknown) {
        local.nullArray();
      } else {
        local.array(trackedKeys.size());
        for (String k : trackedKeys) local.bulk(k.getBytes(StandardCharsets.ISO_8859_1));
      }
      appendLocal();
    }
    forgetTracked(false);
  }

  /** How EXEC ends a transaction whose dedicated connection was lost: EXECABORT, or nil as for a touched WATCH. */
  private enum PhantomExec { ABORT, NULL }

  private PhantomExec phantomExec;
  private boolean watchLost;

  private void phantomCommand(String cmd) {
    if ("exec".equals(cmd) || "discard".equals(cmd) || "reset".equals(cmd) || "quit".equals(cmd)) {
      PhantomExec p = phantomExec;
      phantomExec = null;
      inMulti = false;
      watching = false;
      if ("reset".equals(cmd)) {
        reset();
        localReply(w -> w.simple("RESET"));
      } else if ("quit".equals(cmd)) {
        localReply(w -> w.ok());
        closeAfterFlush();
      } else if ("discard".equals(cmd)) {
        localReply(w -> w.ok());
      } else if (p == PhantomExec.ABORT) {
        localReply(w -> w.error("EXECABORT Transaction discarded because of previous errors."));
      } else {
        localReply(w -> w.nullArray());
      }
    } else if ("multi".equals(cmd)) {
      localReply(w -> w.error("ERR MULTI calls can not be nested"));
    } else if ("watch".equals(cmd)) {
      localReply(w -> w.error("ERR WATCH inside MULTI is not allowed"));
    } else {
      localReply(w -> w.simple("QUEUED"));
    }
  }

  static String lower(byte[] b) {
    return new String(b, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
  }

  private static Long parseLong(byte[] b) {
    try {
      return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
