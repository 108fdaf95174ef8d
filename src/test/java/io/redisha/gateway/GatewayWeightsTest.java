package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-replica read weights, counted where the reads actually ran (INFO commandstats on
 * each real redis-server): 3:1 between two replicas, none on a weight-0 replica until it
 * is the only one left.
 */
class GatewayWeightsTest {

  private static final int CLIENTS = 40;
  private static final int READS = 10;

  @Test
  void readsSplitByWeightAndWeightZeroOnlyAsLastResort() throws Exception {
    List<RealRedis> all = new ArrayList<>();
    try {
      RealRedis master = RealRedis.start(new String[0]);
      all.add(master);
      RealRedis heavy = replicaOf(master, all);
      RealRedis light = replicaOf(master, all);
      RealRedis spare = replicaOf(master, all);
      String mp = Integer.toString(master.port);
      // Static weights on the replica lines for two of them, the sentinel-style directive for the third.
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", mp, "--read-policy", "replica",
          "--replica", "127.0.0.1", Integer.toString(heavy.port), "3",
          "--replica", "127.0.0.1", Integer.toString(light.port), "1",
          "--replica-weight", "127.0.0.1", Integer.toString(spare.port), "0")) {
        GatewayFailoverTest.awaitTrue(() -> gw.gw.topology.replicas.size() == 3, 10_000, "the three replicas never became usable");
        resetStats(master, heavy, light, spare);
        readThrough(gw, CLIENTS, READS);
        int total = CLIENTS * READS;
        int h = calls(heavy);
        int l = calls(light);
        String split = "heavy " + h + ", light " + l + ", spare " + calls(spare) + ", master " + calls(master);
        assertEquals(total, h + l, "every read on the two weighted replicas: " + split);
        assertTrue(Math.abs(h - total * 3 / 4) <= total / 10, "3:1 within 10%: " + split);
        assertEquals(0, calls(spare), "weight 0 got reads while others were usable: " + split);
        assertEquals(0, calls(master), split);

        // With the weighted replicas gone, the weight-0 replica is preferred to the master.
        heavy.close();
        light.close();
        GatewayFailoverTest.awaitTrue(() -> gw.gw.topology.replicas.size() == 1, 10_000, "the stopped replicas stayed usable");
        resetStats(master, spare);
        readThrough(gw, 4, READS);
        assertEquals(4 * READS, calls(spare), "the last usable replica (weight 0) did not get the reads");
        assertEquals(0, calls(master));
      }
    } finally {
      for (RealRedis r : all) r.close();
    }
  }

  /** round-robin: the master takes part with weight 1 beside the weighted replicas. */
  @Test
  void roundRobinCountsTheMasterAsWeightOne() throws Exception {
    List<RealRedis> all = new ArrayList<>();
    try {
      RealRedis master = RealRedis.start(new String[0]);
      all.add(master);
      RealRedis heavy = replicaOf(master, all);
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
          "--read-policy", "round-robin", "--replica-weight", "127.0.0.1", Integer.toString(heavy.port), "3")) {
        GatewayFailoverTest.awaitTrue(() -> gw.gw.topology.replicas.size() == 1, 10_000, "the replica never became usable");
        resetStats(master, heavy);
        readThrough(gw, CLIENTS, READS);
        int h = calls(heavy);
        int m = calls(master);
        assertEquals(CLIENTS * READS, h + m);
        assertTrue(Math.abs(h - CLIENTS * READS * 3 / 4) <= CLIENTS * READS / 10, "3:1 within 10%: replica " + h + ", master " + m);
      }
    } finally {
      for (RealRedis r : all) r.close();
    }
  }

  private static RealRedis replicaOf(RealRedis master, List<RealRedis> all) throws Exception {
    RealRedis r = RealRedis.start(new String[0]);
    all.add(r);
    try (RespClient c = r.client()) {
      c.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
    }
    return r;
  }

  /** Each client is a new connection, so each gets a weighted pick; its reads all go there. */
  private static void readThrough(TestGateway gw, int clients, int reads) throws Exception {
    for (int i = 0; i < clients; i++) {
      try (RespClient c = gw.client()) {
        for (int j = 0; j < reads; j++) c.send("STRLEN", "w" + j);
        for (int j = 0; j < reads; j++) assertEquals(":0", c.read().toString());
      }
    }
  }

  private static void resetStats(RealRedis... nodes) throws Exception {
    for (RealRedis n : nodes) {
      try (RespClient c = n.client()) {
        c.call("CONFIG", "RESETSTAT");
      }
    }
  }

  private static int calls(RealRedis n) throws Exception {
    try (RespClient c = n.client()) {
      return GatewaySplitTest.calls(c, "strlen");
    }
  }
}
