package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;

/**
 * Reads from a replica after one's own write: without read-your-writes a replica
 * answering right after the master acknowledged is often behind (asynchronous
 * replication, made worse here by a replication link that delays everything by 30 ms
 * and a replica that a second client keeps busy with DEBUG SLEEP); with it, zero
 * stale reads in 10,000 write-then-read pairs.
 */
class GatewayReadYourWritesTest {

  @Test
  void noStaleReadsWithReadYourWrites() throws Exception {
    try (RealRedis master = RealRedis.start(new String[0]); RealRedis replica = RealRedis.start(new String[0]);
        DelayingProxy slowLink = new DelayingProxy(master.port, 30)) {
      try (RespClient r = replica.client()) {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(slowLink.port()));
        GatewayFailoverTest.awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            10_000, "the replica never linked");
      }
      int staleWithout = staleReads(master, 2000, false);
      int staleWith = staleReads(master, 10_000, true);
      System.out.println("read-your-writes: stale reads without " + staleWithout + "/2000, with " + staleWith + "/10000");
      assertTrue(staleWithout > 0, "the test induced no lag, so it proves nothing");
      assertEquals(0, staleWith);
    }
  }

  private static int staleReads(RealRedis master, int pairs, boolean ryw) throws Exception {
    try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
        "--read-policy", "replica", "--read-your-writes", ryw ? "yes" : "no")) {
      GatewayFailoverTest.awaitTrue(() -> !gw.gw.topology.replicas.isEmpty(), 10_000, "no replica became usable");
      Thread lagger = new Thread(() -> {
        try (RespClient r = new RespClient(gw.gw.topology.replicas.get(0).addr.port())) {
          while (!Thread.currentThread().isInterrupted()) r.call("DEBUG", "SLEEP", "0.02");
        } catch (Exception e) {
          // interrupted at the end
        }
      });
      lagger.start();
      int stale = 0;
      try (RespClient c = gw.client()) {
        for (int i = 0; i < pairs; i++) {
          c.call("SET", "ryw", Integer.toString(i));
          Reply got = c.call("GET", "ryw");
          if (!got.toString().equals("\"" + i + "\"")) stale++;
        }
      } finally {
        lagger.interrupt();
        lagger.join(5_000);
      }
      return stale;
    }
  }
}
