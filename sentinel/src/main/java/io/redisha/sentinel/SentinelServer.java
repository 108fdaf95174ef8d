package io.redisha.sentinel;

import io.redisha.resp.ReplyWriter;
import io.redisha.resp.RequestParser;
import io.redisha.resp.Sockets;
import io.redisha.util.Glob;
import io.redisha.util.Log;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sentinel's own Redis-protocol server: the SENTINEL command family, INFO, ROLE,
 * PING, AUTH, HELLO, CLIENT and pub/sub for the events. Data commands do not exist
 * here, exactly as in redis-sentinel.
 */
final class SentinelServer {

  private final Sentinel sentinel;
  private final List<NetServer> servers = new ArrayList<>();
  private final Set<Conn> conns = new LinkedHashSet<>();
  private long nextClientId = 1;
  private final long startedAt = System.currentTimeMillis();
  private long totalCommands;
  private long totalConnections;

  /** One client connection. */
  private final class Conn implements RequestParser.Sink {
    final NetSocket socket;
    final RequestParser parser = new RequestParser(this);
    final ReplyWriter out = new ReplyWriter();
    final long id = nextClientId++;
    final Set<String> channels = new LinkedHashSet<>();
    final Set<String> patterns = new LinkedHashSet<>();
    boolean authed;
    String name = "";
    boolean closing;

    Conn(NetSocket socket) {
      this.socket = socket;
      authed = sentinel.config.requirepass == null;
    }

    @Override
    public void onCommand(byte[][] args) {
      totalCommands++;
      String[] a = new String[args.length];
      for (int i = 0; i < args.length; i++) a[i] = new String(args[i], StandardCharsets.UTF_8);
      execute(this, a);
    }

    @Override
    public void onProtocolError(String message) {
      out.error("ERR " + message);
      flush();
      closing = true;
      socket.close();
    }

    void flush() {
      if (!out.isEmpty()) Sockets.write(socket, out.take());
    }

    int subscriptions() {
      return channels.size() + patterns.size();
    }
  }

  SentinelServer(Sentinel sentinel) {
    this.sentinel = sentinel;
    sentinel.setPublisher(this::publish);
  }

  int port() {
    return servers.isEmpty() ? sentinel.config.port : servers.get(0).actualPort();
  }

  Future<Void> listen() {
    List<String> hosts = sentinel.config.bind.isEmpty() ? List.of("0.0.0.0") : sentinel.config.bind;
    Future<Void> chain = Future.succeededFuture();
    for (String h : hosts) {
      chain = chain.compose(v -> {
        NetServer s = sentinel.vertx().createNetServer(new NetServerOptions().setTcpNoDelay(true))
            .connectHandler(this::accept);
        servers.add(s);
        int port = servers.size() > 1 ? servers.get(0).actualPort() : sentinel.config.port;
        return s.listen(port, h.equals("*") ? "0.0.0.0" : h).mapEmpty();
      });
    }
    return chain;
  }

  Future<Void> close() {
    for (Conn c : new ArrayList<>(conns)) c.socket.close();
    List<Future<Void>> all = new ArrayList<>();
    for (NetServer s : servers) all.add(s.close());
    return Future.all(all).mapEmpty();
  }

  private void accept(NetSocket socket) {
    Conn c = new Conn(socket);
    conns.add(c);
    totalConnections++;
    c.parser.setAuthRequired(!c.authed);
    socket.handler(buf -> {
      if (c.closing) return;
      c.parser.feed(buf);
      c.flush();
    });
    socket.closeHandler(v -> conns.remove(c));
    socket.exceptionHandler(e -> socket.close());
  }

  /** Delivers one event to the subscribers of its channel and the matching patterns. */
  private void publish(String channel, String message) {
    for (Conn c : conns) {
      if (c.channels.contains(channel)) {
        pushHeader(c, 3).bulk("message").bulk(channel).bulk(message);
      }
      for (String p : c.patterns) {
        if (Glob.match(p, channel)) pushHeader(c, 4).bulk("pmessage").bulk(p).bulk(channel).bulk(message);
      }
      c.flush();
    }
  }

