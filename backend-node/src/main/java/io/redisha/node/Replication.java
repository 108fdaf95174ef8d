package io.redisha.node;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.redisha.node.commands.Args;
import io.redisha.resp.Sockets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Replication as redis-server 7.0 does it, both sides: this node as a replica of one
 * master, and as the master of its replicas (the two at once in a chain).
 *
 * <h2>The link (replica side)</h2>
 * While this node has a master it keeps one connection to it. The handshake is sent one
 * step at a time, each waiting for its reply (PING, AUTH with masterauth/masteruser,
 * REPLCONF listening-port, REPLCONF ip-address when announced, REPLCONF capa eof capa
 * psync2, PSYNC). {@code +FULLRESYNC} is followed by an RDB payload, either
 * {@code $<len>\r\n} and that many bytes (the master saved to disk) or
 * {@code $EOF:<40 bytes>\r\n}, the payload, and the same 40 bytes again (diskless). Its
 * bytes go to a worker thread as they arrive ({@link PayloadPipe}), which by
 * repl-diskless-load ({@link LoadMode}) either writes them to dbfilename and then loads
 * that file, or parses them straight into fresh databases; the event loop swaps those in
 * when done. {@code +CONTINUE [replid]} skips it. Then the command stream is applied
 * through the usual dispatcher by a connection-less client flagged as the master, which
 * may write on a read-only replica and sees keys past their TTL until the master's DEL.
 *
 * <h2>Offsets and the backlog</h2>
 * {@link #offset} is master_repl_offset: the stream bytes this node's data set reflects,
 * counted as Redis counts them (every command in canonical multibulk form, SELECTs and
 * PINGs included). The backlog keeps the last repl-backlog-size of them. A master writes
 * its own changes (a {@link Propagation} sink); a replica forwards its master's bytes
 * unchanged, so offsets agree along a chain and across implementations. PSYNC asks for
 * the byte after the offset under the replication ID the data set belongs to
 * ({@link Node#replid}); it is served from the backlog when the ID is ours, or our replid2
 * up to {@link #secondOffset} (PSYNC2: the old master's replicas follow a promoted one).
 *
 * <h2>Full sync (master side)</h2>
 * The payload comes from the BGSAVE copy-on-write snapshot; meanwhile the stream for the
 * replica is kept aside and follows the payload. With repl-diskless-sync yes (and a
 * replica that sent capa eof) the snapshot's writer thread streams it straight to the
 * sockets of the replicas gathered during repl-diskless-sync-delay, in the EOF form, and
 * the kept stream follows each replica's first ACK; otherwise it goes through a temporary
 * file, which replicas arriving meanwhile share. Replicas that cannot join a running save
 * wait for the next one (ReplicaConn.waitStart). SYNC is the same without +FULLRESYNC.
 *
 * <h2>FAILOVER</h2>
 * Writes are held (a pause of FAILOVER's own), and once a replica has acknowledged the
 * whole stream (or, with FORCE, once the timeout passes) this node becomes its replica and
 * sends PSYNC with FAILOVER, which makes it master and continue partially; until then the
 * handshake is retried and the writes stay held.
 *
 * <h2>Timers</h2>
 * One tick a second (as Redis's replicationCron) connects when due, drops a link silent
 * for longer than repl-timeout, sends {@code REPLCONF ACK <offset>}; as a master it sends
 * PING every repl-ping-replica-period, drops replicas silent for repl-timeout, and frees
 * the backlog after repl-backlog-ttl without replicas.
 */
public final class Replication {

  /** The replica link's states, in handshake order: "in handshake" is a range check. */
  enum State {
    /** No master: this node is a master. */
    NONE,
    /** A master is configured; the next tick connects. */
    CONNECT,
    /** The TCP connection is being made. */
    CONNECTING,
    RECEIVE_PONG,
    RECEIVE_AUTH,
    RECEIVE_PORT,
    RECEIVE_IP,
    RECEIVE_CAPA,
    RECEIVE_PSYNC,
    /** Receiving the RDB payload of a full resync. */
    TRANSFER,
    /** Applying the master's command stream. */
    CONNECTED;

    boolean handshake() {
      return compareTo(RECEIVE_PONG) >= 0 && compareTo(RECEIVE_PSYNC) <= 0;
    }
  }

  /** FAILOVER's progress, INFO's master_failover_state. */
  enum FailoverState {
    NONE("no-failover"),
    WAIT_FOR_SYNC("waiting-for-sync"),
    IN_PROGRESS("failover-in-progress");

    final String info;

    FailoverState(String info) {
      this.info = info;
    }
  }

  private FailoverState failoverState = FailoverState.NONE;

  public String failoverStateName() {
    return failoverState.info;
  }

  public static final String READONLY = "READONLY You can't write against a read only replica.";
  public static final String MASTERDOWN =
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

  private final Node node;
  private State state = State.NONE;
  private String masterHost;
  private int masterPort;
  private NetSocket link;
  /** Bumped for each connection attempt, so callbacks of an abandoned link do nothing. */
  private int linkGeneration;
  private Client master;
  private int inPos;

  /** Stream bytes reflected by the data set (master_repl_offset). */
  long offset;
  /** The first offset of the current replid's history when replid2 was taken over (second_repl_offset). */
  long secondOffset = -1;
  /** False after a failed full sync left an empty data set: the next PSYNC asks for a full one. */
  private boolean haveHistory = true;

  private long lastIoMs;
  private long linkDownSinceMs;
  private long transferStartMs;
  private String pendingReplid;
  private long pendingOffset;
  // The RDB payload being received.
  /** Carries its bytes to the worker thread that parses them or writes them to a file; null before its $ line. */
  private PayloadPipe pipe;
  private LoadMode loadMode;
  private long payloadLen;
  private long payloadExpected = -1;
  private byte[] eofMark;
  /** EOF form: the last bytes received, held back because they may be the start of the mark. */
  private byte[] eofTail;
  /** The whole payload is in; the stream's first bytes wait in inBuf until it is loaded. */
  private boolean payloadDone;
  /** The link is paused by this node (the loader is behind, or loading), so its silence is not the master's. */
  private boolean linkPaused;
  /** Set while the master's stream is being applied: keys past their TTL are still there for it. */
  boolean applying;

  Replication(Node node) {
    this.node = node;
  }

  // ---------------------------------------------------------------- queries

  public boolean isReplica() {
    return masterHost != null;
  }

  public String masterHost() {
    return masterHost;
  }

  public int masterPort() {
    return masterPort;
  }

  public long offset() {
    return offset;
  }

  public long secondOffset() {
    return secondOffset;
  }

  public boolean linkUp() {
    return state == State.CONNECTED;
  }

  /** ROLE's last element for a replica: the offset applied, -1 while there is no master client. */
  public long roleOffset() {
    return master != null ? offset : -1;
  }

  public boolean syncInProgress() {
    return state == State.TRANSFER;
  }

  /** ROLE's replica state word. */
  public String stateName() {
    if (state.handshake()) return "handshake";
    return switch (state) {
      case NONE -> "none";
      case CONNECT -> "connect";
      case CONNECTING -> "connecting";
      case TRANSFER -> "sync";
      case CONNECTED -> "connected";
      default -> "unknown";
    };
  }

  /** Seconds since the master last sent anything (master_last_io_seconds_ago), -1 without a link. */
  public long lastIoSecondsAgo() {
    return state == State.CONNECTED || state == State.TRANSFER ? (node.clock.nowMs() - lastIoMs) / 1000 : -1;
  }

  /** master_link_down_since_seconds; -1 if the link was never up. */
  public long linkDownSinceSeconds() {
    return linkDownSinceMs == 0 ? -1 : (node.clock.nowMs() - linkDownSinceMs) / 1000;
  }

  /** master_sync_read_bytes: what went to disk; 0 while parsed from the socket, as Redis reports it. */
  public long transferReadBytes() {
    return loadMode == LoadMode.DISK ? payloadLen : 0;
  }

  /** master_sync_total_bytes: the announced size, 0 for the EOF form, -1 before the payload starts. */
  public long transferTotalBytes() {
    return eofMark != null ? 0 : payloadExpected;
  }

  public long transferLastIoSecondsAgo() {
    return (node.clock.nowMs() - lastIoMs) / 1000;
  }

  // ---------------------------------------------------------------- guards

  /** READONLY: a client's write on a read-only replica. The master's own stream may write. */
  boolean refusesWrite(Client c, CommandSpec spec) {
    if (masterHost == null || c.isMaster || !node.config.bool("replica-read-only")) return false;
    return spec.isWrite() || (spec.name().equals("exec") && c.queueWrites());
  }

  /** MASTERDOWN: with replica-serve-stale-data no, only commands flagged stale run while the link is down. */
  boolean refusesStale(Client c, CommandSpec spec) {
    return masterHost != null && state != State.CONNECTED && !c.isMaster
        && !node.config.bool("replica-serve-stale-data") && !spec.has(CommandFlag.STALE);
  }

  // ---------------------------------------------------------------- REPLICAOF

  public void register(Commands commands) {
    CommandHandler replicaof = (c, argv) -> {
      if (failoverState != FailoverState.NONE) {
        c.error("ERR REPLICAOF not allowed while failing over.");
        return;
      }
      if (Args.is(argv[1], "no") && Args.is(argv[2], "one")) {
        if (masterHost != null) {
          unsetMaster();
          node.log.notice("MASTER MODE enabled (user request from 'id=" + c.id + " addr=" + c.addr + "')");
        }
        c.reply().ok();
        return;
      }
      Long port = Args.parseLong(argv[2]);
      if (port == null || port < 0 || port > 65535) {
        c.error("ERR Invalid master port");
        return;
      }
      String host = Args.str(argv[1]);
      if (host.equals(masterHost) && port == masterPort) {
        node.log.notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.");
        c.reply().simple("OK Already connected to specified master");
        return;
      }
      setMaster(host, port.intValue());
      node.log.notice("REPLICAOF " + host + ":" + port + " enabled (user request from 'id=" + c.id + " addr=" + c.addr + "')");
      c.reply().ok();
    };
    commands.register("replicaof", replicaof);
    commands.register("slaveof", replicaof);
    registerMaster(commands);
  }

  /** Called at start with the configured replicaof (host port), if any. */
  void configure() {
    if (node.config.value("replicaof") instanceof NodeConfig.ReplicaOf r) {
      masterHost = r.host();
      masterPort = r.port();
      state = State.CONNECT;
    }
  }

  /** Becomes (or moves to another master as) a replica; the data set is kept until a full sync replaces it. */
  public void setMaster(String host, int port) {
    if (masterHost == null) unblockAllForRoleChange();
    dropLink();
    masterHost = host;
    masterPort = port;
    // As Redis 7.0, our replicas stay: they follow the stream we forward once we continue
    // partially, and are disconnected when the history changes (a new ID, or a full sync).
    node.config.setInternal("replicaof", new NodeConfig.ReplicaOf(host, port));
    state = State.CONNECT;
    node.log.notice("Connecting to MASTER " + host + ":" + port);
    connect();
  }

  /** A master becoming a replica: its blocked clients would wait for writes that can no longer come from them. */
  private void unblockAllForRoleChange() {
    for (Client c : new java.util.ArrayList<>(node.clients.values())) {
      if (c.blocked == null) continue;
      node.blocking.unblock(c);
      c.error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
      c.flush();
      c.resumePending();
    }
  }

  /**
   * REPLICAOF NO ONE: keeps the data and the history; a new replication ID starts here,
   * with the old one kept as replid2 up to the current offset, so that the old master's
   * other replicas can continue from this node.
   */
  public void unsetMaster() {
    dropLink();
    masterHost = null;
    masterPort = 0;
    state = State.NONE;
    node.config.setInternal("replicaof", null);
    shiftReplicationId();
    streamDb = -1;
    disconnectReplicas();
  }

  private void shiftReplicationId() {
    node.replid2 = node.replid;
    secondOffset = offset + 1;
    node.replid = Node.randomHex40();
  }

  /** CLIENT KILL TYPE master: the link goes and is made again by the next tick. */
  public boolean killMasterLink() {
    if (link == null) return false;
    dropLink();
    return true;
  }

  /** The node stops: the link goes and is not made again. */
  void close() {
    String host = masterHost;
    masterHost = null;
    dropLink();
    masterHost = host;
    state = State.NONE;
  }

  // ---------------------------------------------------------------- the link

  private void connect() {
    if (state != State.CONNECT) return;
    state = State.CONNECTING;
    lastIoMs = node.clock.nowMs();
    int gen = ++linkGeneration;
    NetClientOptions opts = new NetClientOptions()
        .setConnectTimeout(node.config.getInt("repl-timeout") * 1000)
        .setTcpNoDelay(!node.config.bool("repl-disable-tcp-nodelay"));
    node.vertx().createNetClient(opts).connect(masterPort, masterHost).onComplete(ar -> {
      if (gen != linkGeneration) {
        if (ar.succeeded()) ar.result().close();
        return;
      }
      if (ar.failed()) {
        node.log.warning("Error condition on socket for SYNC: " + ar.cause().getMessage());
        state = State.CONNECT;
        return;
      }
      link = ar.result();
      node.log.notice("MASTER <-> REPLICA sync started");
      // Reads as Netty's bytes, not a heap Buffer copied per read (a fifth of what a replica
      // allocated under a SET load): the stream parser copies only an unfinished command.
      Sockets.handle(link, (a, off, len) -> {
        if (gen == linkGeneration) onData(a, off, len);
      });
      link.closeHandler(x -> {
        if (gen == linkGeneration) linkLost("Connection with master lost.");
      });
      link.exceptionHandler(err -> {
        if (gen == linkGeneration) linkLost("Error on the master link: " + err.getMessage());
      });
      lastIoMs = node.clock.nowMs();
      state = State.RECEIVE_PONG;
      send("PING");
    });
  }

  private void linkLost(String why) {
    node.log.notice(why);
    dropLink();
  }

  /** Closes the link (if any) and goes back to CONNECT, keeping offset and history for a PSYNC. */
  private void dropLink() {
    linkGeneration++;
    if (state == State.CONNECTED) linkDownSinceMs = node.clock.nowMs();
    if (state == State.TRANSFER) abandonTransfer();
    if (link != null) {
      NetSocket l = link;
      link = null;
      l.close();
    }
    if (master != null) {
      Client m = master;
      master = null;
      // As Redis's cached master: a partial resync goes on in the database the stream had selected.
      loadedStreamDb = m.db.id;
      node.transactions.discard(m);
      m.closed = true;
      node.removeClient(m);
    }
    resetInput();
    if (masterHost != null) state = State.CONNECT;
  }

  private void resetInput() {
    inPos = 0;
    inBuf = Buffer.buffer();
  }

  private Buffer inBuf = Buffer.buffer();

  private void send(String... argv) {
    byte[][] a = new byte[argv.length][];
    for (int i = 0; i < argv.length; i++) a[i] = argv[i].getBytes(StandardCharsets.UTF_8);
    link.write(Buffer.buffer(encode(a)));
  }

  /** A command in canonical multibulk form: what a master sends and counts in its offset. */
  static byte[] encode(byte[][] argv) {
    byte[] out = new byte[encodedLength(argv)];
    encode(argv, out, 0);
    return out;
  }

  static int encodedLength(byte[][] argv) {
    int n = 1 + digits(argv.length) + 2;
    for (byte[] a : argv) n += 1 + digits(a.length) + 2 + a.length + 2;
    return n;
  }

  /** Writes {@code argv} at {@code p}, which has {@link #encodedLength} bytes of room; returns the end. */
  static int encode(byte[][] argv, byte[] out, int p) {
    p = header(out, p, '*', argv.length);
    for (byte[] a : argv) {
      p = header(out, p, '$', a.length);
      System.arraycopy(a, 0, out, p, a.length);
      p += a.length;
      out[p++] = '\r';
      out[p++] = '\n';
    }
    return p;
  }

  private static int header(byte[] out, int p, char type, int value) {
    out[p++] = (byte) type;
    int end = p + digits(value);
    for (int i = end - 1; i >= p; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    out[end] = '\r';
    out[end + 1] = '\n';
    return end + 2;
  }

  /** Decimal digits of a non-negative int. */
  private static int digits(int v) {
    int d = 1;
    while (v >= 10) {
      v /= 10;
      d++;
    }
    return d;
  }

  /** The bytes of one read of the link, {@code a[off, off + len)}, valid during the call only. */
  private void onData(byte[] a, int off, int len) {
    lastIoMs = node.clock.nowMs();
    if (state == State.CONNECTED) {
      streamParser.feed(a, off, len);
      return;
    }
    inBuf.appendBytes(a, off, len);
    try {
      process();
    } catch (RuntimeException e) {
      node.log.warning("Replication link failure: " + e);
      dropLink();
    }
  }

  /** Reads what the handshake and the payload need from {@link #inBuf}. */
  private void process() {
    while (link != null) {
      if (state == State.TRANSFER) {
        transfer();
        return;
      }
      if (state == State.CONNECTED) {
        byte[] rest = inBuf.getBytes(inPos, inBuf.length());
        resetInput();
        if (rest.length > 0) streamParser.feed(rest);
        return;
      }
      // The master sends newlines to keep the link alive while it prepares its answer.
      while (inPos < inBuf.length() && inBuf.getByte(inPos) == '\n') inPos++;
      String line = readLine();
      if (line == null) return;
      handshakeReply(line);
    }
  }

  private String readLine() {
    for (int i = inPos; i + 1 < inBuf.length(); i++) {
      if (inBuf.getByte(i) == '\r' && inBuf.getByte(i + 1) == '\n') {
        String line = inBuf.getString(inPos, i, "ISO-8859-1");
        inPos = i + 2;
        return line;
      }
    }
    return null;
  }

  private void handshakeReply(String line) {
    switch (state) {
      case RECEIVE_PONG -> {
        // As Redis: an auth error here is fine, AUTH comes next.
        if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
            && !line.startsWith("-ERR operation not permitted")) {
          node.log.warning("Error reply to PING from master: '" + line.substring(1) + "'");
          dropLink();
          return;
        }
        node.log.notice("Master replied to PING, replication can continue...");
        String pass = node.config.getString("masterauth");
        if (!pass.isEmpty()) {
          state = State.RECEIVE_AUTH;
          String user = node.config.getString("masteruser");
          if (user.isEmpty()) send("AUTH", pass);
          else send("AUTH", user, pass);
        } else {
          sendPort();
        }
      }
      case RECEIVE_AUTH -> {
        if (line.startsWith("-")) {
          node.log.warning("Unable to AUTH to MASTER: " + line);
          dropLink();
          return;
        }
        sendPort();
      }
      case RECEIVE_PORT -> {
        if (line.startsWith("-")) {
          node.log.notice("(Non critical) Master does not understand REPLCONF listening-port: " + line);
        }
        String ip = node.config.getString("replica-announce-ip");
        if (!ip.isEmpty()) {
          state = State.RECEIVE_IP;
          send("REPLCONF", "ip-address", ip);
        } else {
          sendCapa();
        }
      }
      case RECEIVE_IP -> {
        if (line.startsWith("-")) {
          node.log.notice("(Non critical) Master does not understand REPLCONF ip-address: " + line);
        }
        sendCapa();
      }
      case RECEIVE_CAPA -> {
        if (line.startsWith("-")) {
          node.log.notice("(Non critical) Master does not understand REPLCONF capa: " + line);
        }
        state = State.RECEIVE_PSYNC;
        if (haveHistory && failoverState == FailoverState.IN_PROGRESS) {
          // The target takes over as master when our replid is its own, then continues partially.
          node.log.notice("Trying a partial resynchronization (request " + node.replid + ":" + (offset + 1) + ").");
          send("PSYNC", node.replid, Long.toString(offset + 1), "FAILOVER");
        } else if (haveHistory) {
          node.log.notice("Trying a partial resynchronization (request " + node.replid + ":" + (offset + 1) + ").");
          send("PSYNC", node.replid, Long.toString(offset + 1));
        } else {
          node.log.notice("Partial resynchronization not possible (no cached master)");
          send("PSYNC", "?", "-1");
        }
      }
      case RECEIVE_PSYNC -> psyncReply(line);
      default -> throw new IllegalStateException("reply in state " + state);
    }
  }

  private void sendCapa() {
    state = State.RECEIVE_CAPA;
    send("REPLCONF", "capa", "eof", "capa", "psync2");
  }

  private void sendPort() {
    state = State.RECEIVE_PORT;
    int announce = node.config.getInt("replica-announce-port");
    send("REPLCONF", "listening-port", Integer.toString(announce != 0 ? announce : node.port()));
  }

  private void psyncReply(String line) {
    if (failoverState == FailoverState.IN_PROGRESS) {
      // As Redis: either resync means the target took over; anything else and this node is master again.
      if (line.startsWith("+FULLRESYNC") || line.startsWith("+CONTINUE")) {
        clearFailoverState();
      } else {
        abortFailover("Failover target rejected psync request");
        return;
      }
    }
    if (line.startsWith("+FULLRESYNC")) {
      String[] p = line.split(" ");
      if (p.length < 3) {
        node.log.warning("Master replied with wrong +FULLRESYNC syntax.");
        dropLink();
        return;
      }
      pendingReplid = p[1];
      pendingOffset = Long.parseLong(p[2]);
      node.log.notice("Full resync from master: " + pendingReplid + ":" + pendingOffset);
      state = State.TRANSFER;
      transferStartMs = node.clock.nowMs();
      return;
    }
    if (line.startsWith("+CONTINUE")) {
      String[] p = line.split(" ");
      if (p.length >= 2 && p[1].length() == 40 && !p[1].equals(node.replid)) {
        // The master was promoted from a fellow replica: our history is its replid2.
        node.replid2 = node.replid;
        secondOffset = offset + 1;
        node.replid = p[1];
        node.log.notice("Master replication ID changed to " + p[1]);
        disconnectReplicas();
      }
      node.log.notice("Successful partial resynchronization with master.");
      node.log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
      startStream();
      return;
    }
    // -NOMASTERLINK, -LOADING and other errors: try again later.
    node.log.warning("Unexpected reply to PSYNC from master: " + line);
    dropLink();
  }

  /** Receives the payload into the pipe; the loader's completion moves the state on. */
  private void transfer() {
    if (pipe == null && !payloadHeader()) return;
    if (payloadDone) return;
    int avail = inBuf.length() - inPos;
    if (avail == 0) return;
    if (eofMark == null) {
      int take = (int) Math.min(avail, payloadExpected - payloadLen);
      feed(inBuf.getBytes(inPos, inPos + take), 0, take);
      inPos += take;
      if (inPos == inBuf.length()) resetInput();
      if (payloadLen == payloadExpected) payloadComplete();
      return;
    }
    byte[] fresh = inBuf.getBytes(inPos, inBuf.length());
    resetInput();
    byte[] window = new byte[eofTail.length + fresh.length];
    System.arraycopy(eofTail, 0, window, 0, eofTail.length);
    System.arraycopy(fresh, 0, window, eofTail.length, fresh.length);
    int at = find(window, 0, window.length, eofMark);
    if (at >= 0) {
      feed(window, 0, at);
      // Whatever came after the mark belongs to the stream.
      inBuf.appendBytes(window, at + eofMark.length, window.length - at - eofMark.length);
      payloadComplete();
      return;
    }
    int keep = Math.min(window.length, eofMark.length - 1);
    feed(window, 0, window.length - keep);
    eofTail = Arrays.copyOfRange(window, window.length - keep, window.length);
  }

  /** The payload's $ line: its form, and where repl-diskless-load sends it. False until the line is in. */
  private boolean payloadHeader() {
    // The master sends newlines while it prepares the payload, to keep the link alive.
    while (inPos < inBuf.length() && inBuf.getByte(inPos) == '\n') inPos++;
    String line = readLine();
    if (line == null) return false;
    if (line.startsWith("-")) {
      node.log.warning("MASTER aborted replication with an error: " + line.substring(1));
      dropLink();
      return false;
    }
    if (!line.startsWith("$")) {
      node.log.warning("Bad protocol from MASTER, the first byte is not '$' (we received '" + line + "'), are you sure the host and port are right?");
      dropLink();
      return false;
    }
    String what;
    if (line.startsWith("$EOF:")) {
      eofMark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
      eofTail = new byte[0];
      what = "streamed RDB from master with EOF";
    } else {
      payloadExpected = Long.parseLong(line.substring(1));
      what = payloadExpected + " bytes from master";
    }
    loadMode = chooseLoadMode();
    node.log.notice("MASTER <-> REPLICA sync: receiving " + what + (loadMode == LoadMode.DISK ? " to disk" : " to parser"));
    payloadLen = 0;
    io.vertx.core.Context loop = node.vertx().getOrCreateContext();
    int gen = linkGeneration;
    pipe = new PayloadPipe(() -> loop.runOnContext(v -> {
      if (gen == linkGeneration && !payloadDone) resumeLink();
    }));
    if (loadMode == LoadMode.DISK) receiveToDisk();
    else loadFromSocket();
    return true;
  }

  private LoadMode chooseLoadMode() {
    return switch (node.config.getString("repl-diskless-load")) {
      // The old data is the same history at an earlier offset: it may be served until the swap.
      case "swapdb" -> node.replid.equals(pendingReplid) ? LoadMode.ASYNC : LoadMode.SWAP;
      case "on-empty-db" -> emptyDataSet() ? LoadMode.SOCKET : LoadMode.DISK;
      default -> LoadMode.DISK;
    };
  }

  private boolean emptyDataSet() {
    for (int i = 0; i < node.databases(); i++) if (node.db(i).size() > 0) return false;
    return true;
  }

  private void feed(byte[] b, int off, int len) {
    if (len == 0) return;
    payloadLen += len;
    if (pipe.feed(b, off, len) && !linkPaused) pauseLink();
  }

  /** The stream that follows waits in the master's buffer (the link is paused) until the data set is in. */
  private void payloadComplete() {
    payloadDone = true;
    pipe.end();
    if (!linkPaused) pauseLink();
  }

  private void pauseLink() {
    linkPaused = true;
    link.pause();
  }

  private void resumeLink() {
    linkPaused = false;
    if (link != null) link.resume();
  }

  private static int find(byte[] a, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i + needle.length <= to; i++) {
      for (int j = 0; j < needle.length; j++) if (a[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  /**
   * The payload's bytes on their way from the event loop to the worker thread that parses
   * them, or writes them to a file, as they arrive (Redis reads the socket itself, in its
   * only thread). Above {@link #HIGH_WATER} queued bytes the link is paused; the reader
   * calls {@code onDrain} once the queue is down to a quarter of that.
   */
  private static final class PayloadPipe extends java.io.InputStream {
    private static final long HIGH_WATER = 8L << 20;

    private final java.util.ArrayDeque<byte[]> chunks = new java.util.ArrayDeque<>();
    private final Runnable onDrain;
    private byte[] current;
    private int pos;
    private long queued;
    private boolean ended;
    private boolean aborted;
    private boolean behind;

    PayloadPipe(Runnable onDrain) {
      this.onDrain = onDrain;
    }

    /** Event loop: true when the reader is behind and the link should pause until onDrain. */
    synchronized boolean feed(byte[] b, int off, int len) {
      chunks.add(off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
      queued += len;
      notifyAll();
      if (queued > HIGH_WATER) behind = true;
      return behind;
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    /** The transfer is abandoned: the reader fails. */
    synchronized void abort() {
      aborted = true;
      chunks.clear();
      notifyAll();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      while (true) {
        if (aborted) throw new IOException("the transfer from the master was abandoned");
        if (current != null && pos < current.length) {
          int n = Math.min(len, current.length - pos);
          System.arraycopy(current, pos, b, off, n);
          pos += n;
          return n;
        }
        current = chunks.poll();
        pos = 0;
        if (current != null) {
          queued -= current.length;
          if (behind && queued < HIGH_WATER / 4) {
            behind = false;
            onDrain.run();
          }
          continue;
        }
        if (ended) return -1;
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting for the master's payload");
        }
      }
    }
  }
  // ---------------------------------------------------------------- loading the payload

  /**
   * How a full sync's payload is loaded, chosen by repl-diskless-load when the payload
   * starts (Redis 7.0's three settings make these four cases).
   */
  private enum LoadMode {
    /** disabled, or on-empty-db with data: received into a file, renamed to dbfilename, then the old data goes and the file loads. */
    DISK,
    /** on-empty-db on an empty data set: parsed as it arrives, clients get -LOADING. */
    SOCKET,
    /** swapdb from another history: parsed as it arrives, clients get -LOADING; the old data stays if it fails. */
    SWAP,
    /** swapdb from our own history: parsed as it arrives while clients go on reading the old data (async_loading). */
    ASYNC
  }

  /** Set while a payload loads: clients get -LOADING, INFO loading:1. */
  private boolean loading;
  /** Set while a payload loads in the background: clients read the old data, INFO async_loading:1. */
  private boolean asyncLoading;
  /** DISK: the old data set went before the file loads; a load abandoned now leaves an empty one. */
  private boolean flushedForLoad;
  private long loadStartMs;
  private long loadTotalBytes;
  // Written by the worker thread, read by INFO.
  private volatile long loadedBytes;
  /** The payload's used-mem aux field: the size estimate when the EOF form has none. */
  private volatile long loadRdbUsedMem;

  public static final String LOADING = "LOADING Redis is loading the dataset in memory";

  public boolean loading() {
    return loading;
  }

  public boolean asyncLoading() {
    return asyncLoading;
  }

  /**
   * LOADING: while a payload loads only commands flagged loading run, and during an
   * async load all but those flagged no_async_loading (as Redis, for every client).
   */
  boolean refusesLoading(Client c, CommandSpec spec) {
    if (c.isMaster) return false;
    return loading ? !spec.has(CommandFlag.LOADING) : asyncLoading && spec.has(CommandFlag.NO_ASYNC_LOADING);
  }

  /** INFO persistence's loading_* lines, present while loading (either way) as in Redis. */
  public String loadingInfo() {
    if (!loading && !asyncLoading) return "";
    long elapsed = (node.clock.nowMs() - loadStartMs) / 1000;
    long done = loadedBytes;
    long usedMem = loadRdbUsedMem;
    long estimate = loadTotalBytes > 0 ? loadTotalBytes : usedMem;
    long eta = elapsed == 0 ? 1 : elapsed * Math.max(1, estimate - done) / (done + 1);
    return "loading_start_time:" + loadStartMs / 1000 + "\r\n"
        + "loading_total_bytes:" + loadTotalBytes + "\r\n"
        + "loading_rdb_used_mem:" + usedMem + "\r\n"
        + "loading_loaded_bytes:" + done + "\r\n"
        + String.format(java.util.Locale.ROOT, "loading_loaded_perc:%.2f\r\n", estimate <= 0 ? 0.0 : done * 100.0 / estimate)
        + "loading_eta_seconds:" + eta + "\r\n";
  }

  private void startLoading(boolean async, long totalBytes) {
    loading = !async;
    asyncLoading = async;
    loadStartMs = node.clock.nowMs();
    loadTotalBytes = totalBytes;
    loadedBytes = 0;
    loadRdbUsedMem = 0;
    node.log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
  }

  /** Fresh databases parsed from a payload, and its repl-stream-db. */
  private record Loaded(Db[] dbs, long keys, int streamDb) {}

  /**
   * Diskless load: the payload is parsed on a worker thread into fresh databases as it
   * arrives, while the event loop keeps answering (-LOADING, or the old data when async).
   * The link is paused once the payload is in, so the stream that follows waits in the
   * master's buffer as it does for a Redis replica.
   */
  private void loadFromSocket() {
    if (loadMode == LoadMode.SOCKET) node.log.notice("MASTER <-> REPLICA sync: Flushing old data");
    startLoading(loadMode == LoadMode.ASYNC, Math.max(0, payloadExpected));
    PayloadPipe in = pipe;
    int gen = linkGeneration;
    node.vertx().executeBlocking(() -> parse(in, "the master's RDB payload"), false).onComplete(ar -> loaded(gen, ar));
  }

  /**
   * Disk load, as Redis's: the payload goes to temp-&lt;unixtime&gt;.&lt;pid&gt;.rdb in dir
   * while the old data is still served, is renamed to dbfilename (the file stays, as
   * Redis's does), and the old data goes before the file loads.
   */
  private void receiveToDisk() {
    java.nio.file.Path temp = java.nio.file.Path.of(node.config.getString("dir"))
        .resolve("temp-" + node.clock.nowMs() / 1000 + "." + ProcessHandle.current().pid() + ".rdb");
    PayloadPipe in = pipe;
    int gen = linkGeneration;
    node.vertx().executeBlocking(() -> {
      try (java.io.FileOutputStream out = new java.io.FileOutputStream(temp.toFile())) {
        in.transferTo(out);
        out.getFD().sync();
        return temp;
      } catch (IOException | RuntimeException e) {
        java.nio.file.Files.deleteIfExists(temp);
        throw e;
      }
    }, false).onComplete(ar -> {
      if (gen != linkGeneration) {
        if (ar.succeeded()) deleteQuietly(ar.result());
        return;
      }
      if (ar.failed()) {
        node.log.warning("Failed trying to write the temp DB to disk: " + ar.cause().getMessage());
        dropLink();
        return;
      }
      loadFile(ar.result(), gen);
    });
  }

  private void loadFile(java.nio.file.Path temp, int gen) {
    java.nio.file.Path file = node.persistence.file();
    long size;
    node.persistence.abortBgsave();
    try {
      java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      size = java.nio.file.Files.size(file);
    } catch (IOException e) {
      node.log.warning("Failed trying to rename the temp DB into " + file.getFileName() + " in MASTER <-> REPLICA synchronization: " + e.getMessage());
      deleteQuietly(temp);
      dropLink();
      return;
    }
    node.log.notice("MASTER <-> REPLICA sync: Flushing old data");
    for (int i = 0; i < node.databases(); i++) node.db(i).flush();
    flushedForLoad = true;
    startLoading(false, size);
    node.vertx().executeBlocking(() -> {
      try (java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
        return parse(in, file.toString());
      }
    }, false).onComplete(ar -> loaded(gen, ar));
  }

  private static void deleteQuietly(java.nio.file.Path p) {
    try {
      java.nio.file.Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temp file is harmless; the next transfer has another name
    }
  }

  /** Event loop: a load ended; its data set replaces ours, unless the link went meanwhile. */
  private void loaded(int gen, io.vertx.core.AsyncResult<Loaded> ar) {
    if (gen != linkGeneration) return; // dropLink ended the transfer; this data set is not wanted
    if (ar.failed()) {
      loadFailed(ar.cause());
      return;
    }
    if (!payloadDone) {
      loadFailed(new IOException("the master's payload goes on past the end of its RDB"));
      return;
    }
    Loaded l = ar.result();
    boolean swap = loadMode == LoadMode.SWAP || loadMode == LoadMode.ASYNC;
    clearTransfer();
    install(l, swap);
    // The stream bytes that came with the payload's end go first: a resumed socket may
    // deliver its queued reads at once, from inside resume().
    process();
    resumeLink();
  }

  /** Worker thread: touches nothing of the node but the settings that choose encodings. */
  private Loaded parse(java.io.InputStream source, String name) throws IOException {
    long now = Long.MIN_VALUE; // a replica keeps keys past their TTL: the master's DEL follows
    Db[] dbs = new Db[node.databases()];
    for (int i = 0; i < dbs.length; i++) dbs[i] = new Db(node, i);
    long[] keys = {0};
    int[] streamDb = {0};
    java.io.InputStream in = new java.io.FilterInputStream(source) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) loadedBytes++;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        int r = super.read(b, off, n);
        if (r > 0) loadedBytes += r;
        return r;
      }
    };
    io.redisha.node.rdb.RdbReader.read(in, name, new io.redisha.node.rdb.RdbVisitor() {
      @Override
      public void aux(String field, byte[] value) {
        if (!field.equals("repl-stream-db") && !field.equals("used-mem")) return;
        try {
          long v = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
          if (field.equals("used-mem")) loadRdbUsedMem = v;
          else if (v >= 0 && v < dbs.length) streamDb[0] = (int) v;
        } catch (NumberFormatException ignored) {
          // not a number: no estimate, or the stream starts in database 0
        }
      }

      @Override
      public void selectDb(int db) throws IOException {
        if (db >= dbs.length) {
          throw new IOException(name + ": the payload has a key in database " + db + " but this node has only "
              + dbs.length + " (databases)");
        }
      }

      @Override
      public void entry(io.redisha.node.rdb.RdbEntry e) throws IOException {
        if (e.expireAtMs() >= 0 && e.expireAtMs() < now) return;
        Object v = io.redisha.node.persist.Values.fromRdb(e.value(), node.config);
        if (v == null) return;
        Db db = dbs[e.db()];
        Key k = new Key(e.key());
        if (db.dict().put(k, v) != null) {
          throw new IOException(name + ": duplicate key " + io.redisha.node.rdb.RdbValue.show(e.key()) + " in database " + e.db());
        }
        if (e.expireAtMs() >= 0) db.expiresMap().put(k, e.expireAtMs());
        keys[0]++;
      }
    });
    return new Loaded(dbs, keys[0], streamDb[0]);
  }

  /**
   * As Redis: after a failed swapdb load the old data set stays; otherwise it is gone, and
   * with it its history. Either way the next PSYNC asks for a full sync.
   */
  private void loadFailed(Throwable e) {
    boolean kept = loadMode == LoadMode.SWAP || loadMode == LoadMode.ASYNC;
    node.log.warning("Failed trying to load the MASTER synchronization DB from " + (loadMode == LoadMode.DISK ? "disk" : "socket")
        + ": " + e.getMessage());
    if (kept) {
      haveHistory = false;
    } else {
      node.persistence.abortBgsave();
      for (int i = 0; i < node.databases(); i++) node.db(i).flush();
      forgetHistory();
    }
    dropLink();
  }

  private void forgetHistory() {
    haveHistory = false;
    node.replid = Node.randomHex40();
    offset = 0;
  }

  /** dropLink during a transfer: the worker's reader fails; a disk load that had flushed leaves an empty data set. */
  private void abandonTransfer() {
    if (pipe != null) pipe.abort();
    if (flushedForLoad) forgetHistory();
    clearTransfer();
  }

  private void clearTransfer() {
    pipe = null;
    loadMode = null;
    payloadLen = 0;
    payloadExpected = -1;
    eofMark = null;
    eofTail = null;
    payloadDone = false;
    loading = false;
    asyncLoading = false;
    flushedForLoad = false;
  }

  /** Event loop: the parsed databases replace the data set; then the stream starts at the master's offset. */
  private void install(Loaded l, boolean swap) {
    node.log.notice("Done loading RDB, keys loaded: " + l.keys() + ", keys expired: 0.");
    node.log.notice(swap ? "MASTER <-> REPLICA sync: Swapping active DB with loaded DB" : "MASTER <-> REPLICA sync: Flushing old data");
    node.persistence.abortBgsave();
    for (int i = 0; i < node.databases(); i++) {
      Db live = node.db(i);
      live.flush();
      live.dict = l.dbs()[i].dict;
      live.expires = l.dbs()[i].expires;
    }
    // A replica keeps keys past their TTL, so every key of the payload counts as loaded.
    node.persistence.replicaLoaded(l.keys());
    payloadStreamDb(l.streamDb());
    // Our replicas' copies belong to the old history: they sync again.
    disconnectReplicas();
    node.replid = pendingReplid;
    node.replid2 = "0".repeat(40);
    secondOffset = -1;
    offset = pendingOffset;
    backlogBase = offset;
    haveHistory = true;
    node.dirty++;
    node.aof.rewriteAfterFullSync();
    node.log.notice(String.format("MASTER <-> REPLICA sync: Finished with success (%d keys, %.3f seconds, %.3f loading)",
        l.keys(), (node.clock.nowMs() - transferStartMs) / 1000.0, (node.clock.nowMs() - loadStartMs) / 1000.0));
    startStream();
  }

  private void startStream() {
    if (backlog == null) createBacklog();
    state = State.CONNECTED;
    linkDownSinceMs = 0;
    master = Client.forMasterLink(node, node.nextClientId++, link);
    node.clients.put(master.id, master);
    master.db = node.db(loadedStreamDb);
    streamParser = new io.redisha.resp.RequestParser(streamSink);
    streamParser.setAuthRequired(false);
    sendAck();
  }

  private io.redisha.resp.RequestParser streamParser;
  /** repl-stream-db of the payload: the database the stream has selected (a chained master's). */
  private int loadedStreamDb;

  /** The payload's repl-stream-db aux field, told by the loader. */
  public void payloadStreamDb(int db) {
    if (db >= 0 && db < node.databases()) loadedStreamDb = db;
  }

  private final io.redisha.resp.RequestParser.Sink streamSink = new io.redisha.resp.RequestParser.Sink() {
    @Override
    public void onCommand(byte[][] argv) {
      if (master == null) return;
      if (argv.length >= 2 && Args.is(argv[0], "replconf") && Args.is(argv[1], "getack")) {
        master.lastCommand = "replconf";
        sendAck();
      } else {
        applying = true;
        try {
          master.replay(argv);
        } finally {
          applying = false;
        }
      }
      // Our own replicas get the master's stream as it came, so offsets agree along a chain.
      appendStream(argv);
    }

    @Override
    public void onProtocolError(String message) {
      node.log.warning("Protocol error in the master's stream: " + message);
      dropLink();
    }
  };

  private void sendAck() {
    if (link != null && (state == State.CONNECTED)) send("REPLCONF", "ACK", Long.toString(offset));
  }

  /** Once a second, from the node's cron. */
  void tick() {
    masterTick();
    if (masterHost == null) return;
    long now = node.clock.nowMs();
    long timeoutMs = node.config.getInt("repl-timeout") * 1000L;
    switch (state) {
      case CONNECT -> connect();
      case CONNECTED -> {
        if (now - lastIoMs > timeoutMs) {
          node.log.warning("MASTER timeout: no data nor PING received...");
          dropLink();
        } else {
          sendAck();
        }
      }
      default -> {
        // The link is paused while the payload loads; its silence then is ours.
        if (linkPaused) lastIoMs = now;
        if (now - lastIoMs > timeoutMs) {
          node.log.warning("Timeout connecting to the MASTER...");
          dropLink();
        }
      }
    }
  }

  // ================================================================ master side

  /**
   * One replica connected to this node: a normal client connection that sent PSYNC;
   * from then on it only receives the stream and sends REPLCONF ACK.
   */
  public static final class ReplicaConn {
    final Client client;
    int listeningPort;
    String announcedIp;
    long ackOffset;
    long ackMs;
    /** While its payload is being made: the stream since the payload's offset, sent after it. */
    Buffer waiting;
    /** Waiting for the next save to start (repl-diskless-sync-delay, or a save running): no +FULLRESYNC yet. */
    boolean waitStart;
    long waitSinceMs;
    /** Reads the EOF-marker payload (REPLCONF capa eof). */
    boolean capaEof;
    /** Came with SYNC: no +FULLRESYNC line, no ACKs, never timed out (as Redis's pre-PSYNC replicas). */
    boolean prePsync;
    /** Diskless payload bytes are flowing to it: nothing else may be written to its socket. */
    boolean inPayload;
    /** Diskless payload sent: the stream kept in {@link #waiting} goes out on its first ACK, as Redis does. */
    boolean awaitAck;
    /** Run when its socket drains or it goes: a diskless chunk waiting for it. */
    Runnable drained;
    /** Bytes handed to the socket and not yet sent, and since when over the soft limit (-1: not). */
    long outstanding;
    long overSoftSince = -1;

    ReplicaConn(Client client) {
      this.client = client;
    }

    public int listeningPort() {
      return listeningPort;
    }

    public long ackOffset() {
      return ackOffset;
    }

    public long ackMs() {
      return ackMs;
    }

    /** INFO's state: wait_bgsave while its payload is being made, then online. */
    public String state() {
      return waitStart || (waiting != null && !awaitAck) ? "wait_bgsave" : "online";
    }

    /** Has its payload and gets the stream: counts for WAIT and min-replicas. */
    boolean online() {
      return !waitStart && waiting == null;
    }

    public String ip() {
      if (announcedIp != null) return announcedIp;
      String a = client.addr;
      int colon = a.lastIndexOf(':');
      String h = colon < 0 ? a : a.substring(0, colon);
      return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }
  }

  private final java.util.List<ReplicaConn> replicas = new java.util.ArrayList<>();

  /**
   * The backlog: the last repl-backlog-size bytes of the stream, as a ring. The byte at
   * stream offset o (1-based, as Redis counts) sits at (o - 1) mod size. Created when
   * the first replica asks for a sync (or when this node syncs from its master), as in
   * Redis; until then the offset does not move.
   */
  private byte[] backlog;
  /** Stream offset at which the backlog was created: it holds bytes after it. */
  private long backlogBase;
  /** The database the stream has selected last, -1 to force a SELECT. */
  private int streamDb = -1;
  private long lastPingMs;
  long syncFull, syncPartialOk, syncPartialErr;

  private final Propagation.Sink backlogSink = (db, argv) -> {
    // A replica forwards its master's bytes as they are (see onCommand), not its own re-encoding.
    if (masterHost != null || backlog == null) return;
    if (db != streamDb) {
      appendStream(new byte[][] {SELECT, Long.toString(db).getBytes(StandardCharsets.US_ASCII)});
      streamDb = db;
    }
    appendStream(argv);
  };

  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

  private void createBacklog() {
    int size = (int) Math.min(Integer.MAX_VALUE - 8, node.config.getLong("repl-backlog-size"));
    backlog = new byte[size];
    backlogBase = offset;
    node.propagation.addSink(backlogSink);
  }

  /** Bytes of the stream held: repl_backlog_histlen. */
  public long backlogHistlen() {
    return backlog == null ? 0 : Math.min(backlog.length, offset - backlogBase);
  }

  public long backlogFirstByte() {
    return backlog == null ? 0 : offset - backlogHistlen() + 1;
  }

  public boolean backlogActive() {
    return backlog != null;
  }

  /**
   * The stream since the last flush to the replicas, encoded in place: commands are
   * written here once and copied to the backlog and, once per event-loop turn, into one
   * pooled buffer per replica. Nothing is allocated per command, which keeps the young
   * collections (the pauses a replica's reader sees as replication lag) rare.
   */
  private byte[] stage = new byte[STAGE_SIZE];
  private int staged;
  private boolean flushQueued;
  private static final int STAGE_SIZE = 16 * 1024;

  /** Appends one command, in canonical multibulk form: to the backlog, to every replica, to the offset. */
  private void appendStream(byte[][] argv) {
    if (backlog == null) return;
    int n = encodedLength(argv);
    if (stage.length - staged < n) stage = Arrays.copyOf(stage, Math.max(stage.length * 2, staged + n));
    encode(argv, stage, staged);
    toBacklog(stage, staged, n);
    if (replicas.isEmpty()) return;
    staged += n;
    // Batched per event-loop turn: a burst of commands costs one write per replica, not one each.
    if (!flushQueued) {
      flushQueued = true;
      node.vertx().runOnContext(v -> flushStream());
    }
  }

  private void toBacklog(byte[] b, int off, int len) {
    int size = backlog.length;
    int from = 0;
    if (len > size) from = len - size;
    long o = offset + from; // bytes before this chunk's kept part
    int pos = (int) (o % size);
    int n = len - from;
    int first = Math.min(n, size - pos);
    System.arraycopy(b, off + from, backlog, pos, first);
    if (n > first) System.arraycopy(b, off + from + first, backlog, 0, n - first);
    offset += len;
  }

  /** Sends what the stream gained since the last flush to every replica. */
  private void flushStream() {
    flushQueued = false;
    int len = staged;
    staged = 0;
    if (len > 0) {
      for (ReplicaConn r : new java.util.ArrayList<>(replicas)) {
        if (r.waitStart) continue; // its payload's offset is not chosen yet
        if (r.waiting != null) {
          r.waiting.appendBytes(stage, 0, len);
          enforceOutputLimit(r, r.waiting.length());
        } else {
          ByteBuf bb = ByteBufAllocator.DEFAULT.directBuffer(len, len);
          bb.writeBytes(stage, 0, len);
          r.outstanding += len;
          Sockets.write(r.client.socket(), BufferInternal.buffer(bb)).onComplete(ar -> r.outstanding -= len);
          enforceOutputLimit(r, r.outstanding);
        }
      }
    }
    // A burst (a large MSET, say) grew it: give the memory back.
    if (stage.length > 64 * STAGE_SIZE) stage = new byte[STAGE_SIZE];
  }

  /**
   * client-output-buffer-limit's replica class (Redis's defaults: 256 MB hard, 64 MB for
   * 60 s soft): a replica that does not keep up is dropped rather than let the master's
   * memory grow without bound; it reconnects and resyncs.
   */
  private void enforceOutputLimit(ReplicaConn r, long pending) {
    long[] limits = replicaOutputLimits();
    long hard = limits[0], soft = limits[1], softSeconds = limits[2];
    long now = node.clock.nowMs();
    boolean over;
    if (hard > 0 && pending > hard) {
      over = true;
    } else if (soft > 0 && pending > soft) {
      if (r.overSoftSince < 0) r.overSoftSince = now;
      over = now - r.overSoftSince > softSeconds * 1000;
    } else {
      r.overSoftSince = -1;
      over = false;
    }
    if (over) {
      node.stats.clientOutputLimitDisconnections++;
      node.log.warning("Client id=" + r.client.id + " addr=" + r.client.addr
          + " scheduled to be closed ASAP for overcoming of output buffer limits.");
      r.client.close();
    }
  }

  private String limitSpec;
  private long[] limits;

  /** The replica class of client-output-buffer-limit (hard, soft bytes, soft seconds), parsed when it changes. */
  private long[] replicaOutputLimits() {
    String spec = node.config.getString("client-output-buffer-limit");
    if (!spec.equals(limitSpec)) {
      long[] l = {256L << 20, 64L << 20, 60};
      String[] w = spec.split(" ");
      for (int i = 0; i + 3 < w.length; i += 4) {
        if (w[i].equals("slave") || w[i].equals("replica")) {
          l[0] = Long.parseLong(w[i + 1]);
          l[1] = Long.parseLong(w[i + 2]);
          l[2] = Long.parseLong(w[i + 3]);
        }
      }
      limits = l;
      limitSpec = spec;
    }
    return limits;
  }

  /** The backlog's bytes from stream offset {@code from} (1-based) to the end. */
  private byte[] backlogFrom(long from) {
    int size = backlog.length;
    int n = (int) (offset - from + 1);
    byte[] out = new byte[n];
    int pos = (int) ((from - 1) % size);
    int first = Math.min(n, size - pos);
    System.arraycopy(backlog, pos, out, 0, first);
    if (n > first) System.arraycopy(backlog, 0, out, first, n - first);
    return out;
  }

  public long syncFull() {
    return syncFull;
  }

  public long syncPartialOk() {
    return syncPartialOk;
  }

  public long syncPartialErr() {
    return syncPartialErr;
  }

  /**
   * The payload's repl-stream-db: on a replica, the database its master's stream has
   * selected, since its own replicas get that stream as it is; a master re-sends SELECT.
   */
  public int payloadStreamDb() {
    return masterHost != null && master != null ? master.db.id : 0;
  }

  public java.util.List<ReplicaConn> replicas() {
    return replicas;
  }

  public boolean isReplicaClient(Client c) {
    return c.replicaConn != null;
  }

  /** A replica's connection closed. */
  void replicaGone(Client c) {
    if (c.replicaConn == null) return;
    replicas.remove(c.replicaConn);
    disklessTargetGone(c.replicaConn);
    node.log.notice("Connection with replica " + c.replicaConn.ip() + ":" + c.replicaConn.listeningPort + " lost.");
  }

  /** Drops every replica connection: they reconnect and PSYNC, learning the new history. */
  private void disconnectReplicas() {
    for (ReplicaConn r : new java.util.ArrayList<>(replicas)) r.client.close();
    replicas.clear();
  }

  void registerMaster(Commands commands) {
    commands.register("replconf", this::replconf);
    commands.register("psync", this::psync);
    commands.register("sync", this::sync);
    commands.register("failover", this::failover);
    commands.register("wait", this::waitCommand);
  }

  private void replconf(Client c, byte[][] argv) {
    if (argv.length % 2 == 0) {
      c.error(Args.SYNTAX);
      return;
    }
    for (int i = 1; i < argv.length; i += 2) {
      byte[] opt = argv[i];
      String val = Args.str(argv[i + 1]);
      if (Args.is(opt, "listening-port")) {
        Long p = Args.parseLong(argv[i + 1]);
        if (p == null) {
          c.error("ERR value is not an integer or out of range");
          return;
        }
        c.replicaListeningPort = p.intValue();
      } else if (Args.is(opt, "ip-address")) {
        c.replicaAnnouncedIp = val;
      } else if (Args.is(opt, "capa")) {
        if (val.equalsIgnoreCase("eof")) c.replicaCapaEof = true;
      } else if (Args.is(opt, "rdb-only") || Args.is(opt, "rdb-filter-only")) {
        // accepted and ignored: every sync here is a full one with the stream after it
      } else if (Args.is(opt, "ack")) {
        // An ACK gets no reply, as in Redis.
        ReplicaConn r = c.replicaConn;
        Long o = Args.parseLong(argv[i + 1]);
        if (r != null && o != null) {
          if (o > r.ackOffset) r.ackOffset = o;
          r.ackMs = node.clock.nowMs();
          if (failoverState == FailoverState.WAIT_FOR_SYNC) {
            // Not now: a failover disconnects this very client.
            node.vertx().runOnContext(v -> updateFailoverStatus());
          }
          if (r.awaitAck) {
            // The replica has loaded the diskless payload: now the stream kept meanwhile can follow it.
            r.awaitAck = false;
            Buffer rest = r.waiting;
            r.waiting = null;
            if (rest.length() > 0) c.socket().write(rest);
            askNewcomerForAck();
          }
          checkWaiters();
        }
        return;
      } else if (Args.is(opt, "getack")) {
        // Only meaningful from a master, whose stream the link handles itself.
        return;
      } else {
        c.error("ERR Unrecognized REPLCONF option: " + Args.str(opt));
        return;
      }
    }
    c.reply().ok();
  }

  private void psync(Client c, byte[][] argv) {
    syncCommand(c, argv, true);
  }

  /** SYNC, the pre-PSYNC form old tools use: a full sync without the +FULLRESYNC line. */
  private void sync(Client c, byte[][] argv) {
    syncCommand(c, argv, false);
  }

  private void syncCommand(Client c, byte[][] argv, boolean psync) {
    if (c.replicaConn != null) return;
    if (psync && argv.length > 3 && Args.is(argv[3], "failover")) {
      if (masterHost == null) {
        c.error("ERR PSYNC FAILOVER can't be sent to a master.");
        return;
      }
      if (!Args.str(argv[1]).equals(node.replid)) {
        c.error("ERR PSYNC FAILOVER replid must match my replid.");
        return;
      }
      unsetMaster();
      node.log.notice("MASTER MODE enabled (failover request from 'id=" + c.id + " addr=" + c.addr + "')");
    }
    if (failoverState != FailoverState.NONE) {
      c.error("NOMASTERLINK Can't SYNC while failing over");
      return;
    }
    if (masterHost != null && state != State.CONNECTED) {
      c.error("NOMASTERLINK Can't SYNC while not connected with my master");
      return;
    }
    if (c.inMulti() || c.inExec) {
      c.error("ERR Replica can't interact with the keyspace");
      return;
    }
    // The replicas online so far get what is pending before the new one joins the list.
    flushStream();
    ReplicaConn r = new ReplicaConn(c);
    r.listeningPort = c.replicaListeningPort;
    r.announcedIp = c.replicaAnnouncedIp;
    r.capaEof = c.replicaCapaEof;
    r.prePsync = !psync;
    r.ackMs = node.clock.nowMs();
    if (psync) {
      String replid = Args.str(argv[1]);
      Long from = Args.parseLong(argv[2]);
      boolean known = replid.equals(node.replid) || (replid.equals(node.replid2) && from != null && from <= secondOffset);
      if (known && backlog != null && from != null && from >= backlogFirstByte() && from <= offset + 1) {
        syncPartialOk++;
        c.reply().simple("CONTINUE " + node.replid);
        c.flush();
        byte[] missing = backlogFrom(from);
        if (missing.length > 0) c.socket().write(Buffer.buffer(missing));
        c.replicaConn = r;
        replicas.add(r);
        node.log.notice("Partial resynchronization request from " + c.addr + " accepted. Sending "
            + missing.length + " bytes of backlog starting from offset " + from + ".");
        askNewcomerForAck();
        return;
      }
      if (!replid.equals("?")) {
        syncPartialErr++;
        node.log.notice("Partial resynchronization not accepted for " + c.addr + " (requested " + replid + ":" + from + ")");
      }
    }
    if (backlog == null) {
      if (masterHost == null && replicas.isEmpty()) {
        // As Redis: a master's history starts with its first replica.
        node.replid = Node.randomHex40();
        node.replid2 = "0".repeat(40);
        secondOffset = -1;
      }
      createBacklog();
    }
    syncFull++;
    c.replicaConn = r;
    replicas.add(r);
    boolean diskless = node.config.bool("repl-diskless-sync") && r.capaEof;
    if (disklessSync != null || (snapshotWaiters == null && node.persistence.snapshotRunning())) {
      // As Redis: a running save it cannot share (a socket target, or not made for replicas) is waited out.
      node.log.notice(disklessSync != null ? "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC"
          : "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
      waitForNextSave(r);
      return;
    }
    if (diskless && snapshotWaiters == null && node.config.getInt("repl-diskless-sync-delay") > 0) {
      node.log.notice("Delay next BGSAVE for diskless SYNC");
      waitForNextSave(r);
      return;
    }
    if (diskless && snapshotWaiters == null) {
      if (!startDisklessSync(java.util.List.of(r))) waitForNextSave(r);
      return;
    }
    if (!startSnapshotSync(r)) inMemorySync(r);
  }

  private void waitForNextSave(ReplicaConn r) {
    r.waitStart = true;
    r.waitSinceMs = node.clock.nowMs();
  }

  /** +FULLRESYNC, which a SYNC client does not expect. */
  private void fullResyncReply(ReplicaConn r, long at) {
    if (r.prePsync) return;
    r.client.reply().simple("FULLRESYNC " + node.replid + " " + at);
    r.client.flush();
  }

  /** The payload made at once on the event loop (blocking it, as SAVE does): when no background save can start. */
  private void inMemorySync(ReplicaConn r) {
    Client c = r.client;
    byte[] rdb;
    try {
      rdb = node.persistence.replicationPayload();
    } catch (IOException e) {
      node.log.warning("Failed producing the RDB for replica " + c.addr + ": " + e);
      c.close();
      return;
    }
    node.log.notice("Replica " + c.addr + " asks for synchronization; full resync, sending " + rdb.length
        + " bytes of RDB (made on the event loop, sent without a file)");
    fullResyncReply(r, offset);
    c.socket().write(Buffer.buffer(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    c.socket().write(Buffer.buffer(rdb));
    // The payload reflects the data set at this offset; the stream goes on from it, after a SELECT.
    streamDb = masterHost == null ? -1 : streamDb;
  }

  /**
   * The replicas waiting for a save start one once none runs and, with diskless sync, once
   * the longest waiting has waited repl-diskless-sync-delay seconds or
   * repl-diskless-sync-max-replicas of them wait (Redis's replicationStartPendingFork).
   */
  private void startPendingSyncs() {
    java.util.List<ReplicaConn> pending = new java.util.ArrayList<>();
    for (ReplicaConn r : replicas) if (r.waitStart && !r.client.isClosed()) pending.add(r);
    if (pending.isEmpty() || disklessSync != null || snapshotWaiters != null || node.persistence.snapshotRunning()) return;
    boolean diskless = node.config.bool("repl-diskless-sync");
    long now = node.clock.nowMs();
    long maxIdle = 0;
    boolean allEof = true;
    for (ReplicaConn r : pending) {
      maxIdle = Math.max(maxIdle, (now - r.waitSinceMs) / 1000);
      allEof &= r.capaEof;
    }
    int max = node.config.getInt("repl-diskless-sync-max-replicas");
    if (diskless && !(max > 0 && pending.size() >= max) && maxIdle < node.config.getInt("repl-diskless-sync-delay")) return;
    flushStream();
    if (diskless && allEof) {
      startDisklessSync(pending);
      return;
    }
    for (ReplicaConn r : pending) {
      r.waitStart = false;
      if (!startSnapshotSync(r)) inMemorySync(r);
    }
  }

  /** The full syncs waiting for the background payload now being written. */
  private java.util.List<ReplicaConn> snapshotWaiters;
  /** The stream offset the payload being made reflects. */
  private long snapshotOffset;

  /**
   * Full sync from the copy-on-write snapshot: +FULLRESYNC at the current offset now, the
   * payload from a temporary file when the background save ends, then the stream that
   * accumulated meanwhile. False when a save is already running (the caller then makes
   * the payload in memory, in one go).
   */
  private boolean startSnapshotSync(ReplicaConn r) {
    Client c = r.client;
    if (snapshotWaiters != null) {
      // Another replica's payload is being made: share it, with the stream since its offset from the backlog.
      if (snapshotOffset + 1 < backlogFirstByte()) return false;
      r.waiting = Buffer.buffer(backlogFrom(snapshotOffset + 1));
      snapshotWaiters.add(r);
      fullResyncReply(r, snapshotOffset);
      node.log.notice("Replica " + c.addr + " asks for synchronization; attached to the background save at offset " + snapshotOffset);
      return true;
    }
    java.nio.file.Path target = java.nio.file.Path.of(node.config.getString("dir"))
        .resolve("temp-repl-" + ProcessHandle.current().pid() + "-" + c.id + ".rdb");
    long at = offset;
    java.util.List<ReplicaConn> waiters = new java.util.ArrayList<>();
    if (!node.persistence.startReplicationSave(target, failure -> snapshotDone(target, failure))) return false;
    snapshotWaiters = waiters;
    snapshotOffset = at;
    waiters.add(r);
    r.waiting = Buffer.buffer();
    fullResyncReply(r, at);
    // The stream after the payload starts with a SELECT (a replica's upstream stream is proxied as is).
    if (masterHost == null) streamDb = -1;
    node.log.notice("Replica " + c.addr + " asks for synchronization; full resync from a background save at offset " + at);
    return true;
  }

  private void snapshotDone(java.nio.file.Path target, Throwable failure) {
    java.util.List<ReplicaConn> waiters = snapshotWaiters;
    snapshotWaiters = null;
    if (failure != null) {
      node.log.warning("Background save for the replicas failed: " + failure);
      for (ReplicaConn r : waiters) r.client.close();
      return;
    }
    node.vertx().fileSystem().readFile(target.toString()).onComplete(ar -> {
      node.vertx().fileSystem().delete(target.toString());
      for (ReplicaConn r : waiters) {
        if (r.client.isClosed()) continue;
        if (ar.failed()) {
          node.log.warning("Reading the payload for the replicas failed: " + ar.cause());
          r.client.close();
          continue;
        }
        Buffer payload = ar.result();
        r.client.socket().write(Buffer.buffer(("$" + payload.length() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        r.client.socket().write(payload);
        Buffer rest = r.waiting;
        r.waiting = null;
        if (rest.length() > 0) r.client.socket().write(rest);
        askNewcomerForAck();
        r.ackMs = node.clock.nowMs();
        node.log.notice("Synchronization with replica " + r.ip() + ":" + r.listeningPort + " succeeded");
      }
      startPendingSyncs();
    });
  }

  // ---------------------------------------------------------------- diskless full sync

  /** The diskless payload now flowing, null when none. */
  private DisklessSync disklessSync;

  /**
   * repl-diskless-sync: +FULLRESYNC and {@code $EOF:<mark>} now, then the snapshot's writer
   * thread produces the RDB and {@link DisklessSync} hands it to these replicas' sockets,
   * then the mark. False when a save could not start.
   */
  private boolean startDisklessSync(java.util.List<ReplicaConn> targets) {
    long at = offset;
    DisklessSync d = new DisklessSync(targets, Node.randomHex40().getBytes(StandardCharsets.US_ASCII),
        io.vertx.core.Vertx.currentContext());
    if (!node.persistence.startReplicationStream(d, failure -> disklessDone(d, failure))) return false;
    disklessSync = d;
    Buffer head = Buffer.buffer("$EOF:").appendBytes(d.mark).appendString("\r\n");
    for (ReplicaConn r : targets) {
      r.waitStart = false;
      r.waiting = Buffer.buffer();
      r.inPayload = true;
      fullResyncReply(r, at);
      r.client.socket().write(head);
      Client c = r.client;
      // Kept after the transfer too: it only adds a check of a field that is then null.
      c.socket.drainHandler(v -> {
        c.resumeInput();
        Runnable w = r.drained;
        r.drained = null;
        if (w != null) w.run();
      });
      node.log.notice("Replica " + r.ip() + ":" + r.listeningPort + " asks for synchronization; diskless full resync at offset " + at);
    }
    // The stream after the payload starts with a SELECT (a replica's upstream stream is proxied as is).
    if (masterHost == null) streamDb = -1;
    return true;
  }

  private void disklessDone(DisklessSync d, Throwable failure) {
    if (disklessSync == d) disklessSync = null;
    // An aborted save may leave its writer waiting for a credit: let it see the end.
    if (failure != null) d.cancelled = true;
    long now = node.clock.nowMs();
    for (ReplicaConn r : d.targets) {
      r.inPayload = false;
      Runnable w = r.drained;
      r.drained = null;
      if (w != null) w.run();
      if (r.client.isClosed()) continue;
      if (failure != null) {
        node.log.warning("SYNC failed. BGSAVE for the replicas' sockets returned an error: " + failure.getMessage());
        r.client.close();
        continue;
      }
      r.client.socket().write(Buffer.buffer(d.mark));
      r.awaitAck = true;
      r.ackMs = now;
      node.log.notice("Streamed RDB transfer with replica " + r.ip() + ":" + r.listeningPort
          + " succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming");
    }
    startPendingSyncs();
  }

  /** A target of the diskless payload went: it no longer holds a chunk back; the last one going stops the save. */
  private void disklessTargetGone(ReplicaConn r) {
    Runnable w = r.drained;
    r.drained = null;
    if (w != null) w.run();
    DisklessSync d = disklessSync;
    if (d == null || !d.targets.contains(r)) return;
    for (ReplicaConn t : d.targets) if (!t.client.isClosed() && t != r) return;
    node.log.warning("Diskless rdb transfer, last replica dropped, killing fork child.");
    d.cancelled = true;
  }

  /**
   * The bridge from the snapshot's writer thread to the replicas' sockets. The writer calls
   * {@link #write} with each buffer the RDB writer fills; a chunk goes to the event loop and
   * is written to every target there. At most {@link #CHUNKS_IN_FLIGHT} chunks are out at
   * once: a credit comes back when every socket took its chunk without its write queue
   * filling, or else when the full ones drain. So the slowest replica sets the pace, and the
   * snapshot's walk (whose queue then fills) waits with it instead of buffering the data set.
   */
  private final class DisklessSync extends java.io.OutputStream {
    static final int CHUNKS_IN_FLIGHT = 16;
    final java.util.List<ReplicaConn> targets;
    final byte[] mark;
    final io.vertx.core.Context context;
    final java.util.concurrent.Semaphore credits = new java.util.concurrent.Semaphore(CHUNKS_IN_FLIGHT);
    volatile boolean cancelled;

    DisklessSync(java.util.List<ReplicaConn> targets, byte[] mark, io.vertx.core.Context context) {
      this.targets = java.util.List.copyOf(targets);
      this.mark = mark;
      this.context = context;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    /** Writer thread: may wait for a credit, never holds the event loop. */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) return;
      Buffer chunk = Buffer.buffer(Arrays.copyOfRange(b, off, off + len));
      try {
        while (!credits.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          if (cancelled) throw new IOException("no replica left to send the payload to");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("payload transfer interrupted");
      }
      if (cancelled) throw new IOException("no replica left to send the payload to");
      context.runOnContext(v -> deliver(chunk));
    }

    /** Event loop. */
    private void deliver(Buffer chunk) {
      int[] full = {0};
      Runnable drained = () -> {
        if (--full[0] == 0) credits.release();
      };
      for (ReplicaConn r : targets) {
        if (r.client.isClosed()) continue;
        NetSocket s = r.client.socket();
        s.write(chunk);
        if (s.writeQueueFull()) {
          full[0]++;
          Runnable before = r.drained;
          r.drained = before == null ? drained : () -> {
            before.run();
            drained.run();
          };
        }
      }
      if (full[0] == 0) credits.release();
    }
  }

  // ---------------------------------------------------------------- FAILOVER

  /** FAILOVER's deadline (ms, 0: none), FORCE, and the target (null: the first replica caught up). */
  private long failoverEndMs;
  private boolean failoverForce;
  private String failoverHost;
  private int failoverPort;
  /** While a failover runs, its progress is checked every 100 ms, as Redis runs its replication cron then. */
  private long failoverTimer = -1;

  /**
   * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], as Redis 7.0: writes are held,
   * and once a replica (the target, or any) has acknowledged our whole stream this node
   * becomes its replica and asks it with PSYNC ... FAILOVER to take over as master.
   */
  private void failover(Client c, byte[][] argv) {
    if (argv.length == 2 && Args.is(argv[1], "abort")) {
      if (failoverState == FailoverState.NONE) {
        c.error("ERR No failover in progress.");
        return;
      }
      abortFailover("Failover manually aborted");
      c.reply().ok();
      return;
    }
    long timeoutMs = 0;
    boolean force = false;
    String host = null;
    long port = 0;
    for (int j = 1; j < argv.length; j++) {
      if (Args.is(argv[j], "timeout") && j + 1 < argv.length && timeoutMs == 0) {
        Long t = Args.parseLong(argv[j + 1]);
        if (t == null) {
          c.error("ERR value is not an integer or out of range");
          return;
        }
        if (t <= 0) {
          c.error("ERR FAILOVER timeout must be greater than 0");
          return;
        }
        timeoutMs = t;
        j++;
      } else if (Args.is(argv[j], "to") && j + 2 < argv.length && host == null) {
        Long p = Args.parseLong(argv[j + 2]);
        if (p == null) {
          c.error("ERR value is not an integer or out of range");
          return;
        }
        host = Args.str(argv[j + 1]);
        port = p;
        j += 2;
      } else if (Args.is(argv[j], "force") && !force) {
        force = true;
      } else {
        c.error(Args.SYNTAX);
        return;
      }
    }
    if (failoverState != FailoverState.NONE) {
      c.error("ERR FAILOVER already in progress.");
      return;
    }
    if (masterHost != null) {
      c.error("ERR FAILOVER is not valid when server is a replica.");
      return;
    }
    if (replicas.isEmpty()) {
      c.error("ERR FAILOVER requires connected replicas.");
      return;
    }
    if (force && (timeoutMs == 0 || host == null)) {
      c.error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
      return;
    }
    if (host != null) {
      ReplicaConn r = findReplica(host, port);
      if (r == null) {
        c.error("ERR FAILOVER target HOST and PORT is not a replica.");
        return;
      }
      if (!r.online() && !r.awaitAck) {
        c.error("ERR FAILOVER target replica is not online.");
        return;
      }
      failoverHost = host;
      failoverPort = (int) port;
      node.log.notice("FAILOVER requested to " + host + ":" + port + ".");
    } else {
      node.log.notice("FAILOVER requested to any replica.");
    }
    failoverEndMs = timeoutMs > 0 ? node.clock.nowMs() + timeoutMs : 0;
    failoverForce = force;
    failoverState = FailoverState.WAIT_FOR_SYNC;
    node.pauseWritesForFailover(true);
    failoverTimer = node.vertx().setPeriodic(100, t -> failoverCron());
    c.reply().ok();
  }

  private ReplicaConn findReplica(String host, long port) {
    for (ReplicaConn r : replicas) if (r.ip().equalsIgnoreCase(host) && r.listeningPort == port) return r;
    return null;
  }

  private void failoverCron() {
    updateFailoverStatus();
    // The old master's handshake with its target is retried at this pace too.
    if (failoverState == FailoverState.IN_PROGRESS && state == State.CONNECT) connect();
  }

  /** WAIT_FOR_SYNC: the deadline (abort, or with FORCE go anyway), else fail over to a replica that has all our stream. */
  private void updateFailoverStatus() {
    if (failoverState != FailoverState.WAIT_FOR_SYNC) return;
    if (failoverEndMs != 0 && failoverEndMs <= node.clock.nowMs()) {
      if (failoverForce) {
        node.log.notice("FAILOVER to " + failoverHost + ":" + failoverPort + " time out exceeded, failing over.");
        failoverState = FailoverState.IN_PROGRESS;
        setMaster(failoverHost, failoverPort);
      } else {
        abortFailover("Replica never caught up before timeout");
      }
      return;
    }
    ReplicaConn target = null;
    if (failoverHost != null) {
      target = findReplica(failoverHost, failoverPort);
    } else {
      for (ReplicaConn r : replicas) {
        if (r.ackOffset == offset) {
          failoverHost = r.ip();
          failoverPort = r.listeningPort;
          target = r;
          break;
        }
      }
    }
    if (target != null && target.ackOffset == offset) {
      failoverState = FailoverState.IN_PROGRESS;
      node.log.notice("Failover target " + failoverHost + ":" + failoverPort + " is synced, failing over.");
      setMaster(failoverHost, failoverPort);
    }
  }

  private void clearFailoverState() {
    failoverEndMs = 0;
    failoverForce = false;
    failoverHost = null;
    failoverPort = 0;
    failoverState = FailoverState.NONE;
    if (failoverTimer >= 0) node.vertx().cancelTimer(failoverTimer);
    failoverTimer = -1;
    node.pauseWritesForFailover(false);
  }

  private void abortFailover(String why) {
    if (failoverState == FailoverState.NONE) return;
    node.log.notice(failoverHost != null ? "FAILOVER to " + failoverHost + ":" + failoverPort + " aborted: " + why
        : "FAILOVER to any replica aborted: " + why);
    if (failoverState == FailoverState.IN_PROGRESS) unsetMaster();
    clearFailoverState();
  }

  // ---------------------------------------------------------------- WAIT

  private record Waiter(Client client, Blocking.Request request, long target, long wanted) {}

  private final java.util.List<Waiter> waiters = new java.util.ArrayList<>();

  private int acked(long target) {
    int n = 0;
    for (ReplicaConn r : replicas) if (r.online() && r.ackOffset >= target) n++;
    return n;
  }

  private void waitCommand(Client c, byte[][] argv) {
    if (masterHost != null) {
      c.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is "
          + "configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
      return;
    }
    Long wanted = Args.parseLong(argv[1]);
    Long timeout = Args.parseLong(argv[2]);
    if (wanted == null || timeout == null) {
      c.error("ERR value is not an integer or out of range");
      return;
    }
    if (timeout < 0) {
      c.error("ERR timeout is negative");
      return;
    }
    long target = offset;
    int now = acked(target);
    if (now >= wanted || c.inExec) {
      c.reply().integer(now);
      return;
    }
    node.blocking.block(c, java.util.List.of(), timeout, x -> false, () -> c.reply().integer(acked(target)));
    waiters.add(new Waiter(c, c.blocked, target, wanted));
    getAck();
  }

  private boolean getAckSent;

  /**
   * A replica just came online with the stream behind a waiting WAIT's offset (a failover:
   * the client's write reached the new master before its replicas were re-pointed). The
   * GETACK sent for that WAIT went before it arrived, so ask again rather than leave the
   * WAIT to the replica's once-a-second ACK.
   */
  private void askNewcomerForAck() {
    if (!waiters.isEmpty()) getAck();
  }

  /** Asks the replicas for an ACK now (at most once per event-loop turn). */
  private void getAck() {
    if (getAckSent || replicas.isEmpty()) return;
    getAckSent = true;
    node.vertx().runOnContext(v -> {
      getAckSent = false;
      if (masterHost == null && backlog != null) {
        // Redis sends it with the stream's current database: no SELECT needed.
        appendStream(new byte[][] {"REPLCONF".getBytes(), "GETACK".getBytes(), "*".getBytes()});
      }
    });
  }

  private void checkWaiters() {
    if (waiters.isEmpty()) return;
    for (Waiter w : new java.util.ArrayList<>(waiters)) {
      if (w.client.blocked != w.request || w.client.isClosed()) {
        waiters.remove(w);
        continue;
      }
      int n = acked(w.target);
      if (n >= w.wanted) {
        waiters.remove(w);
        node.blocking.unblock(w.client);
        w.client.reply().integer(n);
        w.client.flush();
        w.client.resumePending();
      }
    }
  }

  // ---------------------------------------------------------------- min-replicas-to-write

  public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

  /** Replicas whose last ACK is at most min-replicas-max-lag seconds old. */
  public int goodReplicas() {
    long maxLag = node.config.getLong("min-replicas-max-lag") * 1000;
    long now = node.clock.nowMs();
    int n = 0;
    for (ReplicaConn r : replicas) if (r.online() && now - r.ackMs <= maxLag) n++;
    return n;
  }

  boolean refusesForTooFewReplicas(Client c, CommandSpec spec) {
    if (masterHost != null || c.isMaster) return false;
    int min = node.config.getInt("min-replicas-to-write");
    if (min <= 0 || node.config.getLong("min-replicas-max-lag") <= 0) return false;
    boolean write = spec.isWrite() || (spec.name().equals("exec") && c.queueWrites());
    return write && goodReplicas() < min;
  }

  /** Since when a master's backlog has had no replica (repl-backlog-ttl), 0 while it has some. */
  private long noReplicasSinceMs;

  /** The master's part of the second tick: PINGs in the stream keep the replicas' links alive. */
  void masterTick() {
    long now = node.clock.nowMs();
    if (masterHost == null && backlog != null) {
      if (!replicas.isEmpty()) {
        noReplicasSinceMs = 0;
      } else if (noReplicasSinceMs == 0) {
        noReplicasSinceMs = now;
      } else {
        long ttl = node.config.getLong("repl-backlog-ttl");
        if (ttl > 0 && now - noReplicasSinceMs > ttl * 1000) {
          // As Redis: the history is dropped with the backlog, so a new ID starts.
          node.replid = Node.randomHex40();
          node.replid2 = "0".repeat(40);
          secondOffset = -1;
          node.propagation.removeSink(backlogSink);
          backlog = null;
          noReplicasSinceMs = 0;
          node.log.notice("Replication backlog freed after " + ttl + " seconds without connected replicas.");
        }
      }
    }
    // As Redis: PINGs every period counted from the start (not at once for a first replica), and
    // none while a FAILOVER with a timeout holds the writes, so the replicas' offsets can match ours.
    if (lastPingMs == 0) lastPingMs = now;
    boolean failoverHolds = failoverState != FailoverState.NONE && failoverEndMs != 0;
    if (masterHost == null && backlog != null && !replicas.isEmpty() && !failoverHolds
        && now - lastPingMs >= node.config.getInt("repl-ping-replica-period") * 1000L) {
      lastPingMs = now;
      appendStream(new byte[][] {"PING".getBytes(StandardCharsets.US_ASCII)});
    }
    long timeoutMs = node.config.getInt("repl-timeout") * 1000L;
    startPendingSyncs();
    for (ReplicaConn r : new java.util.ArrayList<>(replicas)) {
      if (r.inPayload) {
        r.ackMs = now;
        continue;
      }
      if (r.waitStart || (r.waiting != null && !r.awaitAck)) {
        // As Redis: a newline a second keeps a replica waiting for its payload from timing out.
        r.client.socket().write(Buffer.buffer(new byte[] {'\n'}));
        r.ackMs = now;
        continue;
      }
      if (r.prePsync) continue; // a SYNC replica never ACKs
      if (now - r.ackMs > timeoutMs) {
        node.log.warning("Disconnecting timedout replica: " + r.ip() + ":" + r.listeningPort);
        r.client.close();
      }
    }
  }
}
