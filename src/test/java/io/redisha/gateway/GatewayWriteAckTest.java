package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;

/** write-ack-replicas 1: a write is acknowledged only once the replica has it; without the replica, a clear error. */
class GatewayWriteAckTest {

  @Test
  void acknowledgedWritesAreOnTheReplica() throws Exception {
    try (RealRedis master = RealRedis.start(new String[0])) {
      RealRedis replica = RealRedis.start(new String[0]);
      try (RespClient r = replica.client()) {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
        GatewayFailoverTest.awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            10_000, "the replica never linked");
      }
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
          "--write-ack-replicas", "1", "--write-ack-timeout-ms", "300");
          RespClient c = gw.client(); RespClient r = replica.client()) {
        for (int i = 0; i < 200; i++) {
          assertEquals("+OK", c.call("SET", "acked", Integer.toString(i)).toString());
          // Acknowledged means already on the replica, read directly from it.
          assertEquals("\"" + i + "\"", r.call("GET", "acked").toString());
        }
        // Pipelined writes and reads keep their order and replies.
        for (int i = 0; i < 100; i++) {
          c.send("INCR", "n");
          c.send("GET", "n");
        }
        for (int i = 1; i <= 100; i++) {
          assertEquals(":" + i, c.read().toString());
          assertEquals("\"" + i + "\"", c.read().toString());
        }
        assertTrue(c.call("LPUSH", "acked", "x").toString().startsWith("-WRONGTYPE"), "errors pass through");
        replica.close();
        Reply rep = c.call("SET", "acked", "lonely");
        assertTrue(rep.toString().startsWith("-NOREPLICAS gateway: the write was applied on the master but only 0 of 1"),
            rep.toString());
      } finally {
        replica.close();
      }
    }
  }
}
