package io.redisha.node.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SYNC, the pre-PSYNC full sync old tools use, on our master and a real one side by side on raw sockets. */
class SyncCommandTest {

  /** What an old tool sees: the sized payload without a +FULLRESYNC line, then the stream. */
  private static String syncAndStream(int port, RespClient m) throws Exception {
    m.call("SET", "before", "1");
    try (RawReplica raw = new RawReplica(port)) {
      raw.send("SYNC");
      String header = raw.line();
      assertTrue(header.matches("\\$\\d+"), "the first line after SYNC is the payload's size: " + header);
      byte[] rdb = raw.payload(header);
      assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
      Await.until(() -> Reply.str(m.call("INFO", "replication")).contains("state=online"), "the SYNC replica to be online");
      m.call("SET", "after", "2");
      m.call("LPUSH", "l", "x");
      StringBuilder stream = new StringBuilder();
      Await.until(() -> {
        stream.append(new String(raw.drain(100), StandardCharsets.ISO_8859_1));
        return stream.toString().contains("LPUSH");
      }, "the stream after the payload");
      return stream.toString();
    }
  }

  @Test
  void syncSendsPayloadThenStreamLikeRedis() throws Exception {
    String ours, real;
    try (TestNode node = TestNode.start(); RespClient m = node.client()) {
      ours = syncAndStream(node.port(), m);
      assertTrue(Reply.str(m.call("INFO", "stats")).contains("sync_full:1"));
    }
    try (RealRedis redis = RealRedis.start("redis-server", new String[0]); RespClient m = redis.client()) {
      real = syncAndStream(redis.port, m);
    }
    assertEquals(real, ours, "the stream after SYNC's payload");
    assertTrue(ours.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n"), ours);
  }

  @Test
  void syncErrorsMatchRedis() throws Exception {
    try (TestNode node = TestNode.start(); RespClient o = node.client();
        RealRedis redis = RealRedis.start("redis-server", new String[0]); RespClient r = redis.client()) {
      for (RespClient c : new RespClient[] {o, r}) c.call("MULTI");
      assertEquals(r.call("SYNC"), o.call("SYNC"));
      assertEquals(r.call("EXEC"), o.call("EXEC"));
      assertEquals(r.call("SYNC", "extra"), o.call("SYNC", "extra"));
    }
  }
}
