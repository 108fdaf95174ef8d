package io.redisha.launcher;

import io.redisha.resp.RespReader;
import io.redisha.resp.RespValue;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code status [--sentinel host:port | --gateway host:port] [--watch]}: the topology as
 * a table, from a sentinel's view (SENTINEL MASTERS / REPLICAS / SENTINELS) or from a
 * gateway's (its INFO section, then the master's INFO replication). A plain blocking
 * client: this runs in its own short-lived process, on no event loop.
 */
final class Status {

  private Status() {}

  static int run(String[] args, PrintStream out) {
    String sentinel = null;
    String gateway = null;
    boolean watch = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sentinel" -> sentinel = i + 1 < args.length ? args[++i] : null;
        case "--gateway" -> gateway = i + 1 < args.length ? args[++i] : null;
        case "--watch" -> watch = true;
        default -> {
          System.err.println("status: unknown option '" + args[i] + "'");
          return 2;
        }
      }
    }
    if (sentinel == null && gateway == null) sentinel = "127.0.0.1:26379";
    do {
      StringBuilder sb = new StringBuilder();
      try {
        if (sentinel != null) fromSentinel(sentinel, sb);
        else fromGateway(gateway, sb);
      } catch (IOException e) {
        sb.append("status: ").append(sentinel != null ? sentinel : gateway).append(": ").append(e.getMessage()).append('\n');
        if (!watch) {
          System.err.print(sb);
          return 1;
        }
      }
      if (watch) out.print("\033[H\033[2J" + java.time.LocalTime.now().withNano(0) + "  (every 1 s; Ctrl-C to stop)\n\n");
      out.print(sb);
      out.flush();
      if (watch) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return 0;
        }
      }
    } while (watch);
    return 0;
  }

  // ---------------------------------------------------------------- views

  static void fromSentinel(String addr, StringBuilder sb) throws IOException {
    try (Conn c = new Conn(addr)) {
      RespValue masters = c.call("SENTINEL", "MASTERS");
      for (RespValue m : masters.asList()) {
        Map<String, String> mf = fields(m);
        String name = mf.get("name");
        sb.append("master ").append(name).append("  (sentinel ").append(addr).append(", config-epoch ")
            .append(mf.getOrDefault("config-epoch", "?")).append(", quorum ").append(mf.get("quorum")).append(")\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ROLE", "ADDRESS", "FLAGS", "OFFSET", "LINK", "LAST-OK-PING-MS"});
        rows.add(new String[] {"master", mf.get("ip") + ":" + mf.get("port"), mf.get("flags"), "-", "-",
            mf.getOrDefault("last-ok-ping-reply", "?")});
        for (RespValue r : c.call("SENTINEL", "REPLICAS", name).asList()) {
          Map<String, String> rf = fields(r);
          rows.add(new String[] {"replica", rf.get("ip") + ":" + rf.get("port"), rf.get("flags"),
              rf.getOrDefault("slave-repl-offset", "?"), rf.getOrDefault("master-link-status", "?"),
              rf.getOrDefault("last-ok-ping-reply", "?")});
        }
        for (RespValue s : c.call("SENTINEL", "SENTINELS", name).asList()) {
          Map<String, String> sf = fields(s);
          rows.add(new String[] {"sentinel", sf.get("ip") + ":" + sf.get("port"), sf.get("flags"), "-", "-",
              sf.getOrDefault("last-ok-ping-reply", "?")});
        }
        table(rows, sb);
        sb.append('\n');
      }
    }
  }

  static void fromGateway(String addr, StringBuilder sb) throws IOException {
    Map<String, String> gw;
    try (Conn c = new Conn(addr)) {
      gw = info(c.call("INFO", "gateway").asString());
    }
    sb.append("gateway ").append(addr).append("  state ").append(gw.getOrDefault("gateway_state", "?"))
        .append(", read-policy ").append(gw.getOrDefault("read_policy", "?")).append(", discovery ")
        .append(gw.getOrDefault("discovery", "?")).append(", failovers ").append(gw.getOrDefault("failovers", "0"))
        .append(", clients ").append(gw.getOrDefault("connected_clients", "?")).append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ROLE", "ADDRESS", "ROUTES", "OFFSET", "LAG", "LINK"});
    String master = gw.getOrDefault("master", "");
    Map<String, String> replication = Map.of();
    if (!master.isEmpty()) {
      try (Conn m = new Conn(master)) {
        replication = info(m.call("INFO", "replication").asString());
      } catch (IOException e) {
        replication = Map.of("error", e.getMessage());
      }
    }
    rows.add(new String[] {"master", master.isEmpty() ? "(none)" : master, "writes", replication.getOrDefault("master_repl_offset", "-"),
        "-", replication.containsKey("error") ? "down" : master.isEmpty() ? "-" : "up"});
    Map<String, String[]> byAddr = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : replication.entrySet()) {
      if (!e.getKey().matches("slave\\d+")) continue;
      Map<String, String> f = kv(e.getValue());
      byAddr.put(f.get("ip") + ":" + f.get("port"), new String[] {"replica", f.get("ip") + ":" + f.get("port"), "-",
          f.getOrDefault("offset", "?"), f.getOrDefault("lag", "?") + " s", f.getOrDefault("state", "?")});
    }
    for (Map.Entry<String, String> e : gw.entrySet()) {
      if (!e.getKey().matches("replica\\d+")) continue;
      Map<String, String> f = kv(e.getValue());
      String[] row = byAddr.computeIfAbsent(f.get("addr"), a -> new String[] {"replica", a, "-", "?", "?", "?"});
      row[2] = "reads";
      row[4] = row[4] + " / " + f.getOrDefault("lag_bytes", "?") + " B";
    }
    rows.addAll(byAddr.values());
    table(rows, sb);
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> fields(RespValue v) {
    Map<String, String> f = new LinkedHashMap<>();
    if (v.type() == RespValue.Type.MAP) {
      for (Map.Entry<String, RespValue> e : v.asMap().entrySet()) f.put(e.getKey(), e.getValue().asString());
    } else {
      for (int i = 0; i + 1 < v.size(); i += 2) f.put(v.get(i).asString(), v.get(i + 1).asString());
    }
    return f;
  }

  private static Map<String, String> info(String text) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) f.put(line.substring(0, colon), line.substring(colon + 1).trim());
    }
    return f;
  }

  private static Map<String, String> kv(String s) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) f.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return f;
  }

  private static void table(List<String[]> rows, StringBuilder sb) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], String.valueOf(r[i]).length());
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        String cell = String.valueOf(r[i]);
        sb.append(cell).append(" ".repeat(w[i] - cell.length() + 2));
      }
      sb.setLength(sb.length() - 2);
      sb.append('\n');
    }
  }

  /** One blocking RESP2 connection. */
  private static final class Conn implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final ArrayDeque<RespValue> replies = new ArrayDeque<>();
    private final RespReader reader = new RespReader(replies::add);

    Conn(String addr) throws IOException {
      int colon = addr.lastIndexOf(':');
      if (colon < 0) throw new IOException("expected host:port, got '" + addr + "'");
      socket.connect(new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))), 2000);
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    RespValue call(String... args) throws IOException {
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] buf = new byte[16384];
      while (replies.isEmpty()) {
        int n = in.read(buf);
        if (n < 0) throw new IOException("connection closed");
        reader.handle(Buffer.buffer().appendBytes(buf, 0, n));
      }
      RespValue v = replies.poll();
      if (v.isError()) throw new IOException(v.asString());
      return v;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
