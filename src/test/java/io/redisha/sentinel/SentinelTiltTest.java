package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A clock jump puts the sentinel in TILT: it keeps monitoring but takes no action until the period ends. */
class SentinelTiltTest {

  @Test
  void clockJumpEntersAndLeavesTilt() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(1);
      Sentinel s = f.ours(g.get(0).port, 500, 3000, "sentinel-tilt-period-ms 1500\n");
      Fleet.await("monitoring", 5_000, () -> Fleet.masterField(s.port(), "num-slaves").equals("1"));
      s.simulateClockJump(10_000);
      Fleet.await("TILT entered", 2_000, () -> Fleet.str(Fleet.call(s.port(), "INFO", "sentinel")).contains("sentinel_tilt:1"));
      // In TILT a dead master is not even marked SDOWN, let alone failed over.
      g.get(0).kill9();
      Thread.sleep(1000);
      assertEquals("master,disconnected", Fleet.masterField(s.port(), "flags"));
      Fleet.await("TILT left", 3_000, () -> Fleet.str(Fleet.call(s.port(), "INFO", "sentinel")).contains("sentinel_tilt:0"));
      Fleet.await("then SDOWN as usual", 2_000, () -> Fleet.masterField(s.port(), "flags").contains("s_down"));
      String log = f.logs();
      assertEquals(true, log.contains("+tilt #tilt mode entered") && log.contains("-tilt #tilt mode exited"), log);
    }
  }
}
