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
      RealRedis replica = linkedReplica(master);
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

  /** Inside MULTI/EXEC the EXEC's reply waits for the replicas; a transaction they do not confirm gets NOREPLICAS. */
  @Test
  void transactionsAreAcknowledgedOnlyOnceTheReplicaHasThem() throws Exception {
    try (RealRedis master = RealRedis.start(new String[0])) {
      RealRedis replica = linkedReplica(master);
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
          "--write-ack-replicas", "1", "--write-ack-timeout-ms", "300");
          RespClient c = gw.client(); RespClient other = gw.client(); RespClient r = replica.client()) {
        for (int i = 0; i < 100; i++) {
          assertEquals("+OK", c.call("MULTI").toString());
          assertEquals("+QUEUED", c.call("SET", "tx", Integer.toString(i)).toString());
          assertEquals("+QUEUED", c.call("INCR", "txn").toString());
          assertEquals("*[+OK, :" + (i + 1) + "]", c.call("EXEC").toString());
          assertEquals("\"" + i + "\"", r.call("GET", "tx").toString(), "EXEC acknowledged before the replica had it");
        }
        // Two transactions in one pipeline: the WAIT after the first EXEC must not be queued in the second.
        for (int k = 0; k < 2; k++) {
          c.send("MULTI");
          c.send("INCR", "pipe");
          c.send("EXEC");
        }
        for (int k = 1; k <= 2; k++) {
          assertEquals("+OK", c.read().toString());
          assertEquals("+QUEUED", c.read().toString());
          assertEquals("*[:" + k + "]", c.read().toString());
        }
        // A transaction aborted by WATCH applied nothing: its nil passes through.
        assertEquals("+OK", c.call("WATCH", "w").toString());
        assertEquals("+OK", other.call("SET", "w", "changed").toString());
        assertEquals("+OK", c.call("MULTI").toString());
        assertEquals("+QUEUED", c.call("SET", "w", "mine").toString());
        assertEquals("(nil*)", c.call("EXEC").toString().replace("*-1", "(nil*)"));
        replica.close();
        assertEquals("+OK", c.call("MULTI").toString());
        assertEquals("+QUEUED", c.call("SET", "tx", "lonely").toString());
        Reply rep = c.call("EXEC");
        assertTrue(rep.toString().startsWith("-NOREPLICAS gateway: the transaction was applied on the master but only 0 of 1"),
            rep.toString());
      } finally {
        replica.close();
      }
    }
  }

  /** A real redis-server replicating from master, its link up. */
  private static RealRedis linkedReplica(RealRedis master) throws Exception {
    RealRedis replica = RealRedis.start(new String[0]);
    try (RespClient r = replica.client()) {
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
      GatewayFailoverTest.awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
          10_000, "the replica never linked");
    }
    return replica;
  }
}
