package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;

/**
 * A master demoted by hand (REPLICAOF) before any sentinel noticed: the write it refuses
 * with READONLY never reaches the client; the gateway holds it and sends it to the
 * master the sentinel names next. A transaction hit by the demotion ends in EXECABORT,
 * as Redis ends it, and is not replayed.
 */
class GatewayRefusedWriteTest {

  @Test
  void aWriteRefusedByADemotedMasterLandsOnTheNewMaster() throws Exception {
    try (RealRedis a = RealRedis.start(new String[0]); RealRedis b = RealRedis.start(new String[0])) {
      linkReplica(b, a);
      try (RealSentinel sentinel = RealSentinel.start("mymaster", a.port, 1, 60_000);
          // No periodic re-check during the story: only the refusal and the sentinel's events may move the gateway.
          TestGateway gw = TestGateway.start("--sentinel", "127.0.0.1", Integer.toString(sentinel.port),
              "--master-name", "mymaster", "--failover-hold-ms", "10000", "--check-interval-ms", "60000");
          RespClient c = gw.client(); RespClient tx = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        assertEquals(new GatewayConfig.HostPort("127.0.0.1", a.port), gw.gw.topology.master);
        java.nio.file.Path logFile = java.nio.file.Files.createTempFile("gateway-", ".log");
        gw.gw.log.setFile(logFile.toString());
        gw.gw.log.setLevel(io.redisha.util.Log.Level.NOTICE);
        assertEquals("+OK", c.call("SET", "before", "1").toString());
        assertEquals("+OK", tx.call("MULTI").toString());
        assertEquals("+QUEUED", tx.call("SET", "tx", "1").toString());

        db.call("REPLICAOF", "NO", "ONE");
        da.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port));
        c.setTimeout(15_000);
        long t0 = System.nanoTime();
        // One write, so both are parsed before the refusal pauses the client's input.
        c.sendRaw("*3\r\n$3\r\nSET\r\n$5\r\nmoved\r\n$3\r\nyes\r\n*2\r\n$3\r\nGET\r\n$5\r\nmoved\r\n");
        GatewayFailoverTest.awaitTrue(() -> gw.gw.topology.master == null, 5_000,
            "the refusal did not make the gateway drop the demoted master");
        assertTrue(Reply.str(da.call("INFO", "commandstats")).matches("(?s).*cmdstat_set:calls=1,.*rejected_calls=1,.*"),
            "the demoted master did not refuse exactly one SET");

        // The transaction was on the demoted master: it ends as Redis ends it, nothing replayed.
        assertEquals("+QUEUED", tx.call("INCR", "tx").toString());
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", tx.call("EXEC").toString());

        try (RespClient s = sentinel.client()) {
          assertEquals("+OK", s.call("SENTINEL", "REMOVE", "mymaster").toString());
          assertEquals("+OK", s.call("SENTINEL", "MONITOR", "mymaster", "127.0.0.1", Integer.toString(b.port), "1").toString());
        }
        assertEquals("+OK", c.read().toString(), "the client saw the refusal");
        assertEquals("\"yes\"", c.read().toString());
        long heldMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(heldMs < 10_000, "held " + heldMs + " ms, past failover-hold-ms");
        assertEquals(new GatewayConfig.HostPort("127.0.0.1", b.port), gw.gw.topology.master);
        assertEquals("\"yes\"", db.call("GET", "moved").toString(), "the write is not on the new master");
        assertEquals("(nil$)", db.call("GET", "tx").toString(), "the transaction ran");
        assertTrue(gw.gw.resent >= 1, "no refused command was sent again");
        assertEquals("+OK", c.call("SET", "after", "1").toString());
        // Each step of the story is one line in the gateway's log.
        String log = java.nio.file.Files.readString(logFile);
        java.nio.file.Files.delete(logFile);
        String am = "127.0.0.1:" + a.port;
        String bm = "127.0.0.1:" + b.port;
        for (String step : new String[] {"Master " + am + " answered READONLY", "Re-checking the topology now: master " + am,
            "Fenced " + am + ": ROLE says slave of " + bm, "answered READONLY: holding commands for the master",
            // (the tick's "Holding N commands" summary only appears when the wait outlasts a tick)
            "Re-checking the topology now: sentinel 127.0.0.1:" + sentinel.port + " event +slave",
            "ROLE on " + bm + " says master: confirmed", "Master is now " + bm + " (was " + am + ")",
            "Resumed 2 held commands on master " + bm + " after "}) {
          assertTrue(log.contains(step), "no log line for: " + step + "\n" + log);
        }
      }
    }
  }

  /** Static master demoted under an open transaction: READONLY inside it, EXECABORT, nothing applied. */
  @Test
  void aTransactionOnADemotedMasterEndsInExecAbort() throws Exception {
    try (RealRedis a = RealRedis.start(new String[0]); RealRedis b = RealRedis.start(new String[0])) {
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(a.port), "--failover-hold-ms", "300",
          "--check-interval-ms", "60000"); RespClient tx = gw.client(); RespClient da = a.client()) {
        assertEquals("+OK", tx.call("MULTI").toString());
        da.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port));
        Reply r = tx.call("SET", "tx", "1");
        assertTrue(r.toString().startsWith("-READONLY ") || r.toString().equals("+QUEUED"), r.toString());
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", tx.call("EXEC").toString());
        try (RespClient db = b.client()) {
          assertEquals("(nil$)", db.call("GET", "tx").toString(), "the transaction ran");
        }
        // No master any more (the static master is a replica): a write is held, then fails clearly.
        Reply w = tx.call("SET", "k", "v");
        assertTrue(w.toString().startsWith("-MASTERDOWN gateway: "), w.toString());
      }
    }
  }

  static void linkReplica(RealRedis replica, RealRedis master) throws Exception {
    try (RespClient r = replica.client()) {
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
      GatewayFailoverTest.awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
          10_000, "the replica never linked");
    }
  }
}
