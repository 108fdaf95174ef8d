package io.redisha.gateway;

import static io.redisha.gateway.GatewayStaticSwitchoverTest.commandCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proxy scenarios, run with a real redis-server ({@link GatewayProxyTest}) and with our node ({@link GatewayOverNodeTest}) behind the gateway. */
abstract class GatewayProxyScenarios {

  static AutoCloseable backend;
  static int backendPort;
  static TestGateway gw;

  @Test
  void setGetAndErrorsAreRedisOwn() throws Exception {
    try (RespClient c = gw.client()) {
      assertEquals("+OK", c.call("SET", "k", "v").toString());
      assertEquals("\"v\"", c.call("GET", "k").toString());
      assertEquals("+PONG", c.call("PING").toString());
      assertEquals("\"hi\"", c.call("ECHO", "hi").toString());
      assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", c.call("LPUSH", "k", "x").toString());
      assertEquals("-ERR wrong number of arguments for 'get' command", c.call("GET").toString());
      assertTrue(c.call("NOSUCH", "x").toString().startsWith("-ERR unknown command 'NOSUCH'"));
      assertTrue(c.call("MONITOR").toString().startsWith("-ERR gateway: "));
    }
  }

  @Test
  void pipelinesKeepOrder() throws Exception {
    try (RespClient c = gw.client()) {
      int n = 2000;
      for (int i = 0; i < n; i++) {
        c.send("SET", "p" + i, "v" + i);
        c.send("PING");
        c.send("GET", "p" + i);
        c.send("ECHO", "e" + i);
      }
      for (int i = 0; i < n; i++) {
        assertEquals("+OK", c.read().toString());
        assertEquals("+PONG", c.read().toString());
        assertEquals("\"v" + i + "\"", c.read().toString());
        assertEquals("\"e" + i + "\"", c.read().toString());
      }
    }
  }

  @Test
  void selectIsPerClient() throws Exception {
    try (RespClient a = gw.client(); RespClient b = gw.client()) {
      assertEquals("+OK", a.call("SELECT", "3").toString());
      assertEquals("+OK", a.call("SET", "dbk", "three").toString());
      assertEquals("(nil$)", b.call("GET", "dbk").toString());
      assertEquals("\"three\"", a.call("GET", "dbk").toString());
      assertEquals("-ERR DB index is out of range", a.call("SELECT", "99").toString());
      // The backend has 20 databases (not Redis's default 16): the gateway asked it.
      assertEquals("+OK", a.call("SELECT", "19").toString());
      assertEquals("-ERR DB index is out of range", a.call("SELECT", "20").toString());
      assertEquals("+OK", a.call("SELECT", "3").toString());
      assertEquals("-ERR value is not an integer or out of range", a.call("SELECT", "x").toString());
    }
    try (RespClient direct = new RespClient(backendPort)) {
      direct.call("SELECT", "3");
      assertEquals("\"three\"", direct.call("GET", "dbk").toString());
    }
  }

  @Test
  void multiExecAndWatchConflict() throws Exception {
    try (RespClient a = gw.client(); RespClient b = gw.client()) {
      assertEquals("+OK", a.call("MULTI").toString());
      assertEquals("+QUEUED", a.call("SET", "t", "1").toString());
      assertEquals("+QUEUED", a.call("INCR", "t").toString());
      assertEquals("*[+OK, :2]", a.call("EXEC").toString());
      assertEquals("+OK", a.call("WATCH", "t").toString());
      assertEquals("+OK", b.call("SET", "t", "changed").toString());
      a.call("MULTI");
      a.call("SET", "t", "mine");
      assertEquals("(nil*)", a.call("EXEC").toString());
      assertEquals("\"changed\"", a.call("GET", "t").toString());
      assertEquals("-ERR EXEC without MULTI", a.call("EXEC").toString());
    }
  }

  @Test
  void blockingPopIsServedByAPush() throws Exception {
    try (RespClient a = gw.client(); RespClient b = gw.client()) {
      a.send("BLPOP", "bq", "5");
      Thread.sleep(100);
      assertEquals(":1", b.call("RPUSH", "bq", "x").toString());
      assertEquals("*[\"bq\", \"x\"]", a.read().toString());
      assertEquals("*[\"bq\", \"y\"]", pushAndPop(a, b));
      assertEquals("(nil*)", a.call("BLPOP", "empty", "0.1").toString());
      assertEquals("+OK", a.call("SET", "after", "1").toString());
    }
  }

  private static String pushAndPop(RespClient a, RespClient b) throws Exception {
    b.call("RPUSH", "bq", "y");
    return a.call("BLPOP", "bq", "1").toString();
  }

