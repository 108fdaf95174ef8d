package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Scrape;
import io.redisha.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentinelMetricsTest {

  @Test
  void reportsEachMastersStateAndPromtoolAcceptsTheOutput(@TempDir Path dir) throws Exception {
    int mport = Scrape.freePort();
    TestNode node = TestNode.start();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port 0\nbind 127.0.0.1\nmetrics-port " + mport + "\n"
        + "sentinel monitor mymaster 127.0.0.1 " + node.port() + " 1\n"
        + "sentinel down-after-milliseconds mymaster 500\n");
    Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
    s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      String text = Scrape.metrics(mport);
      assertTrue(text.contains("redis_ha_sentinel_master_state{master=\"mymaster\",state=\"ok\"} 1.0"), text);
      assertTrue(text.contains("redis_ha_sentinel_failovers_started_total{master=\"mymaster\"} 0.0"), text);
      assertTrue(text.contains("redis_ha_sentinel_master_replicas{master=\"mymaster\"} 0.0"), text);
      assertTrue(text.contains("redis_ha_sentinel_tilt 0.0"), text);
      assertTrue(Scrape.families(text).contains("redis_ha_sentinel_current_epoch"), text);
      String[] check = Scrape.promtool(text, "check", "metrics");
      assertEquals("0", check[0], check[1]);
      assertEquals(200, Scrape.get(mport, "/health").statusCode());
      assertEquals(200, Scrape.get(mport, "/ready").statusCode());
      assertTrue(Files.readString(conf).contains("metrics-port " + mport), "a config rewrite keeps the directive");

      node.close();
      long deadline = System.currentTimeMillis() + 10_000;
      while (!(text = Scrape.metrics(mport)).contains("redis_ha_sentinel_master_state{master=\"mymaster\",state=\"ok\"} 0.0")) {
        assertTrue(System.currentTimeMillis() < deadline, "the master never left state ok after its node stopped:\n" + text);
        Thread.sleep(100);
      }
    } finally {
      Fleet.stopOurs(s);
      node.close();
    }
  }
}
