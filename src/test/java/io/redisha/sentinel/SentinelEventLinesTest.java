package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Our sentinel's legacy log lines for events read as redis-sentinel's: a real one and ours
 * watch the same master and replica, the replica is killed, and each event line after
 * the pid, role and time is the same text with the same level marker.
 */
class SentinelEventLinesTest {

  @Test
  void eventLinesMatchRedisSentinelsAfterTheTimestamp() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(1);
      Fleet.RealSentinel real = f.real(g.get(0).port, 500, 60_000);
      Sentinel ours = f.ours(g.get(0).port, 500, 60_000);
      for (int port : new int[] {real.port, ours.port()}) {
        Fleet.await("sentinel " + port + " to know the replica", 15_000, () -> Fleet.masterField(port, "num-slaves").equals("1"));
      }
      g.get(1).kill9();
      Path realLog = f.root.resolve("sentinel-" + real.port + ".log");
      Path ourLog = f.root.resolve("sentinel-" + ours.port() + ".log");
      String sdown = "+sdown slave 127.0.0.1:" + g.get(1).port;
      Fleet.await("both sentinels to log " + sdown, 10_000,
          () -> read(realLog).contains(sdown) && read(ourLog).contains(sdown));
      for (String event : List.of("+monitor", "+slave", "+sdown")) {
        Optional<String> theirs = eventLine(realLog, event);
        assertTrue(theirs.isPresent(), "redis-sentinel did not log " + event + "\n" + f.logs());
        assertEquals(theirs, eventLine(ourLog, event), event + "\n" + f.logs());
      }
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** The first line of the event, from the level marker on (pid, role and time differ). */
  private static Optional<String> eventLine(Path log, String event) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> l.matches("^\\d+:X .{24} [.\\-*#] " + java.util.regex.Pattern.quote(event) + " .*"))
        .map(l -> l.replaceFirst("^\\d+:X .{24} ", "")).findFirst();
  }
}
