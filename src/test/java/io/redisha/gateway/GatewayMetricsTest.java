package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RespClient;
import io.redisha.testing.Scrape;
import io.redisha.testing.TestNode;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  @Test
  void countsCommandsByNameRouteAndOutcomeAndPromtoolAcceptsTheOutput() throws Exception {
    int mport = Scrape.freePort();
    try (TestNode node = TestNode.start()) {
      Gateway gw = Gateway.startAndAwaitMaster("--master", "127.0.0.1", Integer.toString(node.port()),
          "--bind", "127.0.0.1", "--port", "0", "--metrics-port", Integer.toString(mport));
      try (RespClient c = new RespClient(gw.port())) {
        c.call("SET", "k", "v");
        c.call("GET", "k");
        c.call("GET", "k");
        c.call("INCR", "k"); // an error reply from the master
        c.call("NOSUCHCOMMAND", "x");
        c.call("SELECT", "2");
        String text = Scrape.metrics(mport);
        assertTrue(text.contains("redis_ha_gateway_commands_total{command=\"get\",outcome=\"ok\",route=\"master\"} 2.0"), text);
        assertTrue(text.contains("redis_ha_gateway_commands_total{command=\"set\",outcome=\"ok\",route=\"master\"} 1.0"), text);
        assertTrue(text.contains("redis_ha_gateway_commands_total{command=\"incr\",outcome=\"error\",route=\"master\"} 1.0"), text);
        assertTrue(text.contains("command=\"unknown\",outcome=\"error\""), text);
        assertTrue(text.contains("redis_ha_gateway_connections 1.0"), text);
        assertTrue(text.contains("redis_ha_gateway_master_available 1.0"), text);
        assertTrue(text.contains("redis_ha_gateway_backend_up{backend=\"127.0.0.1:" + node.port() + "\",role=\"master\"} 1.0"), text);
        assertTrue(text.contains("redis_ha_gateway_request_latency_seconds_bucket{route=\"master\",le=\"1.0E-4\"}"), text);
        assertTrue(text.contains("redis_ha_gateway_backend_latency_seconds_count{backend=\"127.0.0.1:" + node.port() + "\"} "), text);
        java.util.regex.Matcher inf = java.util.regex.Pattern
            .compile("redis_ha_gateway_request_latency_seconds_bucket\\{route=\"master\",le=\"\\+Inf\"} (\\d+)").matcher(text);
        java.util.regex.Matcher count = java.util.regex.Pattern
            .compile("redis_ha_gateway_request_latency_seconds_count\\{route=\"master\"} (\\d+)").matcher(text);
        assertTrue(inf.find() && count.find(), text);
        assertEquals("5", count.group(1), "SET, GET, GET, INCR and the unknown command went to the master");
        assertEquals(count.group(1), inf.group(1), "buckets are cumulative");
        Set<String> families = Scrape.families(text);
        for (String f : new String[] {"redis_ha_gateway_failovers_total", "redis_ha_gateway_writes_held_total",
            "redis_ha_gateway_writes_failed_no_master_total", "redis_ha_gateway_read_your_writes_redirects_total",
            "redis_ha_gateway_pipeline_depth_max", "redis_ha_gateway_last_failover_duration_seconds",
            "vertx_net_server_active_connections", "vertx_net_client_active_connections", "jvm_memory_used_bytes"}) {
          assertTrue(families.contains(f), f + " missing from\n" + text);
        }
        assertFalse(text.contains("command=\"nosuchcommand\""), "only command-table names are labels");
        String[] check = Scrape.promtool(text, "check", "metrics");
        assertEquals("0", check[0], check[1]);
        assertEquals(200, Scrape.get(mport, "/health").statusCode());
        assertEquals(200, Scrape.get(mport, "/ready").statusCode());
      } finally {
        gw.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void notReadyWithoutAMaster() throws Exception {
    int mport = Scrape.freePort();
    int dead = Scrape.freePort();
    Gateway gw = new Gateway(GatewayConfig.fromArgs(new String[] {"--master", "127.0.0.1", Integer.toString(dead),
        "--bind", "127.0.0.1", "--port", "0", "--metrics-port", Integer.toString(mport)}));
    gw.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      assertEquals(200, Scrape.get(mport, "/health").statusCode());
      assertEquals(503, Scrape.get(mport, "/ready").statusCode());
      assertTrue(Scrape.metrics(mport).contains("redis_ha_gateway_master_available 0.0"));
    } finally {
      gw.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
