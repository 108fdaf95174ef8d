package io.redisha.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.gateway.Gateway;
import io.redisha.sentinel.Sentinel;
import io.redisha.testing.RespClient;
import io.redisha.testing.Scrape;
import io.redisha.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring kit in metrics/ against the real thing: a node, a gateway and a sentinel
 * with their endpoints on, promtool, and a real Prometheus server scraping them.
 */
class MonitoringStackTest {

  static final Path KIT = Path.of("metrics");
  static final Pattern METRIC = Pattern.compile("\\b((?:redis_ha|jvm|vertx|process)_[a-z0-9_]+)\\b");

  @TempDir
  static Path dir;
  static TestNode node;
  /** Attached to node, so the per-replica series exist when the dashboard's queries are checked. */
  static TestNode replica;
  static Gateway gateway;
  static Sentinel sentinel;
  static int nodeMetrics, gatewayMetrics, sentinelMetrics;

  @BeforeAll
  static void up() throws Exception {
    nodeMetrics = Scrape.freePort();
    node = TestNode.start("--metrics-port", Integer.toString(nodeMetrics));
    replica = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(node.port()));
    long deadline = System.currentTimeMillis() + 10_000;
    while (!Scrape.metrics(nodeMetrics).contains("redis_ha_node_connected_replica_lag_seconds{")) {
      assertTrue(System.currentTimeMillis() < deadline, "the replica never attached to the node");
      Thread.sleep(20);
    }
    gatewayMetrics = Scrape.freePort();
    gateway = Gateway.startAndAwaitMaster("--master", "127.0.0.1", Integer.toString(node.port()), "--bind", "127.0.0.1",
        "--port", "0", "--metrics-port", Integer.toString(gatewayMetrics));
    sentinelMetrics = Scrape.freePort();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port 0\nbind 127.0.0.1\nmetrics-port " + sentinelMetrics + "\n"
        + "sentinel monitor mymaster 127.0.0.1 " + node.port() + " 1\n");
    sentinel = Sentinel.fromArgs(new String[] {conf.toString()});
    sentinel.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (RespClient c = new RespClient(gateway.port())) {
      c.call("SET", "k", "v");
      c.call("GET", "k");
    }
  }

  @AfterAll
  static void down() throws Exception {
    if (sentinel != null) sentinel.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (gateway != null) gateway.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (replica != null) replica.close();
    if (node != null) node.close();
  }

  /** Every sample name the three components export now (histogram series included). */
  static Set<String> exported() throws Exception {
    Set<String> names = new TreeSet<>();
    for (int port : new int[] {nodeMetrics, gatewayMetrics, sentinelMetrics}) {
      for (String line : Scrape.metrics(port).split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) continue;
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  static List<String> metricNames(String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Test
  void everyEndpointPassesPromtool() throws Exception {
    for (int port : new int[] {nodeMetrics, gatewayMetrics, sentinelMetrics}) {
      String[] check = Scrape.promtool(Scrape.metrics(port), "check", "metrics");
      assertEquals("0", check[0], "port " + port + ": " + check[1]);
    }
  }

  @Test
  void alertRulesAndScrapeConfigPassPromtool() throws Exception {
    String[] rules = Scrape.promtool(null, "check", "rules", KIT.resolve("alerts.yml").toString());
    assertEquals("0", rules[0], rules[1]);
    String[] config = Scrape.promtool(null, "check", "config", KIT.resolve("prometheus.yml").toString());
    assertEquals("0", config[0], config[1]);
  }

  @Test
  void dashboardAndAlertsUseOnlyExportedMetrics() throws Exception {
    Set<String> exported = exported();
    JsonObject dash = new JsonObject(Files.readString(KIT.resolve("grafana-dashboard.json")));
    List<String> exprs = new ArrayList<>();
    for (Object p : dash.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets");
      assertTrue(targets != null && !targets.isEmpty(), "panel without a query: " + p);
      for (Object t : targets) exprs.add(((JsonObject) t).getString("expr"));
    }
    for (Object a : dash.getJsonObject("annotations").getJsonArray("list")) exprs.add(((JsonObject) a).getString("expr"));
    for (String line : Files.readAllLines(KIT.resolve("alerts.yml"))) if (line.contains("redis_ha_")) exprs.add(line);
    int checked = 0;
    for (String e : exprs) {
      for (String name : metricNames(e)) {
        assertTrue(exported.contains(name), name + " (in " + e + ") is not exported; exported: " + exported);
        checked++;
      }
    }
    assertTrue(checked > 20, "the dashboard should query the components' metrics");
  }

  @Test
  void aRealPrometheusScrapesTheGatewayAndAnswersPromQl() throws Exception {
    int web = Scrape.freePort();
    Path conf = dir.resolve("prometheus.yml");
    Files.writeString(conf, "global:\n  scrape_interval: 1s\nscrape_configs:\n"
        + "  - job_name: gateway\n    static_configs:\n      - targets: ['127.0.0.1:" + gatewayMetrics + "']\n"
        + "  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:" + nodeMetrics + "']\n");
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder("prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + web).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitValue(p, log, web, "sum(redis_ha_gateway_commands_total{command=\"set\",route=\"master\",outcome=\"ok\"}) "
          + "* on() redis_ha_gateway_master_available", "1");
      awaitValue(p, log, web, "up{job=\"node\"}", "1");
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  /** Polls Prometheus's HTTP API until the query's first sample has the value wanted. */
  static void awaitValue(Process p, Path log, int web, String query, String want) throws Exception {
    String url = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    long deadline = System.currentTimeMillis() + 30_000;
    String last = "";
    while (true) {
      try {
        var r = Scrape.get(web, url);
        last = r.body();
        if (r.statusCode() == 200) {
          JsonArray result = new JsonObject(last).getJsonObject("data").getJsonArray("result");
          if (!result.isEmpty() && result.getJsonObject(0).getJsonArray("value").getString(1).equals(want)) return;
        }
      } catch (java.io.IOException notYet) {
        last = notYet.toString();
      }
      assertTrue(p.isAlive(), "prometheus exited:\n" + Files.readString(log));
      assertTrue(System.currentTimeMillis() < deadline, "Prometheus never answered " + want + " to " + query + "; last: "
          + last + "\n" + Files.readString(log));
      Thread.sleep(250);
    }
  }
}
