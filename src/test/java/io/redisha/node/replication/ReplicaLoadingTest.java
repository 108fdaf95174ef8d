package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A replica loading a large payload keeps answering: -LOADING and INFO at once, then the master's data. */
class ReplicaLoadingTest {

  @Test
  void replicaAnswersPromptlyWhileItLoadsAndEndsWithTheMastersData() throws Exception {
    int keys = 1_000_000;
    try (RealRedis real = RealRedis.start("redis-server", new String[] {"--enable-debug-command", "yes",
            "--repl-diskless-sync", "no"});
        RespClient m = real.client();
        TestNode ours = TestNode.start();
        RespClient o = ours.client();
        RespClient probe = ours.client()) {
      m.call("DEBUG", "POPULATE", Integer.toString(keys), "key", "64");
      m.call("RPUSH", "list", "a", "b", "c");
      m.call("SET", "ttl", "v", "EX", "1000");
      o.call("SET", "old-data", "goes");
      o.call("REPLICAOF", "127.0.0.1", Integer.toString(real.port));

      // Probe with PING and INFO until the link is up; note the slowest answer and what was seen.
      long maxPingNs = 0, maxInfoNs = 0;
      long loadingFrom = 0, loadingTo = 0;
      boolean sawLoadingError = false, sawLoadingInfo = false, sawSyncInProgress = false;
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        long t0 = System.nanoTime();
        Reply pong = probe.call("PING");
        long t1 = System.nanoTime();
        String info = Reply.str(probe.call("INFO"));
        long t2 = System.nanoTime();
        maxPingNs = Math.max(maxPingNs, t1 - t0);
        maxInfoNs = Math.max(maxInfoNs, t2 - t1);
        if (pong instanceof Reply.Error e) {
          assertEquals("LOADING Redis is loading the dataset in memory", e.text());
          sawLoadingError = true;
        }
        if (info.contains("\r\nloading:1\r\n")) {
          if (!sawLoadingInfo) loadingFrom = System.nanoTime();
          loadingTo = System.nanoTime();
          sawLoadingInfo = true;
          assertTrue(info.contains("\r\nloading_loaded_perc:"), info);
          if (info.contains("\r\nmaster_sync_in_progress:1\r\n")) sawSyncInProgress = true;
        }
        if (info.contains("master_link_status:up")) break;
      }
      awaitLinkUp(o, "our replica");
      System.out.printf("replica loading %d keys for %.0f ms: max PING %.1f ms, max INFO %.1f ms%n", keys,
          (loadingTo - loadingFrom) / 1e6, maxPingNs / 1e6, maxInfoNs / 1e6);
      assertTrue(sawLoadingError, "PING never got -LOADING: was the payload loaded on the event loop?");
      assertTrue(sawLoadingInfo, "INFO never showed loading:1");
      assertTrue(sawSyncInProgress, "INFO never showed master_sync_in_progress:1 while loading");
      // A load on the event loop would hold PING for the whole load (seconds for a million keys);
      // what remains are GC pauses of the worker's allocations, which a loaded machine lengthens.
      long loadingNs = loadingTo - loadingFrom;
      assertTrue(maxPingNs < Math.max(250_000_000L, loadingNs / 2),
          "PING took " + maxPingNs / 1_000_000 + " ms during a load of " + loadingNs / 1_000_000 + " ms");

      awaitCaughtUp(m, o);
      assertEquals(m.call("DBSIZE"), o.call("DBSIZE"));
      assertEquals(new Reply.Null('$'), o.call("GET", "old-data"));
      assertEquals(m.call("LRANGE", "list", "0", "-1"), o.call("LRANGE", "list", "0", "-1"));
      assertTrue(((Reply.Int) o.call("TTL", "ttl")).value() > 900);
      Random rnd = new Random(1);
      for (int i = 0; i < 500; i++) {
        String k = "key:" + rnd.nextInt(keys);
        assertEquals(m.call("GET", k), o.call("GET", k), k);
      }
      m.call("SET", "after", "load");
      awaitCaughtUp(m, o);
      assertEquals(new Reply.Bulk("load".getBytes()), o.call("GET", "after"));
    }
  }
}