  @Test
  void pubSubThroughTheGateway() throws Exception {
    try (RespClient sub = gw.client(); RespClient pub = gw.client()) {
      assertEquals("*[\"subscribe\", \"news\", :1]", sub.call("SUBSCRIBE", "news").toString());
      assertEquals(":1", pub.call("PUBLISH", "news", "hello").toString());
      assertEquals("*[\"message\", \"news\", \"hello\"]", sub.read().toString());
      assertEquals("*[\"pong\", \"\"]", sub.call("PING").toString());
    }
  }

  @Test
  void authAndHelloAreTheGatewayOwn() throws Exception {
    try (TestGateway locked = TestGateway.start("--master", "127.0.0.1", Integer.toString(backendPort),
        "--requirepass", "s3cret"); RespClient c = locked.client()) {
      assertEquals("-NOAUTH Authentication required.", c.call("GET", "k").toString());
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("AUTH", "bad").toString());
      assertEquals("+OK", c.call("AUTH", "s3cret").toString());
      assertEquals("+OK", c.call("SET", "authk", "v").toString());
      assertEquals("\"v\"", c.call("GET", "authk").toString());
      Reply hello = c.call("HELLO", "3");
      assertTrue(hello.toString().startsWith("%[\"server\", \"redis\""), hello.toString());
      assertEquals("_", c.call("GET", "missing-key").toString().substring(0, 1).replace("(", "_"));
      assertEquals("+OK", c.call("CLIENT", "SETNAME", "app1").toString());
      assertEquals("\"app1\"", c.call("CLIENT", "GETNAME").toString());
    }
  }

  @Test
  void infoHasTheGatewaySectionAndTheMasterSections() throws Exception {
    try (RespClient c = gw.client()) {
      String all = Reply.str(c.call("INFO"));
      assertTrue(all.startsWith("# Gateway\r\ngateway_state:serving\r\nmaster:127.0.0.1:" + backendPort), all);
      assertTrue(all.contains("# Server\r\nredis_version:"), all);
      String mine = Reply.str(c.call("INFO", "gateway"));
      assertTrue(mine.startsWith("# Gateway") && !mine.contains("# Server"), mine);
      String server = Reply.str(c.call("INFO", "server"));
      assertTrue(server.startsWith("# Server"), server);
      c.call("HELLO", "3");
      Reply r3 = c.call("INFO");
      assertTrue(r3 instanceof Reply.Scalar v && v.type() == '=' && v.text().contains("# Gateway\r\n"), r3.toString());
    }
  }

  @Test
  void clientSideCachingInvalidations() throws Exception {
    try (RespClient t = gw.client(); RespClient w = gw.client()) {
      t.call("HELLO", "3");
      assertEquals("+OK", t.call("CLIENT", "TRACKING", "ON").toString());
      assertEquals("+OK", w.call("SET", "cached", "1").toString());
      assertEquals("\"1\"", t.call("GET", "cached").toString());
      assertEquals("+OK", w.call("SET", "cached", "2").toString());
      assertEquals(">[\"invalidate\", *[\"cached\"]]", t.read().toString());
    }
  }

  @Test
  void aClientThatDoesNotReadIsPaused() throws Exception {
    try (RespClient slow = gw.client(); RespClient other = gw.client(); RespClient direct = new RespClient(backendPort)) {
      byte[] big = new byte[1 << 20];
      java.util.Arrays.fill(big, (byte) 'b');
      assertEquals("+OK", other.call("SET".getBytes(), "big".getBytes(), big).toString());
      long before = commandCalls(direct, "get");
      for (int i = 0; i < 200; i++) slow.send("GET", "big");
      Thread.sleep(500);
      // max-client-inflight (16 here) GETs went out, plus a few more for the replies the
      // sockets' kernel buffers took: not 200 MB of replies held in the gateway.
      long sent = commandCalls(direct, "get") - before;
      assertTrue(sent >= 16 && sent < 60, "GETs sent to the backend while the client was not reading: " + sent);
      assertEquals("+PONG", other.call("PING").toString());
      assertEquals("+OK", other.call("SET", "x", "y").toString());
      // Reading again resumes it: every reply arrives, in full.
      for (int i = 0; i < 200; i++) {
        Reply r = slow.read();
        assertTrue(r instanceof Reply.Bulk b && java.util.Arrays.equals(big, b.bytes()), "reply " + i);
      }
      assertEquals(before + 200, commandCalls(direct, "get"));
    }
  }
}
