package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;

/** Writes never reach a node that says it is a replica, and wait at most failover-hold-ms for a master. */
class GatewayFencingTest {

  @Test
  void aNodeReportingItselfReplicaGetsNoWrites() throws Exception {
    try (RealRedis master = RealRedis.start(new String[0]); RealRedis replica = RealRedis.start(new String[0])) {
      try (RespClient r = replica.client()) {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
        r.call("CONFIG", "RESETSTAT");
      }
      // Misconfigured on purpose: the "master" is a replica.
      Gateway gw = new Gateway(GatewayConfig.fromArgs(new String[] {"--port", "0", "--bind", "127.0.0.1",
          "--master", "127.0.0.1", Integer.toString(replica.port), "--failover-hold-ms", "400",
          "--check-interval-ms", "100", "--loglevel", "nothing"}));
      gw.start().toCompletionStage().toCompletableFuture().get();
      try (RespClient c = new RespClient(gw.port())) {
        long t0 = System.nanoTime();
        Reply rep = c.call("SET", "k", "v");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(rep.toString().startsWith("-MASTERDOWN gateway: no master available"), rep.toString());
        assertTrue(ms >= 350 && ms < 3000, "held " + ms + " ms, expected about 400");
        assertEquals("+PONG", c.call("PING").toString());
      } finally {
        gw.stop().toCompletionStage().toCompletableFuture().get();
      }
      try (RespClient r = replica.client()) {
        assertTrue(!Reply.str(r.call("INFO", "commandstats")).contains("cmdstat_set:"), "a write reached the replica");
      }
    }
  }

  @Test
  void writesHeldWhileTheMasterIsDownThenFailClearly() throws Exception {
    RealRedis master = RealRedis.start(new String[0]);
    try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
        "--failover-hold-ms", "500"); RespClient c = gw.client()) {
      assertEquals("+OK", c.call("SET", "k", "v").toString());
      master.close();
      GatewayFailoverTest.awaitTrue(() -> gw.gw.topology.master == null, 5_000, "the gateway kept a dead master");
      Reply rep = c.call("SET", "k", "w");
      assertTrue(rep.toString().startsWith("-MASTERDOWN gateway: no master available"), rep.toString());
      assertTrue(Reply.str(c.call("INFO", "gateway")).contains("gateway_state:no_master"));
    } finally {
      master.close();
    }
  }
}
