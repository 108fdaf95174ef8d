package io.redisha.gateway;

import static io.redisha.gateway.GatewayFailoverTest.awaitTrue;
import static io.redisha.gateway.GatewayRefusedWriteTest.linkReplica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.testing.Await;
import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;

/**
 * Refusals on a client's dedicated connection outside MULTI, from a master demoted by
 * hand in a static setup: the command is held and sent again to the new master on a new
 * dedicated connection. The periodic check is off (60 s): only the refusal moves the
 * gateway.
 */
class GatewayDedicatedRefusalTest {

  /**
   * Redis 7.0 answers a client blocked on a master that turns replica
   * "-UNBLOCKED force unblock from blocking operation, instance state changed" (and
   * closes its connection): nothing was popped, so the BLPOP waits on the new master.
   */
  @Test
  void aBlockedPopUnblockedByTheDemotionIsServedByTheNewMaster() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient c = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        c.setTimeout(15_000);
        c.send("BLPOP", "q", "0");
        Await.blockedClients(da, 1, "the master");
        switchOver(da, db, b);
        awaitTrue(() -> new HostPort("127.0.0.1", b.port).equals(gw.gw.topology.master), 5_000,
            "the UNBLOCKED reply did not make the gateway find the new master");
        Await.blockedClients(db, 1, "the new master");
        assertEquals(":1", db.call("RPUSH", "q", "v").toString());
        assertEquals("*[\"q\", \"v\"]", c.read().toString());
        assertTrue(gw.gw.resent >= 1, "nothing was sent again");
        assertEquals("+OK", c.call("SET", "after", "1").toString());
        assertEquals("\"1\"", db.call("GET", "after").toString());
      }
    }
  }

  /** An operator's CLIENT UNBLOCK ... ERROR is the client's to see: it passes through. */
  @Test
  void aClientUnblockErrorReachesTheClient() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient c = gw.client(); RespClient da = a.client()) {
        c.setTimeout(15_000);
        c.send("BLPOP", "q", "0");
        Await.blockedClients(da, 1, "the master");
        String id = null;
        for (String line : io.redisha.testing.Reply.str(da.call("CLIENT", "LIST")).split("\n")) {
          if (line.contains("cmd=blpop")) id = line.replaceAll("^id=(\\d+) .*", "$1").trim();
        }
        assertEquals(":1", da.call("CLIENT", "UNBLOCK", id, "ERROR").toString());
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK", c.read().toString());
        assertEquals(0, gw.gw.resent);
      }
    }
  }

  /** A write under WATCH refused with READONLY goes to the new master; the WATCH is lost, so EXEC answers nil. */
  @Test
  void aWriteUnderWatchRefusedIsResentAndTheWatchIsLost() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient c = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        c.setTimeout(15_000);
        assertEquals("+OK", c.call("WATCH", "k").toString());
        switchOver(da, db, b);
        assertEquals("+OK", c.call("SET", "k", "v").toString(), "the client saw the refusal");
        assertEquals("\"v\"", db.call("GET", "k").toString(), "the write is not on the new master");
        assertTrue(io.redisha.testing.Reply.str(da.call("INFO", "commandstats")).matches("(?s).*cmdstat_set:calls=\\d+,.*rejected_calls=1,.*"),
            "the demoted master did not refuse the SET");
        assertEquals("+OK", c.call("MULTI").toString());
        assertEquals("+QUEUED", c.call("SET", "k2", "v2").toString());
        assertEquals("(nil*)", c.call("EXEC").toString(), "EXEC ran although its WATCH was lost");
        assertEquals("(nil$)", db.call("GET", "k2").toString());
        // A transaction after that runs normally on the new master.
        assertEquals("+OK", c.call("MULTI").toString());
        assertEquals("+QUEUED", c.call("SET", "k3", "v3").toString());
        assertEquals("*[+OK]", c.call("EXEC").toString());
        assertEquals("\"v3\"", db.call("GET", "k3").toString());
      }
    }
  }

  /** Inside MULTI nothing changes: the refusal reaches the client and EXEC ends in EXECABORT. */
  @Test
  void aRefusalInsideMultiStillEndsInExecAbort() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient c = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        assertEquals("+OK", c.call("MULTI").toString());
        switchOver(da, db, b);
        assertTrue(c.call("SET", "tx", "1").toString().startsWith("-READONLY "));
        // Redis's EXECABORT, or, when the gateway's re-check moved it to the new master
        // before that reply came, its report that the connection went with EXEC in flight.
        String exec = c.call("EXEC").toString();
        assertTrue(exec.equals("-EXECABORT Transaction discarded because of previous errors.")
            || exec.startsWith("-ERR gateway: connection to the master 127.0.0.1:" + a.port + " was lost"), exec);
        assertEquals(0, gw.gw.resent, "a command of the transaction was sent again");
        assertEquals("(nil$)", db.call("GET", "tx").toString());
      }
    }
  }

  private static TestGateway staticGateway(RealRedis a, RealRedis b) throws Exception {
    return TestGateway.start("--master", "127.0.0.1", Integer.toString(a.port), "--replica", "127.0.0.1",
        Integer.toString(b.port), "--failover-hold-ms", "10000", "--check-interval-ms", "60000");
  }

  /** Promote b, then make a its replica: a's next refusal shows the gateway b as the only master. */
  private static void switchOver(RespClient da, RespClient db, RealRedis b) throws Exception {
    assertEquals("+OK", db.call("REPLICAOF", "NO", "ONE").toString());
    assertEquals("+OK", da.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port)).toString());
  }
}
