package io.redisha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole data set read through the protocol, in a form two servers can be compared by:
 * every key of every database with its type and value (unordered collections sorted),
 * and its TTL, which may differ by the time between the two reads.
 */
public final class Datasets {

  private Datasets() {}

  public record Dump(Map<String, String> values, Map<String, Long> ttls) {}

  public static Dump dump(RespClient c, int databases) throws IOException {
    Map<String, String> values = new TreeMap<>();
    Map<String, Long> ttls = new TreeMap<>();
    for (int db = 0; db < databases; db++) {
      c.call("SELECT", Integer.toString(db));
      Reply keys = c.call("KEYS", "*");
      for (Reply k : ((Reply.Agg) keys).items()) {
        String key = ((Reply.Bulk) k).text();
        String type = c.call("TYPE", key).toString();
        String value = switch (type) {
          case "+string" -> c.call("GET", key).toString();
          case "+list" -> c.call("LRANGE", key, "0", "-1").toString();
          case "+set" -> ((Reply.Agg) c.call("SMEMBERS", key)).sorted().toString();
          case "+hash" -> pairsSorted((Reply.Agg) c.call("HGETALL", key));
          case "+zset" -> c.call("ZRANGE", key, "0", "-1", "WITHSCORES").toString();
          default -> type;
        };
        values.put(db + ":" + key, type + " " + value);
        long ttl = ((Reply.Int) c.call("PTTL", key)).value();
        if (ttl >= 0) ttls.put(db + ":" + key, ttl);
      }
    }
    c.call("SELECT", "0");
    return new Dump(values, ttls);
  }

  private static String pairsSorted(Reply.Agg a) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < a.items().size(); i += 2) pairs.add(a.items().get(i) + "=" + a.items().get(i + 1));
    pairs.sort(null);
    return pairs.toString();
  }

  /** Same keys, types and values; TTLs present on the same keys and within {@code slackMs}. */
  public static void assertSame(Dump expected, Dump actual, long slackMs) {
    assertEquals(expected.values(), actual.values());
    assertEquals(expected.ttls().keySet(), actual.ttls().keySet(), "keys with a TTL");
    for (Map.Entry<String, Long> e : expected.ttls().entrySet()) {
      long other = actual.ttls().get(e.getKey());
      assertTrue(Math.abs(e.getValue() - other) <= slackMs, "TTL of " + e.getKey() + ": " + e.getValue() + " vs " + other);
    }
  }
}
