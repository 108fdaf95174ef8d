package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.resp.RespValue.Type;
import io.redisha.testing.RealRedis;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RespReader and RespFramer on what a real redis-server 7.0 sends: every RESP3 type
 * through DEBUG PROTOCOL, read from the socket in whatever chunks TCP delivers.
 */
class RespInteropTest {

  static RealRedis redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RealRedis.start("redis-server", new String[] {"--enable-debug-command", "yes"});
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
  }

  /** Sends the request and reads until {@code replies} top-level values came back. */
  static List<RespValue> exchange(String request, int replies, ByteArrayOutputStream wire) throws Exception {
    List<RespValue> out = new ArrayList<>();
    RespReader reader = new RespReader(out::add);
    try (Socket s = new Socket("127.0.0.1", redis.port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7]; // small reads, so replies arrive cut in many places
      while (out.size() < replies) {
        int n = in.read(buf);
        assertTrue(n > 0, "connection closed after " + out);
        wire.write(buf, 0, n);
        reader.handle(Buffer.buffer().appendBytes(buf, 0, n));
      }
    }
    assertTrue(reader.idle());
    return out;
  }

  static final String[] TYPES = {
      "string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push", "verbatim", "true", "false"};

  @Test
  void everyRespThreeTypeFromRedisParses() throws Exception {
    StringBuilder req = new StringBuilder("HELLO 3\r\n");
    for (String t : TYPES) req.append("DEBUG PROTOCOL ").append(t).append("\r\n");
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    // push answers with a push message and then its reply: one value more than commands
    List<RespValue> v = exchange(req.toString(), 1 + TYPES.length + 1, wire);

    RespValue hello = v.get(0);
    assertEquals(Type.MAP, hello.type());
    assertEquals(3, hello.asMap().get("proto").asLong());
    assertTrue(hello.asMap().get("version").asString().startsWith("7.0"), "redis-server 7.0");

    assertEquals(RespValue.bulk("Hello World"), v.get(1));
    assertEquals(12345, v.get(2).asLong());
    assertEquals(Type.DOUBLE, v.get(3).type());
    assertEquals(3.141, v.get(3).asDouble());
    assertEquals(Type.BIG_NUMBER, v.get(4).type());
    assertEquals("1234567999999999999999999999999999999", v.get(4).asBigInteger().toString());
    assertTrue(v.get(5).isNull());
    assertEquals(Type.ARRAY, v.get(6).type());
    assertEquals(Type.SET, v.get(7).type());
    assertEquals(3, v.get(7).size());
    assertEquals(Type.MAP, v.get(8).type());
    assertEquals(Type.BOOLEAN, v.get(8).get(1).type());
    RespValue attributed = v.get(9);
    assertEquals("Some real reply following the attribute", attributed.asString());
    assertEquals(90, attributed.attributes().asMap().get("key-popularity").get(1).asLong());
    assertEquals(Type.PUSH, v.get(10).type());
    assertEquals("server-cpu-usage", v.get(10).get(0).asString());
    assertEquals("Some real reply following the push reply", v.get(11).asString());
    assertEquals(Type.VERBATIM, v.get(12).type());
    assertEquals("This is a verbatim\nstring", v.get(12).asString());
    assertEquals(RespValue.TRUE, v.get(13));
    assertEquals(RespValue.FALSE, v.get(14));

    assertEquals(v.size(), RespFramerTest.ends(wire.toByteArray()).size(), "the framer finds the same replies");
  }

  @Test
  void respTwoDegradationsFromRedisParse() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<RespValue> v = exchange("DEBUG PROTOCOL map\r\nDEBUG PROTOCOL double\r\nDEBUG PROTOCOL null\r\n"
        + "DEBUG PROTOCOL push\r\nGET nosuchkey\r\nLRANGE nosuchkey 0 -1\r\n", 6, wire);
    assertEquals(Type.ARRAY, v.get(0).type());
    assertEquals(6, v.get(0).size());
    assertEquals(Type.BULK, v.get(1).type());
    assertEquals(3.141, v.get(1).asDouble());
    assertTrue(v.get(2).isNull());
    assertTrue(v.get(3).isError());
    assertEquals("ERR", v.get(3).errorCode());
    assertTrue(v.get(4).isNull());
    assertEquals(RespValue.EMPTY_ARRAY, v.get(5));
    assertEquals(6, RespFramerTest.ends(wire.toByteArray()).size());
  }
}
