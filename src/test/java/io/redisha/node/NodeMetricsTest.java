package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RespClient;
import io.redisha.testing.Scrape;
import io.redisha.testing.TestNode;
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
}
