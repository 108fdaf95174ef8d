package io.redisha.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.resp.RespFramer;
import io.redisha.resp.Sockets;
import io.redisha.resp.RespProtocolException;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection to a backend node. Shared ones carry many clients' requests in one
 * stream (each in the db and protocol the connection was opened with); a dedicated
 * one belongs to a single client (MULTI/WATCH, blocking commands) and becomes a
 * tunnel once that client subscribes.
 *
 * <p>Requests are appended to {@link #out} as they are routed and written once per
 * event-loop pass ({@link Gateway#markDirty}). Replies are framed over the read's
 * backing array with {@link RespFramer}, without building objects, and matched to the
 * in-flight FIFO in order.
 */
final class BackendConn {

  private static final byte[] CRLF = {'\r', '\n'};

  final Gateway gw;
  final HostPort addr;
  /** The master's topology generation it was opened for, or -1 for a replica. */
  final long generation;
  final boolean dedicated;
  int db;
  int proto;

  private NetSocket socket;
  private boolean connected;
  boolean closed;
  /** Closed on purpose (topology change), not lost. */
  boolean closedByGateway;
  final ArrayDeque<Slot> inflight = new ArrayDeque<>();
  /** How many of the oldest in-flight slots have gone out to the socket. */
  private int sentCount;
  private int queuedCount;

  /** Requests queued in this pass, encoded straight into the buffer the socket will get. */
  private ByteBuf out;
  private final byte[] digits = new byte[12];
  boolean dirty;

  private final RespFramer framer = new RespFramer();
  private byte[] partial = new byte[0];
  private int partialLen;

  /** The client a dedicated connection belongs to. */
  ClientConn owner;

  /** The subscribed client this connection now carries both ways, or null. */
  ClientConn tunnel;
  /** Writes sent since the last WAIT (write-ack-replicas), or null. */
  private List<Slot> unacked;
  /** Subscribe confirmations still to drop: this connection re-made a client's subscriptions. */
  int swallowConfirmations;

  BackendConn(Gateway gw, HostPort addr, long generation, boolean dedicated, int db, int proto) {
    this.gw = gw;
    this.addr = addr;
    this.generation = generation;
    this.dedicated = dedicated;
    this.db = db;
    this.proto = proto;
    String pass = gw.config.backendPass();
    if (!pass.isEmpty()) internal("AUTH", pass);
    if (proto == 3) internal("HELLO", "3");
    if (db != 0) internal("SELECT", Integer.toString(db));
    connect();
  }

  private void connect() {
    gw.netClient.connect(addr.port(), addr.host()).onComplete(ar -> {
      if (closed) {
        if (ar.succeeded()) ar.result().close();
        return;
      }
      if (ar.failed()) {
        fail("cannot connect to " + addr + ": " + ar.cause().getMessage());
        return;
      }
      socket = ar.result();
      connected = true;
      Sockets.handle(socket, this::onData);
      socket.closeHandler(v -> fail("connection to " + addr + " closed"));
      socket.exceptionHandler(e -> fail("connection to " + addr + ": " + e.getMessage()));
      flush();
    });
  }

  /** A request of the gateway's own; its reply is dropped. */
  void internal(String... args) {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = args[i].getBytes(StandardCharsets.UTF_8);
    internal(a);
  }

  void internal(byte[][] args) {
    send(new Slot(null, args, Slot.Route.INTERNAL, false));
  }

  void send(Slot slot) {
    if (slot.client != null && slot.client.resp3Changed(this)) {
      // The client's protocol changed since this dedicated connection opened.
      internal("HELLO", Integer.toString(slot.client.proto));
      proto = slot.client.proto;
    }
    inflight.add(slot);
    queuedCount++;
    slot.awaitingAck = false;
    if (gw.writeAckReplicas > 0 && slot.write && slot.client != null && !dedicated && generation >= 0) {
      if (unacked == null) unacked = new ArrayList<>();
      unacked.add(slot);
      slot.ackConn = this;
      slot.awaitingAck = true;
    }
    encode(slot.args);
    if (gw.writeAckReplicas > 0 && slot.ackOnDedicated && dedicated && generation >= 0 && tunnel == null) {
      // Right behind it, not at the end of the batch: a MULTI later in the same batch
      // would queue the WAIT inside the next transaction.
      unacked = new ArrayList<>(1);
      unacked.add(slot);
      slot.ackConn = this;
      slot.awaitingAck = true;
      appendWait();
    }
  }

  /**
   * write-ack-replicas: one WAIT behind each batch that holds writes. WAIT on a
   * connection covers every write sent before it on that connection, so one per batch
   * serves all of them; their replies wait for its answer.
   */
  private void appendWait() {
    if (unacked == null) return;
    byte[][] a = {"WAIT".getBytes(StandardCharsets.US_ASCII),
        Integer.toString(gw.writeAckReplicas).getBytes(StandardCharsets.US_ASCII),
        Long.toString(gw.writeAckTimeoutMs).getBytes(StandardCharsets.US_ASCII)};
    Slot w = new Slot(null, a, Slot.Route.INTERNAL, false);
    w.ackGroup = unacked;
    unacked = null;
    inflight.add(w);
    queuedCount++;
    boolean wasDirty = dirty;
    dirty = true; // encode must not queue another flush
    encode(a);
    dirty = wasDirty;
  }

  private void finishAck(Slot wait, byte[] a, int off, int len) {
    long confirmed = -1;
    if (a[off] == ':') {
      confirmed = 0;
      for (int i = off + 1; i < off + len && a[i] >= '0' && a[i] <= '9'; i++) confirmed = confirmed * 10 + (a[i] - '0');
    }
    for (Slot g : wait.ackGroup) {
      if (!g.ackReplyReady || g.ackConn != this) continue; // refused and sent again elsewhere
      byte[] r = g.reply;
      g.reply = null;
      g.ackReplyReady = false;
      // Errors and nil (an EXEC whose WATCH failed) applied nothing: they pass as they are.
      boolean appliedNothing = r[0] == '-' || r[0] == '_' || (r.length >= 3 && r[0] == '*' && r[1] == '-');
      if (confirmed >= gw.writeAckReplicas || appliedNothing) g.client.complete(g, this, r, 0, r.length);
      else g.client.failSlot(g, this, Errors.notReplicated(Math.max(0, confirmed), gw.writeAckReplicas, gw.writeAckTimeoutMs,
          g.args != null && ClientConn.lower(g.args[0]).equals("exec") ? "transaction" : "write"));
    }
  }

  /** For a tunnel: no reply slot, every reply goes to the client as it comes. */
  void sendRaw(byte[][] args) {
    encode(args);
  }

  private void encode(byte[][] args) {
    header('*', args.length);
    for (byte[] a : args) {
      header('$', a.length);
      append(a, 0, a.length);
      append(CRLF, 0, 2);
    }
    if (!dirty) {
      dirty = true;
      gw.markDirty(this);
    }
  }

  private ByteBuf buf() {
    if (out == null) out = ByteBufAllocator.DEFAULT.directBuffer(4096);
    return out;
  }

  private void header(char t, int n) {
    ByteBuf b = buf();
    b.writeByte(t);
    if (n < 10) {
      b.writeByte('0' + n);
    } else {
      int len = 0;
      for (int v = n; v > 0; v /= 10) digits[digits.length - ++len] = (byte) ('0' + v % 10);
      b.writeBytes(digits, digits.length - len, len);
    }
    b.writeShort(0x0d0a);
  }

  private void append(byte[] a, int off, int len) {
    buf().writeBytes(a, off, len);
  }

  /** Writes what this pass queued, as one buffer. */
  void flush() {
    if (connected && !closed) appendWait();
    dirty = false;
    if (!connected || closed || out == null) return;
    ByteBuf b = out;
    out = null;
    Sockets.writeNow(socket, b);
    sentCount += queuedCount;
    queuedCount = 0;
  }

  /** True while nothing is in flight: a dedicated connection may then be reused or closed. */
  boolean idle() {
    return inflight.isEmpty();
  }

  void pause() {
    if (socket != null) socket.pause();
  }

  void resume() {
    if (socket != null) socket.resume();
  }

  /** One read's bytes, {@code src[off, off + n)}, ours during this call only (see Sockets). */
  private void onData(byte[] src, int off, int n) {
    byte[] a;
    int p;
    int end;
    if (partialLen == 0) {
      a = src;
      p = off;
      end = off + n;
    } else {
      if (partialLen + n > partial.length) partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLen + n));
      System.arraycopy(src, off, partial, partialLen, n);
      partialLen += n;
      a = partial;
      p = 0;
      end = partialLen;
    }
    try {
      while (p < end) {
        int e = framer.next(a, p, end);
        if (e < 0) break;
        deliver(a, p, e - p);
        p = e;
        if (closed) return;
      }
    } catch (RespProtocolException ex) {
      gw.log.warning("Protocol error from " + addr + ": " + ex.getMessage());
      fail("protocol error from " + addr);
      return;
    }
    int left = end - p;
    if (a == partial) {
      if (left > 0 && p > 0) System.arraycopy(partial, p, partial, 0, left);
      partialLen = left;
    } else if (left > 0) {
      if (left > partial.length) partial = new byte[Math.max(4096, left * 2)];
      System.arraycopy(a, p, partial, 0, left);
      partialLen = left;
    }
    if (partialLen == 0 && partial.length > 64 * 1024) partial = new byte[0];
  }

  private void deliver(byte[] a, int off, int len) {
    boolean refusal = a[off] == '-' && gw.checkErrorReply(this, a, off, len);
    Slot s = inflight.peek();
    if (s == null || (a[off] == '>' && tunnel == null && s.client != null)) {
      // A push with no request behind it: a tunnel's messages, or the invalidations of the
      // client that turned tracking on (client-side caching). Stray pushes on a shared
      // connection are dropped: nothing here asked for them.
      if (tunnel == null) {
        if (dedicated && owner != null && owner.tracking()) {
          owner.invalidated(a, off, len);
          owner.writeReply(a, off, len);
        }
        return;
      }
      if (swallowConfirmations > 0 && isSubscribeConfirmation(a, off, len)) {
        swallowConfirmations--;
        return;
      }
      tunnel.writeReply(a, off, len);
      return;
    }
    inflight.poll();
    sentCount--;
    if (s.ackGroup != null) {
      finishAck(s, a, off, len);
      return;
    }
    if (s.client == null) return;
    if ((refusal || s.client.hasRejected()) && s.client.takeRejected(s, this, refusal, a, off, len)) return;
    if (s.awaitingAck) {
      s.reply = Arrays.copyOfRange(a, off, off + len);
      s.ackReplyReady = true;
      return;
    }
    s.client.complete(s, this, a, off, len);
  }

  /** A reply "subscribe", "psubscribe" or "ssubscribe" (array or push), not a message. */
  private static boolean isSubscribeConfirmation(byte[] a, int off, int len) {
    int end = off + len;
    int p = off;
    while (p < end && a[p] != '\n') p++;
    p++;
    if (p >= end || a[p] != '$') return false;
    int q = p;
    while (q < end && a[q] != '\n') q++;
    q++;
    for (String name : new String[] {"subscribe", "psubscribe", "ssubscribe"}) {
      if (q + name.length() <= end && new String(a, q, name.length(), StandardCharsets.US_ASCII).equals(name)
          && a[q + name.length()] == '\r') {
        return true;
      }
    }
    return false;
  }

  /**
   * The connection is gone. Requests never sent, and reads, are routed again; a write
   * that was sent has an unknown fate and is answered with an error that says so.
   */
  void fail(String reason) {
    if (closed) return;
    closed = true;
    if (out != null) {
      out.release();
      out = null;
    }
    gw.log.verbose("Backend connection lost: " + reason);
    gw.onBackendLost(this, reason);
    if (socket != null) socket.close();
    int sent = Math.max(0, sentCount);
    Map<ClientConn, List<Slot>> retry = new LinkedHashMap<>();
    int i = 0;
    for (Slot s : inflight) {
      boolean wasSent = i++ < sent;
      if (s.ackGroup != null) {
        // Applied on the master, replication unconfirmed: as unknown as a lost reply.
        for (Slot g : s.ackGroup) {
          if (g.ackReplyReady && g.ackConn == this) {
            g.ackReplyReady = false;
            g.reply = null;
            g.client.failSlot(g, this, Errors.unknownFate(addr));
          }
        }
        continue;
      }
      if (s.client == null) continue;
      if (!wasSent && s.route != Slot.Route.DEDICATED || wasSent && s.route == Slot.Route.READ) {
        retry.computeIfAbsent(s.client, k -> new ArrayList<>()).add(s);
      } else if (s.route == Slot.Route.DEDICATED) {
        s.client.failSlot(s, this, wasSent && s.write ? Errors.unknownFate(addr) : Errors.lostDedicated(addr));
      } else {
        s.client.failSlot(s, this, Errors.unknownFate(addr));
      }
    }
    inflight.clear();
    for (Map.Entry<ClientConn, List<Slot>> e : retry.entrySet()) e.getKey().requeue(this, e.getValue());
    if (tunnel != null) tunnel.tunnelLost(this);
    if (owner != null) owner.dedicatedLost(this);
  }

  void close() {
    if (closed) return;
    closedByGateway = true;
    fail("closed by the gateway");
  }
}
