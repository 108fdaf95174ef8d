package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our sentinels and real redis-sentinel 7.0 in one group: they discover each other
 * through the hello channel, agree on ODOWN, elect one leader and fail over once.
 */
class SentinelMixedGroupTest {

  /** ourJitter: a long start delay on our side lets a redis-sentinel lead, so ours must follow. */
  @ParameterizedTest(name = "{0} of ours + {1} redis-sentinel, our start jitter {2} ms")
  @CsvSource({"1, 2, 8000", "2, 1, 150"})
  void mixedGroupFailsOverOnce(int oursCount, int realCount, long ourJitter) throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(2);
      Fleet.Server master = g.get(0);
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < realCount; i++) ports.add(f.real(master.port, 1000, 5000).port);
      for (int i = 0; i < oursCount; i++) ports.add(f.ours(master.port, 1000, 5000, "sentinel-failover-jitter-ms " + ourJitter + "\n").port());
      Fleet.await("every sentinel sees the two others and both replicas", 15_000, () -> ports.stream().allMatch(p ->
          Fleet.masterField(p, "num-other-sentinels").equals("2") && Fleet.masterField(p, "num-slaves").equals("2")));

      master.kill9();
      try {
        Fleet.await("all three sentinels agree on a new master", 30_000, () -> {
          String a = Fleet.masterAddr(ports.get(0));
          if (a.isEmpty() || a.endsWith(":" + master.port)) return false;
          return ports.stream().allMatch(p -> Fleet.masterAddr(p).equals(a));
        });
        String addr = Fleet.masterAddr(ports.get(0));
        int newPort = Integer.parseInt(addr.substring(addr.indexOf(':') + 1));
        Fleet.Server other = g.stream().filter(s -> s != master && s.port != newPort).findFirst().orElseThrow();
        Fleet.await("the other replica follows the new master", 15_000,
            () -> other.field("master_port").equals(String.valueOf(newPort)) && other.field("master_link_status").equals("up"));
        Fleet.await("all report the same config epoch", 10_000, () -> {
          String e = Fleet.masterField(ports.get(0), "config-epoch");
          return !e.equals("0") && ports.stream().allMatch(p -> Fleet.masterField(p, "config-epoch").equals(e));
        });
        // No second promotion: the new master stays and the other replica is not promoted too.
        Thread.sleep(2000);
        assertEquals("slave", other.field("role"));
        for (int p : ports) assertEquals(addr, Fleet.masterAddr(p));
        if (ourJitter > 5000) {
          String ourLog = java.nio.file.Files.readString(f.root.resolve("sentinel-" + ports.get(ports.size() - 1) + ".log"));
          assertTrue(ourLog.contains("+config-update-from") && !ourLog.contains("+elected-leader"),
              "ours followed a redis-sentinel leader:\n" + ourLog);
        }
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + f.logs(), e);
      }
    }
  }
}
