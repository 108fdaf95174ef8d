package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Await;
import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named connections opened in pairs, one on our node and one on a redis-server, driven
 * by the same script. After each step every connection runs a barrier command and the
 * exact bytes it received before the barrier's reply (the step's reply, pushes,
 * pub/sub messages) must be the same on both servers. Client ids are aligned when a
 * pair opens, so REDIRECT ids and the replies that show them compare as bytes too.
 */
final class TrackingScript implements AutoCloseable {

  /** A connection that keeps what it receives as raw RESP frames. */
  static final class Wire implements AutoCloseable {
    final String name;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** A RESP2 subscriber may only PING, so its barrier is PING rather than CLIENT GETNAME. */
    boolean resp2Subscriber;
    long id;

    Wire(int port, String name) throws IOException {
      this.name = name;
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    void send(String... args) throws IOException {
      out.write(RespClient.encode(args));
      out.flush();
    }

    /** One whole frame as its bytes (ISO-8859-1), an aggregate with all its elements. */
    String frame() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      frame(b);
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A frame, or null when nothing arrives within ms. */
    String frameWithin(int ms) throws IOException {
      socket.setSoTimeout(ms);
      try {
        return frame();
      } catch (java.net.SocketTimeoutException e) {
        return null;
      } finally {
        socket.setSoTimeout(10_000);
      }
    }

    private void frame(ByteArrayOutputStream b) throws IOException {
      int t = in.read();
      if (t < 0) throw new EOFException(name + ": connection closed");
      b.write(t);
      String line = line(b);
      switch (t) {
        case '$', '=', '!' -> {
          int n = Integer.parseInt(line);
          if (n >= 0) b.write(in.readNBytes(n + 2));
        }
        case '*', '~', '>', '%', '|' -> {
          int n = Integer.parseInt(line);
          if (t == '%' || t == '|') n *= 2;
          for (int i = 0; i < n; i++) frame(b);
          if (t == '|') frame(b);
        }
        default -> { }
      }
    }

    private String line(ByteArrayOutputStream b) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) throw new EOFException(name + ": connection closed");
        b.write(c);
        if (c != '\r') sb.append((char) c);
      }
      b.write(c);
      return sb.toString();
    }

    /** Inside MULTI the barrier is queued (and runs, harmlessly, at EXEC). */
    boolean inMulti;
    /** RESET dropped the name: the barrier sets it again. */
    boolean nameless;

    String barrier() throws IOException {
      if (resp2Subscriber) {
        send("PING");
        return "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
      }
      if (inMulti) {
        send("CLIENT", "GETNAME");
        return "+QUEUED\r\n";
      }
      if (nameless) {
        nameless = false;
        send("CLIENT", "SETNAME", name);
        return "+OK\r\n";
      }
      send("CLIENT", "GETNAME");
      return "$" + name.length() + "\r\n" + name + "\r\n";
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  final TestNode node;
  final RealRedis redis;
  private final Map<String, Wire> ours = new LinkedHashMap<>();
  private final Map<String, Wire> theirs = new LinkedHashMap<>();

  TrackingScript(String... options) throws Exception {
    node = TestNode.start(options);
    try {
      redis = RealRedis.start(options);
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  /** Opens a connection on each server with the same client id, named {@code name} (CLIENT SETNAME). */
  TrackingScript open(String name) throws IOException {
    Wire a = new Wire(node.port(), name);
    Wire b = new Wire(redis.port, name);
    a.id = id(a);
    b.id = id(b);
    // Ids only grow: the server that is behind catches up by connections that go at once.
    while (a.id != b.id) {
      if (a.id < b.id) {
        a.close();
        a = new Wire(node.port(), name);
        a.id = id(a);
      } else {
        b.close();
        b = new Wire(redis.port, name);
        b.id = id(b);
      }
    }
    ours.put(name, a);
    theirs.put(name, b);
    a.send("CLIENT", "SETNAME", name);
    b.send("CLIENT", "SETNAME", name);
    assertEquals("+OK\r\n", a.frame());
    assertEquals("+OK\r\n", b.frame());
    return this;
  }

  private static long id(Wire w) throws IOException {
    w.send("CLIENT", "ID");
    return Long.parseLong(w.frame().substring(1).trim());
  }

  /** The client id of a connection, the same on both servers. */
  String id(String name) {
    return Long.toString(ours.get(name).id);
  }

  void markResp2Subscriber(String name) {
    ours.get(name).resp2Subscriber = true;
    theirs.get(name).resp2Subscriber = true;
  }

  /** Runs cmd on one connection and insists that every connection received the same bytes on both servers. */
  Map<String, List<String>> step(String conn, String... cmd) throws IOException {
    Map<String, List<String>> a = run(ours, conn, cmd);
    Map<String, List<String>> b = run(theirs, conn, cmd);
    assertEquals(show(b), show(a), () -> conn + ": " + String.join(" ", cmd) + " (expected = redis-server, actual = ours)");
    return a;
  }

  /** Runs cmd on both without comparing (HELLO's reply names the server). */
  void setup(String conn, String... cmd) throws IOException {
    run(ours, conn, cmd);
    run(theirs, conn, cmd);
  }

  /** The frames one connection of ours received in the last step. */
  static String only(Map<String, List<String>> received, String conn) {
    return String.join("", received.get(conn));
  }

  private static Map<String, List<String>> run(Map<String, Wire> wires, String conn, String... cmd) throws IOException {
    Wire first = wires.get(conn);
    first.send(cmd);
    switch (cmd[0].toUpperCase(java.util.Locale.ROOT)) {
      case "MULTI" -> first.inMulti = true;
      case "EXEC", "DISCARD" -> first.inMulti = false;
      case "RESET" -> {
        first.inMulti = false;
        first.nameless = true;
      }
      default -> { }
    }
    // The step's own connection first: its reply (previous steps left nothing unread)
    // before the barrier is sent, so that the two are not one read and what the server
    // sends after the read (BCAST messages) lands before the barrier's reply. Once that
    // is back, every message the step caused is on its way, ahead of the other barriers.
    Map<String, List<String>> got = new LinkedHashMap<>();
    String reply = first.frame();
    List<String> own = new ArrayList<>(List.of(reply));
    own.addAll(untilBarrier(first));
    for (Wire w : wires.values()) got.put(w.name, w == first ? own : untilBarrier(w));
    return got;
  }

  private static List<String> untilBarrier(Wire w) throws IOException {
    String end = w.barrier();
    List<String> frames = new ArrayList<>();
    for (String f = w.frame(); !f.equals(end); f = w.frame()) frames.add(f);
    return frames;
  }

  private static String show(Map<String, List<String>> got) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> e : got.entrySet()) {
      sb.append(e.getKey()).append(": ");
      for (String f : e.getValue()) sb.append(f.replace("\r\n", "\\r\\n")).append(" | ");
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The INFO fields named on both servers, compared; returns ours. */
  Map<String, String> info(String conn, String... fields) throws IOException {
    Map<String, String> a = infoFields(ours.get(conn), fields);
    Map<String, String> b = infoFields(theirs.get(conn), fields);
    assertEquals(b, a, "INFO fields (expected = redis-server, actual = ours)");
    return a;
  }

  private static Map<String, String> infoFields(Wire w, String... fields) throws IOException {
    w.send("INFO", "everything");
    String text = w.frame();
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : fields) {
      Matcher m = Pattern.compile("\r\n" + Pattern.quote(f) + ":([^\r]*)\r\n").matcher(text);
      out.put(f, m.find() ? m.group(1) : null);
    }
    return out;
  }

  /** CLIENT LIST's flags= and redir= of one connection, as another sees them, compared on both servers. */
  String clientFlags(String conn, String of) throws IOException {
    String a = listFields(ours.get(conn), id(of));
    String b = listFields(theirs.get(conn), id(of));
    assertEquals(b, a, "CLIENT LIST flags of " + of + " (expected = redis-server, actual = ours)");
    return a;
  }

  private static String listFields(Wire w, String id) throws IOException {
    w.send("CLIENT", "LIST", "ID", id);
    String text = w.frame();
    Matcher f = Pattern.compile(" flags=(\\S+) ").matcher(text);
    Matcher r = Pattern.compile(" redir=(\\S+) ").matcher(text);
    return (f.find() ? f.group(1) : "?") + " redir=" + (r.find() ? r.group(1) : "?");
  }

  /** Closes a pair and waits until both servers have let the client go. */
  void close(String name) throws Exception {
    String id = id(name);
    ours.remove(name).close();
    theirs.remove(name).close();
    Wire a = ours.values().stream().filter(w -> !w.resp2Subscriber && !w.inMulti).findFirst().orElseThrow();
    Wire b = theirs.get(a.name);
    Await.until(() -> gone(a, id) && gone(b, id), "client " + name + " to be gone on both servers");
  }

  private static boolean gone(Wire w, String id) throws IOException {
    w.send("CLIENT", "LIST", "ID", id);
    String f = w.frame();
    return f.equals("$0\r\n\r\n") || f.equals("=4\r\ntxt:\r\n");
  }

  /** Both servers' connections of that name, for checks a step cannot express. */
  Wire[] wires(String name) {
    return new Wire[] {ours.get(name), theirs.get(name)};
  }

  @Override
  public void close() throws Exception {
    for (Wire w : ours.values()) w.close();
    for (Wire w : theirs.values()) w.close();
    try {
      node.close();
    } finally {
      redis.close();
    }
  }
}
