package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.Scrape;
import io.redisha.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {

  @Test
  void servesPrometheusTextThatPromtoolAccepts() throws Exception {
    int port = Scrape.freePort();
    try (TestNode t = TestNode.start("--metrics-port", Integer.toString(port))) {
      try (RespClient c = t.client()) {
        c.call("SET", "a", "1");
        c.call("SET", "b", "2");
        c.call("GET", "a");
        c.call("GET", "nope");
        c.call("SELECT", "3");
        c.call("SET", "x", "1");
      }
      String text = Scrape.metrics(port);
      assertTrue(text.contains("redis_ha_node_keys{db=\"0\"} 2.0"), text);
      assertTrue(text.contains("redis_ha_node_keys{db=\"3\"} 1.0"), text);
      assertTrue(text.contains("redis_ha_node_keyspace_hits_total 1.0"), text);
      assertTrue(text.contains("redis_ha_node_keyspace_misses_total 1.0"), text);
      assertTrue(text.contains("redis_ha_node_replication_role{role=\"master\"} 1.0"), text);
      assertTrue(text.contains("redis_ha_node_replication_role{role=\"replica\"} 0.0"), text);
      assertTrue(text.matches("(?s).*redis_ha_node_commands_processed_total [1-9].*"), text);
      for (String family : new String[] {"redis_ha_node_connected_clients", "redis_ha_node_memory_used_bytes",
          "redis_ha_node_master_repl_offset", "redis_ha_node_rdb_last_save_age_seconds", "redis_ha_node_aof_enabled",
          "redis_ha_node_expired_keys_total", "jvm_memory_used_bytes", "jvm_gc_pause_seconds", "process_cpu_usage",
          "vertx_net_server_active_connections"}) {
        assertTrue(Scrape.families(text).contains(family), family + " missing from\n" + text);
      }
      assertFalse(text.contains("127.0.0.1:"), "no client address may appear as a label");
      String[] check = Scrape.promtool(text, "check", "metrics");
      assertEquals("0", check[0], check[1]);
    }
  }

  @Test
  void healthAndReadyAnswerForAMaster() throws Exception {
    int port = Scrape.freePort();
    try (TestNode t = TestNode.start("--metrics-port", Integer.toString(port))) {
      assertEquals(200, Scrape.get(port, "/health").statusCode());
      assertEquals(200, Scrape.get(port, "/ready").statusCode());
      assertEquals(404, Scrape.get(port, "/nothing").statusCode());
    }
  }

  @Test
  void metricsPortZeroServesNothing() throws Exception {
    try (TestNode t = TestNode.start()) {
      assertEquals(0, t.node.metrics.port());
    }
  }

  /**
   * A redis-server replica and one of ours on our master: one lag and one offset series
   * each, labelled by the address the replica announced, with the offset the master's
   * INFO shows for it; each replica's series go when it does.
   */
  @Test
  void oneLagAndOffsetSeriesPerAttachedReplicaGoneWhenItDisconnects() throws Exception {
    int port = Scrape.freePort();
    try (TestNode master = TestNode.start("--metrics-port", Integer.toString(port));
        RealRedis real = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(master.port())});
        TestNode ours = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        RespClient c = master.client()) {
      String realLabel = "127.0.0.1:" + real.port;
      String ourLabel = "127.0.0.1:" + ours.port();
      for (int i = 0; i < 100; i++) c.call("SET", "k" + i, "v" + i);
      // Replicas acknowledge once a second; wait until both have acknowledged everything
      // (the master's offset moves on by its PINGs meanwhile).
      String[] last = {""};
      long[] masterOffset = {0};
      Await.until(() -> {
        masterOffset[0] = Long.parseLong(infoField(c, "master_repl_offset"));
        last[0] = Scrape.metrics(port);
        return value(last[0], "redis_ha_node_connected_replica_offset_bytes", realLabel) == masterOffset[0]
            && value(last[0], "redis_ha_node_connected_replica_offset_bytes", ourLabel) == masterOffset[0]
            && masterOffset[0] > 1000;
      }, "both replicas' offset series at the master's offset");
      String text = last[0];
      assertEquals(List.of(ourLabel, realLabel).stream().sorted().toList(), labels(text, "redis_ha_node_connected_replica_lag_seconds"), text);
      assertEquals(List.of(ourLabel, realLabel).stream().sorted().toList(), labels(text, "redis_ha_node_connected_replica_offset_bytes"), text);
      for (String label : List.of(realLabel, ourLabel)) {
        double lag = value(text, "redis_ha_node_connected_replica_lag_seconds", label);
        assertTrue(lag >= 0 && lag < 3, label + " lag " + lag + "\n" + text);
      }
      // The master's own INFO names the same offsets.
      String info = Reply.str(c.call("INFO", "replication"));
      assertTrue(info.contains("port=" + real.port + ",state=online,offset=" + masterOffset[0]), info);
      String[] check = Scrape.promtool(text, "check", "metrics");
      assertEquals("0", check[0], check[1]);

      real.close();
      Await.until(() -> !labels(Scrape.metrics(port), "redis_ha_node_connected_replica_lag_seconds").contains(realLabel),
          "the stopped redis-server's lag series to go");
      text = Scrape.metrics(port);
      assertEquals(List.of(ourLabel), labels(text, "redis_ha_node_connected_replica_offset_bytes"), text);

      try (RespClient r = ours.client()) {
        r.call("REPLICAOF", "NO", "ONE");
      }
      Await.until(() -> labels(Scrape.metrics(port), "redis_ha_node_connected_replica_offset_bytes").isEmpty(),
          "our replica's series to go once it left");
      text = Scrape.metrics(port);
      assertTrue(labels(text, "redis_ha_node_connected_replica_lag_seconds").isEmpty(), text);
      // connected_replicas reads INFO, cached for half a second per scrape.
      Await.until(() -> value(Scrape.metrics(port), "redis_ha_node_connected_replicas", null) == 0.0, "connected_replicas 0");
    }
  }

  private static String infoField(RespClient c, String field) throws Exception {
    for (String l : Reply.str(c.call("INFO", "replication")).split("\r\n")) {
      if (l.startsWith(field + ":")) return l.substring(field.length() + 1);
    }
    throw new AssertionError(field + " not in INFO replication");
  }

  private static List<String> labels(String text, String family) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^" + family + "\\{replica=\"([^\"]+)\"\\} ").matcher(text);
    while (m.find()) out.add(m.group(1));
    out.sort(null);
    return out;
  }

  /** The sample's value, or NaN when absent; label null for a family without labels. */
  private static double value(String text, String family, String label) {
    String series = label == null ? family : family + "{replica=\"" + label + "\"}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