  private static ReplyWriter pushHeader(Conn c, int n) {
    return c.out.protocol() == 3 ? c.out.push(n) : c.out.array(n);
  }

  // ---------------------------------------------------------------- dispatch

  private void execute(Conn c, String[] a) {
    ReplyWriter w = c.out;
    String cmd = a[0].toLowerCase(Locale.ROOT);
    if (!c.authed && !cmd.equals("auth") && !cmd.equals("hello") && !cmd.equals("quit")) {
      w.error("NOAUTH Authentication required.");
      return;
    }
    if (c.subscriptions() > 0 && c.out.protocol() == 2 && !Set.of("subscribe", "unsubscribe", "psubscribe",
        "punsubscribe", "ping", "quit", "reset").contains(cmd)) {
      w.error("ERR Can't execute '" + cmd + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return;
    }
    switch (cmd) {
      case "ping" -> ping(c, a);
      case "auth" -> auth(c, a);
      case "hello" -> hello(c, a);
      case "quit" -> {
        w.ok();
        c.flush();
        c.closing = true;
        c.socket.close();
      }
      case "client" -> client(c, a);
      case "info" -> w.verbatim(info(a.length > 1 ? a[1].toLowerCase(Locale.ROOT) : "default"));
      case "role" -> {
        w.array(2).bulk("sentinel");
        w.array(sentinel.masters.size());
        for (String n : sentinel.masters.keySet()) w.bulk(n);
      }
      case "sentinel" -> sentinelCommand(c, a);
      case "subscribe", "psubscribe" -> subscribe(c, a, cmd.equals("psubscribe"));
      case "unsubscribe", "punsubscribe" -> unsubscribe(c, a, cmd.equals("punsubscribe"));
      case "publish" -> {
        if (a.length != 3) arity(w, a[0]);
        else if (!a[1].equals(Sentinel.HELLO_CHANNEL)) {
          w.error("ERR Only HELLO messages are accepted by Sentinel instances.");
        } else {
          sentinel.onHello(a[2], Sentinel.now());
          w.integer(1);
        }
      }
      case "shutdown" -> {
        c.socket.close();
        sentinel.stop();
      }
      case "command" -> w.array(0);
      default -> unknown(w, a);
    }
  }

  private static void unknown(ReplyWriter w, String[] a) {
    StringBuilder sb = new StringBuilder("ERR unknown command '").append(trim(a[0])).append("', with args beginning with: ");
    for (int i = 1; i < a.length; i++) sb.append('\'').append(trim(a[i])).append("' ");
    w.error(sb.toString());
  }

  private static String trim(String s) {
    return s.length() > 128 ? s.substring(0, 128) : s;
  }

  private static void arity(ReplyWriter w, String cmd) {
    w.error("ERR wrong number of arguments for '" + cmd.toLowerCase(Locale.ROOT) + "' command");
  }

  private void ping(Conn c, String[] a) {
    ReplyWriter w = c.out;
    if (a.length > 2) {
      arity(w, a[0]);
    } else if (c.subscriptions() > 0 && w.protocol() == 2) {
      w.array(2).bulk("pong").bulk(a.length == 2 ? a[1] : "");
    } else if (a.length == 2) {
      w.bulk(a[1]);
    } else {
      w.simple("PONG");
    }
  }

  private boolean checkPassword(Conn c, String user, String pass) {
    String required = sentinel.config.requirepass;
    if (required != null && user.equals("default") && required.equals(pass)) {
      c.authed = true;
      c.parser.setAuthRequired(false);
      return true;
    }
    return false;
  }

  private void auth(Conn c, String[] a) {
    ReplyWriter w = c.out;
    if (a.length < 2 || a.length > 3) {
      arity(w, a[0]);
      return;
    }
    if (a.length == 2 && sentinel.config.requirepass == null) {
      w.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
      return;
    }
    String user = a.length == 3 ? a[1] : "default";
    if (checkPassword(c, user, a[a.length - 1])) w.ok();
    else w.error("WRONGPASS invalid username-password pair or user is disabled.");
  }

  private void hello(Conn c, String[] a) {
    ReplyWriter w = c.out;
    int proto = w.protocol();
    int i = 1;
    if (a.length > 1) {
      long v;
      try {
        v = Long.parseLong(a[1]);
      } catch (NumberFormatException e) {
        w.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      if (v < 2 || v > 3) {
        w.error("NOPROTO unsupported protocol version");
        return;
      }
      proto = (int) v;
      i = 2;
    }
    String setName = null;
    for (; i < a.length; i++) {
      String opt = a[i].toLowerCase(Locale.ROOT);
      if (opt.equals("auth") && i + 2 < a.length) {
        if (!checkPassword(c, a[i + 1], a[i + 2])) {
          w.error("WRONGPASS invalid username-password pair or user is disabled.");
          return;
        }
        i += 2;
      } else if (opt.equals("setname") && i + 1 < a.length) {
        setName = a[++i];
      } else {
        w.error("ERR Syntax error in HELLO option '" + a[i] + "'");
        return;
      }
    }
    if (!c.authed) {
      w.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
      return;
    }
    if (setName != null) c.name = setName;
    w.setProtocol(proto);
    w.map(7);
    w.bulk("server").bulk("redis");
    w.bulk("version").bulk("7.0.15");
    w.bulk("proto").integer(proto);
    w.bulk("id").integer(c.id);
    w.bulk("mode").bulk("sentinel");
    w.bulk("role").bulk("master");
    w.bulk("modules").array(0);
  }

  private void client(Conn c, String[] a) {
    ReplyWriter w = c.out;
    if (a.length < 2) {
      arity(w, a[0]);
      return;
    }
    switch (a[1].toLowerCase(Locale.ROOT)) {
      case "setname" -> {
        if (a.length != 3) {
          arity(w, "client|setname");
          return;
        }
        for (char ch : a[2].toCharArray()) {
          if (ch <= ' ' || ch > '~') {
            w.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
          }
        }
        c.name = a[2];
        w.ok();
      }
      case "getname" -> {
        if (c.name.isEmpty()) w.nullBulk();
        else w.bulk(c.name);
      }
      case "id" -> w.integer(c.id);
      case "info" -> w.verbatim(clientLine(c) + "\n");
      case "list" -> {
        StringBuilder sb = new StringBuilder();
        for (Conn o : conns) sb.append(clientLine(o)).append('\n');
        w.verbatim(sb.toString());
      }
      case "kill" -> {
        if (a.length == 3) {
          for (Conn o : new ArrayList<>(conns)) {
            if (addr(o).equals(a[2])) {
              o.socket.close();
              w.ok();
              return;
            }
          }
          w.error("ERR No such client");
        } else {
          w.integer(0);
        }
      }
      default -> w.error("ERR unknown subcommand '" + trim(a[1]) + "'. Try CLIENT HELP.");
    }
  }

  private static String addr(Conn c) {
    return c.socket.remoteAddress().host() + ":" + c.socket.remoteAddress().port();
  }

  private String clientLine(Conn c) {
    return "id=" + c.id + " addr=" + addr(c) + " laddr=" + c.socket.localAddress().host() + ":"
        + c.socket.localAddress().port() + " fd=0 name=" + c.name + " age=0 idle=0 flags=N db=0 sub="
        + c.channels.size() + " psub=" + c.patterns.size() + " multi=-1 cmd=client|info resp=" + c.out.protocol();
  }

  private void subscribe(Conn c, String[] a, boolean pattern) {
    if (a.length < 2) {
      arity(c.out, a[0]);
      return;
    }
    for (int i = 1; i < a.length; i++) {
      (pattern ? c.patterns : c.channels).add(a[i]);
      pushHeader(c, 3).bulk(pattern ? "psubscribe" : "subscribe").bulk(a[i]).integer(c.subscriptions());
    }
  }

  private void unsubscribe(Conn c, String[] a, boolean pattern) {
    Set<String> set = pattern ? c.patterns : c.channels;
    List<String> names = new ArrayList<>();
    if (a.length == 1) names.addAll(set);
    else for (int i = 1; i < a.length; i++) names.add(a[i]);
    String kind = pattern ? "punsubscribe" : "unsubscribe";
    if (names.isEmpty()) {
      pushHeader(c, 3).bulk(kind).nullBulk().integer(c.subscriptions());
      return;
    }
    for (String n : names) {
      set.remove(n);
      pushHeader(c, 3).bulk(kind).bulk(n).integer(c.subscriptions());
    }
  }

  // ---------------------------------------------------------------- INFO

  String info(String section) {
    boolean all = section.equals("all") || section.equals("default") || section.equals("everything");
    StringBuilder sb = new StringBuilder();
    if (all || section.equals("server")) {
      long up = (System.currentTimeMillis() - startedAt) / 1000;
      sb.append("# Server\r\nredis_version:7.0.15\r\nredis_mode:sentinel\r\nos:").append(System.getProperty("os.name"))
          .append("\r\narch_bits:64\r\nprocess_id:").append(ProcessHandle.current().pid())
          .append("\r\nrun_id:").append(sentinel.myid)
          .append("\r\ntcp_port:").append(port())
          .append("\r\nuptime_in_seconds:").append(up)
          .append("\r\nuptime_in_days:").append(up / 86400)
          .append("\r\nhz:").append(1000 / Math.max(1, sentinel.config.tickMs))
          .append("\r\nexecutable:java\r\nconfig_file:").append(sentinel.config.file).append("\r\n\r\n");
    }
    if (all || section.equals("clients")) {
      sb.append("# Clients\r\nconnected_clients:").append(conns.size()).append("\r\n\r\n");
    }
    if (all || section.equals("stats")) {
      sb.append("# Stats\r\ntotal_connections_received:").append(totalConnections)
          .append("\r\ntotal_commands_processed:").append(totalCommands).append("\r\n\r\n");
    }
    if (all || section.equals("sentinel")) {
      sb.append("# Sentinel\r\nsentinel_masters:").append(sentinel.masters.size())
          .append("\r\nsentinel_tilt:").append(sentinel.tilt ? 1 : 0)
          .append("\r\nsentinel_tilt_since_seconds:")
          .append(sentinel.tilt ? (Sentinel.now() - sentinel.tiltSince) / 1000 : -1)
          .append("\r\nsentinel_running_scripts:").append(sentinel.runningScripts)
          .append("\r\nsentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:0\r\n");
      int i = 0;
      for (Instance m : sentinel.masters.values()) {
        Instance addr = sentinel.currentMasterAddress(m);
        String status = m.flags.contains(InstanceFlag.ODOWN) ? "odown" : m.sdown() ? "sdown" : "ok";
        sb.append("master").append(i++).append(":name=").append(m.name).append(",status=").append(status)
            .append(",address=").append(addr.ip).append(':').append(addr.port)
            .append(",slaves=").append(m.replicas.size())
            .append(",sentinels=").append(m.sentinels.size() + 1).append("\r\n");
      }
      sb.append("\r\n");
    }
    String s = sb.toString();
    return s.endsWith("\r\n\r\n") ? s.substring(0, s.length() - 2) : s;
  }

  // ---------------------------------------------------------------- SENTINEL

  private Instance masterOrReply(ReplyWriter w, String name) {
    Instance m = sentinel.masters.get(name);
    if (m == null) w.error("ERR No such master with that name");
    return m;
  }

  private void sentinelCommand(Conn c, String[] a) {
    ReplyWriter w = c.out;
    if (a.length < 2) {
      arity(w, a[0]);
      return;
    }
    String sub = a[1].toLowerCase(Locale.ROOT);
    long now = Sentinel.now();
    switch (sub) {
      case "masters" -> {
        w.array(sentinel.masters.size());
        for (Instance m : sentinel.masters.values()) describe(w, m, now);
      }
      case "master" -> {
        if (a.length != 3) { arity(w, "sentinel|master"); return; }
        Instance m = masterOrReply(w, a[2]);
        if (m != null) describe(w, m, now);
      }
      case "replicas", "slaves" -> {
        if (a.length != 3) { arity(w, "sentinel|" + sub); return; }
        Instance m = masterOrReply(w, a[2]);
        if (m == null) return;
        w.array(m.replicas.size());
        for (Instance r : m.replicas.values()) describe(w, r, now);
      }
      case "sentinels" -> {
        if (a.length != 3) { arity(w, "sentinel|sentinels"); return; }
        Instance m = masterOrReply(w, a[2]);
        if (m == null) return;
        w.array(m.sentinels.size());
        for (Instance s : m.sentinels.values()) describe(w, s, now);
      }
      case "get-master-addr-by-name" -> {
        if (a.length != 3) { arity(w, "sentinel|get-master-addr-by-name"); return; }
        Instance m = sentinel.masters.get(a[2]);
        if (m == null) {
          w.nullArray();
          return;
        }
        Instance addr = sentinel.currentMasterAddress(m);
        w.array(2).bulk(addr.ip).bulk(String.valueOf(addr.port));
      }
      case "is-master-down-by-addr" -> isMasterDown(w, a);
      case "failover" -> {
        if (a.length != 3) { arity(w, "sentinel|failover"); return; }
        Instance m = masterOrReply(w, a[2]);
        if (m == null) return;
        if (m.failoverState != FailoverState.NONE) {
          w.error("INPROG Failover already in progress");
          return;
        }
        if (sentinel.bestReplica(m, now) == null) {
          w.error("NOGOODSLAVE No suitable replica to promote");
          return;
        }
        m.flags.add(InstanceFlag.FORCE_FAILOVER);
        w.ok();
      }
      case "reset" -> {
        if (a.length != 3) { arity(w, "sentinel|reset"); return; }
        w.integer(sentinel.reset(a[2]));
      }
      case "ckquorum" -> {
        if (a.length != 3) { arity(w, "sentinel|ckquorum"); return; }
        Instance m = masterOrReply(w, a[2]);
        if (m == null) return;
        int usable = 1;
        for (Instance s : m.sentinels.values()) if (!s.sdown() && !s.linkDisconnected()) usable++;
        int voters = m.sentinels.size() + 1;
        if (usable < m.quorum) {
          w.error("NOQUORUM " + usable + " usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master");
        } else if (usable < voters / 2 + 1) {
          w.error("NOQUORUM " + usable + " usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover");
        } else {
          w.simple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
        }
      }
      case "flushconfig" -> {
        if (sentinel.saveConfig()) w.ok();
        else w.error("ERR Failed to save config");
      }
      case "monitor" -> monitor(w, a);
      case "remove" -> {
        if (a.length != 3) { arity(w, "sentinel|remove"); return; }
        if (masterOrReply(w, a[2]) == null) return;
        sentinel.removeMaster(a[2]);
        w.ok();
      }
      case "set" -> set(w, a);
      case "myid" -> w.bulk(sentinel.myid);
      case "info-cache" -> infoCache(w, a, now);
      case "pending-scripts" -> w.array(0);
      default -> w.error("ERR unknown subcommand '" + trim(a[1]) + "'. Try SENTINEL HELP.");
    }
  }

  private void isMasterDown(ReplyWriter w, String[] a) {
    if (a.length != 6) {
      arity(w, "sentinel|is-master-down-by-addr");
      return;
    }
    int port;
    long epoch;
    try {
      port = Integer.parseInt(a[3]);
      epoch = Long.parseLong(a[4]);
    } catch (NumberFormatException e) {
      w.error("ERR value is not an integer or out of range");
      return;
    }
    Instance m = null;
    for (Instance x : sentinel.masters.values()) {
      if (x.ip.equals(a[2]) && x.port == port) m = x;
    }
    boolean down = !sentinel.tilt && m != null && m.sdown();
    String leader = null;
    if (m != null && !a[5].equals("*")) leader = sentinel.voteLeader(m, epoch, a[5]);
    w.array(3).integer(down ? 1 : 0).bulk(leader == null ? "*" : leader).integer(leader == null ? 0 : m.myVoteEpoch);
  }

  private void monitor(ReplyWriter w, String[] a) {
    if (a.length != 6) {
      arity(w, "sentinel|monitor");
      return;
    }
    int port;
    int quorum;
    try {
      port = Integer.parseInt(a[4]);
      quorum = Integer.parseInt(a[5]);
    } catch (NumberFormatException e) {
      w.error("ERR value is not an integer or out of range");
      return;
    }
    if (quorum <= 0) {
      w.error("ERR Quorum must be 1 or greater.");
      return;
    }
    if (port <= 0 || port > 65535) {
      w.error("ERR Invalid port number");
      return;
    }
    if (sentinel.masters.containsKey(a[2])) {
      w.error("ERR Duplicate master name.");
      return;
    }
    SentinelConfig.MasterSpec spec = new SentinelConfig.MasterSpec();
    spec.name = a[2];
    spec.ip = a[3];
    spec.port = port;
    spec.quorum = quorum;
    sentinel.addMaster(spec, Sentinel.now(), true);
    sentinel.saveConfig();
    w.ok();
  }

  private void set(ReplyWriter w, String[] a) {
    if (a.length < 5 || a.length % 2 == 0) {
      arity(w, "sentinel|set");
      return;
    }
    Instance m = masterOrReply(w, a[2]);
    if (m == null) return;
    for (int i = 3; i < a.length; i += 2) {
      String opt = a[i].toLowerCase(Locale.ROOT);
      String v = a[i + 1];
      try {
        switch (opt) {
          case "down-after-milliseconds" -> m.downAfter = positive(v);
          case "failover-timeout" -> m.failoverTimeout = positive(v);
          case "parallel-syncs" -> m.parallelSyncs = (int) positive(v);
          case "quorum" -> m.quorum = (int) positive(v);
          case "auth-pass" -> m.authPass = v.isEmpty() ? null : v;
          case "auth-user" -> m.authUser = v.isEmpty() ? null : v;
          case "notification-script", "client-reconfig-script" -> {
            if (sentinel.config.denyScriptsReconfig) {
              w.error("ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration");
              return;
            }
            if (opt.startsWith("notification")) m.notificationScript = v.isEmpty() ? null : v;
            else m.clientReconfigScript = v.isEmpty() ? null : v;
          }
          default -> {
            w.error("ERR Unknown option or number of arguments for SENTINEL SET '" + a[i] + "'");
            return;
          }
        }
      } catch (NumberFormatException e) {
        w.error("ERR Invalid argument '" + v + "' for SENTINEL SET '" + a[i] + "'");
        return;
      }
      // As redis-sentinel: the new password is neither logged nor published.
      sentinel.event(Log.Level.WARNING, "+set", m, Log.kv("option", a[i]), Log.kv("value", opt.equals("auth-pass") ? "******" : v));
    }
    sentinel.saveConfig();
    w.ok();
  }

  private static long positive(String v) {
    long x = Long.parseLong(v);
    if (x <= 0) throw new NumberFormatException(v);
    return x;
  }

  private void infoCache(ReplyWriter w, String[] a, long now) {
    List<Instance> ms = new ArrayList<>();
    if (a.length == 2) ms.addAll(sentinel.masters.values());
    else for (int i = 2; i < a.length; i++) if (sentinel.masters.containsKey(a[i])) ms.add(sentinel.masters.get(a[i]));
    w.array(ms.size() * 2);
    for (Instance m : ms) {
      w.bulk(m.name);
      w.array(1 + m.replicas.size());
      for (Instance ri : concat(m)) {
        w.array(2);
        w.integer(ri.infoRefresh == 0 ? 0 : now - ri.infoRefresh);
        if (ri.infoCache.isEmpty()) w.nullBulk();
        else w.bulk(ri.infoCache);
      }
    }
  }

  private static List<Instance> concat(Instance m) {
    List<Instance> l = new ArrayList<>();
    l.add(m);
    l.addAll(m.replicas.values());
    return l;
  }

  static String flags(Instance ri) {
    StringBuilder sb = new StringBuilder(ri.kind.redisName);
    if (ri.linkDisconnected()) sb.append(",disconnected");
    if (ri.sdown()) sb.append(",s_down");
    if (ri.flags.contains(InstanceFlag.ODOWN)) sb.append(",o_down");
    if (ri.flags.contains(InstanceFlag.MASTER_DOWN)) sb.append(",master_down");
    if (ri.flags.contains(InstanceFlag.FAILOVER_IN_PROGRESS)) sb.append(",failover_in_progress");
    if (ri.flags.contains(InstanceFlag.PROMOTED)) sb.append(",promoted");
    if (ri.flags.contains(InstanceFlag.RECONF_SENT)) sb.append(",reconf_sent");
    if (ri.flags.contains(InstanceFlag.RECONF_INPROG)) sb.append(",reconf_inprog");
    if (ri.flags.contains(InstanceFlag.RECONF_DONE)) sb.append(",reconf_done");
    if (ri.flags.contains(InstanceFlag.FORCE_FAILOVER)) sb.append(",force_failover");
    return sb.toString();
  }

  /** SENTINEL masters / replicas / sentinels entry, with Redis's field names and order. */
  private void describe(ReplyWriter w, Instance ri, long now) {
    List<String> f = new ArrayList<>();
    kv(f, "name", ri.name);
    kv(f, "ip", ri.ip);
    kv(f, "port", String.valueOf(ri.port));
    kv(f, "runid", ri.runId);
    kv(f, "flags", flags(ri));
    kv(f, "link-pending-commands", String.valueOf(ri.cmdLink == null ? 0 : ri.cmdLink.pending()));
    kv(f, "link-refcount", "1");
    kv(f, "last-ping-sent", String.valueOf(ri.actPingTime == 0 ? 0 : now - ri.actPingTime));
    kv(f, "last-ok-ping-reply", String.valueOf(now - ri.lastOkPing));
    kv(f, "last-ping-reply", String.valueOf(now - ri.lastPingReply));
    if (ri.sdown()) kv(f, "s-down-time", String.valueOf(now - ri.sdownSince));
    if (ri.flags.contains(InstanceFlag.ODOWN)) kv(f, "o-down-time", String.valueOf(now - ri.odownSince));
    Instance m = ri.master == null ? ri : ri.master;
    kv(f, "down-after-milliseconds", String.valueOf(m.downAfter));
    if (ri.kind != Kind.SENTINEL) {
      kv(f, "info-refresh", String.valueOf(ri.infoRefresh == 0 ? 0 : now - ri.infoRefresh));
      kv(f, "role-reported", ri.roleReported == Kind.MASTER ? "master" : "slave");
      kv(f, "role-reported-time", String.valueOf(now - ri.roleReportedTime));
    }
    if (ri.kind == Kind.MASTER) {
      kv(f, "config-epoch", String.valueOf(ri.configEpoch));
      kv(f, "num-slaves", String.valueOf(ri.replicas.size()));
      kv(f, "num-other-sentinels", String.valueOf(ri.sentinels.size()));
      kv(f, "quorum", String.valueOf(ri.quorum));
      kv(f, "failover-timeout", String.valueOf(ri.failoverTimeout));
      kv(f, "parallel-syncs", String.valueOf(ri.parallelSyncs));
      if (ri.failoverState != FailoverState.NONE) {
        kv(f, "failover-state", "failover_state_" + ri.failoverState.eventName.replace('-', '_'));
      }
    } else if (ri.kind == Kind.REPLICA) {
      kv(f, "master-link-down-time", String.valueOf(ri.masterLinkDownMs));
      kv(f, "master-link-status", ri.masterLinkUp ? "ok" : "err");
      kv(f, "master-host", ri.masterHost);
      kv(f, "master-port", String.valueOf(ri.masterPort));
      kv(f, "slave-priority", String.valueOf(ri.priority));
      kv(f, "slave-repl-offset", String.valueOf(ri.replOffset));
      kv(f, "replica-announced", ri.replicaAnnounced ? "1" : "0");
    } else {
      kv(f, "last-hello-message", String.valueOf(ri.lastHello == 0 ? 0 : now - ri.lastHello));
      kv(f, "voted-leader", ri.leader == null ? "?" : ri.leader);
      kv(f, "voted-leader-epoch", String.valueOf(ri.leaderEpoch));
    }
    w.map(f.size() / 2);
    for (String s : f) w.bulk(s);
  }

  private static void kv(List<String> f, String k, String v) {
    f.add(k);
    f.add(v);
  }
}
