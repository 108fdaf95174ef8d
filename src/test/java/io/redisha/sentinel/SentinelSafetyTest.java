package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Failovers that must not happen. */
class SentinelSafetyTest {

  @Test
  void minorityNeverPromotesEvenWithQuorumOne() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(2);
      Fleet.Server master = g.get(0);
      for (int i = 0; i < 3; i++) f.ours(master.port, 500, 3000);
      Fleet.await("sentinels discovered each other", 10_000, () -> f.ours.stream().allMatch(s ->
          Fleet.masterField(s.port(), "num-other-sentinels").equals("2") && Fleet.masterField(s.port(), "num-slaves").equals("2")));
      int lone = f.ours.get(0).port();
      // Quorum 1 lets the lone sentinel reach ODOWN by itself; only the election can stop it.
      assertEquals("OK", Fleet.str(Fleet.call(lone, "SENTINEL", "SET", Fleet.NAME, "quorum", "1")));
      Fleet.stopOurs(f.ours.get(1));
      Fleet.stopOurs(f.ours.get(2));
      master.kill9();
      Fleet.await("the lone sentinel sees the master objectively down", 5_000,
          () -> Fleet.masterField(lone, "flags").contains("o_down"));
      Thread.sleep(3000);
      assertEquals("127.0.0.1:" + master.port, Fleet.masterAddr(lone), "a minority must not fail over");
      for (Fleet.Server r : g.subList(1, 3)) assertEquals("slave", r.field("role"));
      assertTrue(f.logs().contains("-failover-abort-not-elected") || !f.logs().contains("+elected-leader"));
      assertFalse(f.logs().contains("+promoted-slave"));
    }
  }

  @Test
  void masterPausedShorterThanDownAfterIsNotFailedOver() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(1);
      Fleet.Server master = g.get(0);
      for (int i = 0; i < 3; i++) f.ours(master.port, 1000, 3000);
      Fleet.await("sentinels discovered each other", 10_000, () -> f.ours.stream().allMatch(s ->
          Fleet.masterField(s.port(), "num-other-sentinels").equals("2")));
      for (int i = 0; i < 3; i++) {
        master.signal("STOP");
        Thread.sleep(600);
        master.signal("CONT");
        Thread.sleep(700);
      }
      Thread.sleep(500);
      for (Sentinel s : f.ours) {
        assertEquals("127.0.0.1:" + master.port, Fleet.masterAddr(s.port()));
        assertEquals("0", Fleet.masterField(s.port(), "config-epoch"));
      }
      assertFalse(f.logs().contains("+sdown master"), f.logs());
      assertEquals("master", master.field("role"));
    }
  }
}
