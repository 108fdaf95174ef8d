package io.redisha.sentinel;

import static io.redisha.sentinel.Fleet.await;
import static io.redisha.sentinel.Fleet.call;
import static io.redisha.sentinel.Fleet.masterAddr;
import static io.redisha.sentinel.Fleet.masterField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three real redis-sentinel processes manage our master and two of our replicas: they
 * discover the replicas from INFO, and when the master goes they promote one with
 * REPLICAOF NO ONE (in MULTI with CONFIG REWRITE and CLIENT KILL) and re-point the other.
 * The master is stopped in-process, which its peers see as a kill: connections drop and
 * the port refuses.
 */
class SentinelManagesOurNodesTest {

  @Test
  void realSentinelsFailOverOurNodes() throws Exception {
    List<TestNode> nodes = new ArrayList<>();
    try (Fleet f = new Fleet()) {
      TestNode master = TestNode.start();
      nodes.add(master);
      for (int i = 0; i < 2; i++) {
        nodes.add(TestNode.start("--replicaof", "127.0.0.1", Integer.toString(master.port())));
      }
      for (TestNode r : nodes.subList(1, 3)) {
        await("replica " + r.port() + " in sync", 10_000, () -> info(r).contains("master_link_status:up"));
      }
      try (RespClient m = master.client()) {
        for (int i = 0; i < 100; i++) m.call("SET", "k" + i, "v" + i);
      }
      List<Integer> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) sentinels.add(f.real(master.port(), 1000, 5000).port);
      for (int s : sentinels) {
        await("sentinel " + s + " to see both replicas", 15_000, () -> masterField(s, "num-slaves").equals("2"));
      }
      master.close();
      nodes.remove(master);
      String old = "127.0.0.1:" + master.port();
      await("a failover away from " + old + "\n" + f.logs(), 30_000,
          () -> !masterAddr(sentinels.get(0)).isEmpty() && !masterAddr(sentinels.get(0)).equals(old));
      int newPort = Integer.parseInt(masterAddr(sentinels.get(0)).split(":")[1]);
      TestNode promoted = nodes.stream().filter(n -> n.port() == newPort).findFirst().orElseThrow();
      TestNode other = nodes.stream().filter(n -> n.port() != newPort).findFirst().orElseThrow();
      await("the promoted node to report role:master", 10_000, () -> info(promoted).contains("role:master"));
      await("the other replica to follow the promoted node\n" + f.logs(), 20_000,
          () -> info(other).contains("master_port:" + newPort) && info(other).contains("master_link_status:up"));
      try (RespClient p = promoted.client()) {
        assertEquals(new Reply.Bulk("v42".getBytes()), p.call("GET", "k42"));
        p.call("SET", "after", "failover");
        await("the write on the new master to reach the other replica", 10_000,
            () -> new Reply.Bulk("failover".getBytes()).equals(call(other.port(), "GET", "after")));
      }
      // The promoted node kept its data and history: the re-pointed replica continued partially.
      assertTrue(info(promoted).contains("connected_slaves:1"), info(promoted));
      try (RespClient p = promoted.client()) {
        assertTrue(Fleet.str(p.call("INFO", "stats")).contains("sync_partial_ok:1"), Fleet.str(p.call("INFO", "stats")));
      }
    } finally {
      for (TestNode n : nodes) n.close();
    }
  }

  private static String info(TestNode n) {
    return Fleet.str(call(n.port(), "INFO", "replication"));
  }
}
