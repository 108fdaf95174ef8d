package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests sent raw to our node and to a real redis-server 7.0: the reply
 * bytes must be identical, and so must the fate of the connection (closed or kept).
 * Each case runs on a fresh connection.
 */
class ProtocolErrorsTest {

  static final String PASSWORD = "pw";
  /** How long a connection must stay silent to count as "kept open, nothing more to say". */
  static final int QUIET_MS = 300;
  /** Longest wait for a reply or a close that should come. */
  static final int CLOSE_MS = 5000;

  static RealRedis real;
  static RealRedis realAuth;
  static TestNode ours;
  static TestNode oursAuth;

  @BeforeAll
  static void start() throws Exception {
    real = RealRedis.start(new String[0]);
    realAuth = RealRedis.start("redis-server", new String[] {"--requirepass", PASSWORD});
    ours = TestNode.start();
    oursAuth = TestNode.start("--requirepass", PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {ours, oursAuth, real, realAuth}) {
      if (c != null) c.close();
    }
  }

  /** What a server sent back to one raw request, and whether it then closed the connection. */
  record Outcome(String reply, boolean closed) {
    @Override
    public String toString() {
      return (closed ? "closed after " : "open after ") + '"' + reply.replace("\r\n", "\\r\\n") + '"';
    }
  }

  static Outcome exchange(int port, byte[] request, boolean expectClose) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      s.setSoTimeout(expectClose ? CLOSE_MS : QUIET_MS);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          return new Outcome(got.toString(StandardCharsets.ISO_8859_1), false);
        } catch (SocketException e) {
          return new Outcome(got.toString(StandardCharsets.ISO_8859_1) + "<reset>", true);
        }
        if (n < 0) return new Outcome(got.toString(StandardCharsets.ISO_8859_1), true);
        got.write(buf, 0, n);
      }
    }
  }

  static Arguments c(String name, String request, boolean closes) {
    return Arguments.of(name, request, closes);
  }

  static Stream<Arguments> withoutPassword() {
    return Stream.of(
        c("non-numeric multibulk length", "*abc\r\n", true),
        c("empty multibulk length", "*\r\n", true),
        c("minus zero multibulk length", "*-0\r\n", true),
        c("leading zero multibulk length", "*01\r\n", true),
        c("multibulk length over INT_MAX", "*2147483648\r\n", true),
        c("LF instead of CRLF after the count", "*1\n\r\n", true),
        c("non-numeric bulk length", "*1\r\n$abc\r\n", true),
        c("negative bulk length", "*1\r\n$-1\r\n", true),
        c("leading zero bulk length", "*1\r\n$04\r\n", true),
        c("bulk length over proto-max-bulk-len", "*1\r\n$536870913\r\n", true),
        c("bulk length over 64 bits", "*1\r\n$99999999999999999999\r\n", true),
        c("array where a bulk is expected", "*1\r\n*1\r\n", true),
        c("inline word where a bulk is expected", "*2\r\n$4\r\nECHO\r\nhello\r\n", true),
        c("non-ASCII byte where a bulk is expected", "*1\r\n\u00e9\r\n", true),
        c("LF where a bulk is expected", "*1\r\n\n\r\n", true),
        c("CR where a bulk is expected", "*1\r\n\r\n", true),
        c("NUL where a bulk is expected keeps waiting", "*1\r\n\0\r\n", false),
        c("unbalanced double quote", "ECHO \"abc\r\n", true),
        c("closing quote followed by a letter", "ECHO 'a'b\r\n", true),
        c("commands before the error are answered", "PING\r\nSET k v\r\nGET k\r\n*x\r\nPING\r\n", true),
        c("nothing after QUIT is parsed", "PING\r\nQUIT\r\n*abc\r\n", true),
        c("too big inline request", "x".repeat(65537), true),
        c("too big mbulk count string", "*" + "1".repeat(65536), true),
        c("too big bulk count string", "*1\r\n$" + "1".repeat(65536), true),
        c("http post", "POST / HTTP/1.1\r\nHost: x\r\n\r\n", true),
        c("http get", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", true),
        c("skipped empty and negative counts", "*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n", false),
        c("unchecked bytes after CR and after bulk data", "*1\rX$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", false),
        c("inline quoting and escapes", "ECHO \"\\x41\\x4a\\xzz\\q\\n\"\r\nECHO 'it\\'s'\r\n", false),
        c("NUL before the line end keeps waiting", "PING\0\r\n", false),
        c("exactly 64 KB without a newline keeps waiting", "x".repeat(65536), false));
  }

  static Stream<Arguments> withPassword() {
    return Stream.of(
        c("unauthenticated multibulk length", "*11\r\n", true),
        c("ten arguments are still fine", "*10\r\n", false),
        c("unauthenticated bulk length", "*1\r\n$16385\r\n", true),
        c("16384 bytes are still fine", "*1\r\n$16384\r\n", false),
        c("invalid bulk length is checked first", "*1\r\n$536870913\r\n", true),
        c("invalid multibulk length is checked first", "*2147483648\r\n", true),
        c("negative counts are skipped, then NOAUTH", "*-5\r\nPING\r\n", false),
        c("AUTH in the same read lifts the argument limit",
            "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n$4\r\nECHO\r\n" + "$1\r\nx\r\n".repeat(10), false),
        c("AUTH in the same read lifts the bulk limit",
            "AUTH pw\r\n*2\r\n$4\r\nECHO\r\n$16385\r\n" + "y".repeat(16385) + "\r\n", false),
        c("http post", "POST / HTTP/1.1\r\nHost: x\r\n\r\n", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutPassword")
  void sameRepliesAndSameCloseAsRedis(String name, String request, boolean closes) throws Exception {
    compare(real.port, ours.port(), request, closes);
  }

  @ParameterizedTest(name = "{0} (requirepass)")
  @MethodSource("withPassword")
  void sameRepliesAndSameCloseAsRedisWithRequirepass(String name, String request, boolean closes) throws Exception {
    compare(realAuth.port, oursAuth.port(), request, closes);
  }

  static void compare(int realPort, int ourPort, String request, boolean closes) throws IOException {
    byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
    Outcome expected = exchange(realPort, bytes, closes);
    Outcome actual = exchange(ourPort, bytes, closes);
    assertEquals(closes, expected.closed(), "the case's own premise about redis-server: " + expected);
    assertEquals(expected, actual);
  }

  /** Sends the bytes one TCP segment at a time, then reads until the connection is quiet. */
  static Outcome trickle(int port, byte[] request) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      for (byte b : request) {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
      }
      s.setSoTimeout(QUIET_MS);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[65536];
      try {
        for (int n; (n = s.getInputStream().read(buf)) > 0; ) got.write(buf, 0, n);
        return new Outcome(got.toString(StandardCharsets.ISO_8859_1), true);
      } catch (SocketTimeoutException e) {
        return new Outcome(got.toString(StandardCharsets.ISO_8859_1), false);
      }
    }
  }

  @Test
  void pipelineSentByteAtATimeGetsTheSameReplies() throws Exception {
    String pipeline = "*3\r\n$3\r\nSET\r\n$5\r\nk\r\nv1\r\n$0\r\n\r\nPING\r\n\r\n*0\r\n"
        + "ECHO \"a b\\x41\" 'it\\'s'\n*2\r\n$4\r\nECHO\r\n$12\r\n*1\r\n$4\r\nPING\r\nGET k\r\n*1\r\n$x\r\n";
    byte[] bytes = pipeline.getBytes(StandardCharsets.ISO_8859_1);
    Outcome expected = trickle(real.port, bytes);
    assertTrue(expected.closed(), expected.toString());
    assertEquals(expected, trickle(ours.port(), bytes));
  }

  @Test
  void bigValueSplitAcrossManyReadsRoundTrips() throws Exception {
    String value = "v".repeat(3 * 1024 * 1024 + 1);
    for (int port : new int[] {real.port, ours.port()}) {
      try (RespClient c = new RespClient(port)) {
        assertEquals("+OK", c.call("SET", "big", value).toString());
        assertEquals('"' + value + '"', c.call("GET", "big").toString(), "port " + port);
      }
    }
  }

  @Test
  void httpRequestIsClosedWithoutAnyReply() throws Exception {
    for (int port : new int[] {real.port, ours.port()}) {
      Outcome o = exchange(port, "POST / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);
      assertEquals(new Outcome("", true), o, "port " + port);
    }
  }

  @Test
  void theFailingConnectionFailsAlone() throws Exception {
    for (int port : new int[] {real.port, ours.port()}) {
      try (RespClient good = new RespClient(port)) {
        assertEquals("+OK", good.call("SET", "alone", "v").toString(), "before, port " + port);
        // The good client is mid-request while the other one breaks the protocol.
        good.sendRaw("*2\r\n$3\r\nGET\r\n$5\r\nal");
        for (String garbage : new String[] {"*x\r\n", "ECHO \"x\r\n", "*1\r\n$-5\r\n", "POST / HTTP/1.1\r\n\r\n"}) {
          Outcome bad = exchange(port, garbage.getBytes(StandardCharsets.US_ASCII), true);
          assertTrue(bad.closed(), "the bad connection is closed: " + garbage);
        }
        good.sendRaw("one\r\n");
        assertEquals("\"v\"", good.read().toString(), "after, port " + port);
        assertEquals("+PONG", good.call("PING").toString(), "still served, port " + port);
      }
    }
  }
}
