package io.redisha.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.redisha.metrics.Metrics;
import io.redisha.node.commands.InfoSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus meters, served on {@code metrics-port} (0 = off). The endpoint
 * runs on the node's single event loop, so every gauge reads the key space and the
 * counters on the thread that owns them. Labels are bounded: {@code db} by
 * {@code databases}, {@code role} by the two roles, {@code replica} by the replicas
 * attached now (their announced ip:port, the address a sentinel knows them by); never a
 * key or a client address.
 */
public final class NodeMetrics {

  static final String PREFIX = "redis_ha_node_";

  private final Node node;
  private final Metrics metrics;
  /** INFO replication parsed at most once per scrape (many gauges read it). */
  private Map<String, String> replication = Map.of();
  private long replicationReadNanos;
  /** One series per attached replica, replaced before each scrape so a gone replica's series go too. */
  private MultiGauge replicaLag;
  private MultiGauge replicaOffset;
  /** The replicas the series read: held here, as Micrometer keeps only weak references. */
  private List<Replication.ReplicaConn> scraped = List.of();

  NodeMetrics(Node node) {
    this.node = node;
    this.metrics = node.config.getInt("metrics-port") > 0 ? Metrics.create() : null;
  }

  /** The builder for the node's Vert.x: with Vert.x's own meters when the endpoint is on. */
  VertxBuilder vertxBuilder() {
    return metrics == null ? Vertx.builder() : metrics.vertxBuilder();
  }

  /** The endpoint's actual port, or 0 when off. */
  public int port() {
    return metrics == null ? 0 : metrics.port();
  }

  Future<Void> start() {
    if (metrics == null) return Future.succeededFuture();
    register(metrics.registry());
    List<String> binds = NodeConfig.castList(node.config.value("bind"));
    String host = binds.isEmpty() ? "0.0.0.0" : binds.get(0).replaceFirst("^-", "");
    if (host.equals("*")) host = "0.0.0.0";
    if (host.equals("::*")) host = "::";
    return metrics.serve(node.vertx(), host, node.config.getInt("metrics-port"), this::ready, this::refreshReplicas)
        .onSuccess(s -> node.log.notice("Metrics on port " + s.actualPort() + " (/metrics, /health, /ready)"))
        .mapEmpty();
  }

  Future<Void> stop() {
    return metrics == null ? Future.succeededFuture() : metrics.close();
  }

  /** A node is ready once it accepts connections and, as a replica, its link to the master is up. */
  private boolean ready() {
    if (node.role().equals("master")) return true;
    return "up".equals(replication().get("master_link_status"));
  }

  private void register(MeterRegistry r) {
    Stats s = node.stats;
    counter(r, "commands_processed", "Commands processed, as INFO's total_commands_processed", n -> s.commandsProcessed);
    counter(r, "connections_received", "Connections accepted", n -> s.connectionsReceived);
    counter(r, "rejected_connections", "Connections refused (maxclients, protected mode)", n -> s.rejectedConnections);
    counter(r, "expired_keys", "Keys deleted by expiry", n -> s.expiredKeys);
    counter(r, "evicted_keys", "Keys evicted by maxmemory", n -> s.evictedKeys);
    counter(r, "keyspace_hits", "Successful lookups of keys by read commands", n -> s.keyspaceHits);
    counter(r, "keyspace_misses", "Failed lookups of keys by read commands", n -> s.keyspaceMisses);
    counter(r, "error_replies", "Error replies sent", n -> s.totalErrorReplies);
    counter(r, "net_input_bytes", "Bytes read from clients", n -> s.netInputBytes);
    counter(r, "net_output_bytes", "Bytes written to clients", n -> s.netOutputBytes);
    gauge(r, "connected_clients", "Client connections open", n -> n.clientCount());
    gauge(r, "memory_used_bytes", "Java heap in use, as INFO's used_memory", n -> {
      Runtime rt = Runtime.getRuntime();
      return rt.totalMemory() - rt.freeMemory();
    });
    for (int i = 0; i < node.databases(); i++) {
      int db = i;
      Gauge.builder(PREFIX + "keys", node, n -> n.db(db).size()).description("Keys in the database")
          .tag("db", Integer.toString(db)).register(r);
      Gauge.builder(PREFIX + "expiring_keys", node, n -> n.db(db).expiresSize())
          .description("Keys with a time to live in the database").tag("db", Integer.toString(db)).register(r);
    }
    for (String role : List.of("master", "replica")) {
      String infoRole = role.equals("master") ? "master" : "slave";
      Gauge.builder(PREFIX + "replication_role", node, n -> infoRole.equals(n.role()) ? 1 : 0)
          .description("1 for the role the node has now").tag("role", role).register(r);
    }
    gauge(r, "master_repl_offset", "Replication offset, as INFO's master_repl_offset",
        n -> number(replication().get("master_repl_offset")));
    gauge(r, "connected_replicas", "Replicas connected to this node", n -> number(replication().get("connected_slaves")));
    gauge(r, "replica_lag_max_seconds", "The largest lag among this master's replicas (0 without replicas)",
        n -> maxReplicaLag());
    replicaLag = MultiGauge.builder(PREFIX + "connected_replica_lag_seconds")
        .description("Seconds since each attached replica last acknowledged (INFO's lag, to the millisecond)").register(r);
    replicaOffset = MultiGauge.builder(PREFIX + "connected_replica_offset_bytes")
        .description("The replication offset each attached replica acknowledged").register(r);
    gauge(r, "master_link_up", "For a replica: 1 when its link to the master is up",
        n -> "up".equals(replication().get("master_link_status")) ? 1 : 0);
    gauge(r, "rdb_changes_since_last_save", "Changes since the last RDB save", n -> n.dirty);
    gauge(r, "rdb_last_save_timestamp_seconds", "Unix time of the last successful RDB save", n -> n.lastSaveTime);
    gauge(r, "rdb_last_save_age_seconds", "Seconds since the last successful RDB save",
        n -> System.currentTimeMillis() / 1000.0 - n.lastSaveTime);
    gauge(r, "rdb_last_bgsave_ok", "1 when the last RDB save succeeded", n -> "ok".equals(n.persistence.lastBgsaveStatus()) ? 1 : 0);
    gauge(r, "rdb_bgsave_in_progress", "1 while an RDB save runs", n -> n.persistence.bgsaveInProgress() ? 1 : 0);
    counter(r, "rdb_saves", "RDB saves made since start", n -> n.persistence.saves());
    gauge(r, "aof_enabled", "1 when appendonly is on", n -> n.aof.enabled() ? 1 : 0);
    gauge(r, "aof_last_write_ok", "1 when the last AOF write succeeded", n -> n.aof.lastWriteOk() ? 1 : 0);
    gauge(r, "uptime_seconds", "Seconds since the node started", n -> (System.currentTimeMillis() - n.startMs) / 1000.0);
  }

  /** On the node's loop, before each scrape: the replicas attached now, no others. */
  private void refreshReplicas() {
    List<Replication.ReplicaConn> now = new ArrayList<>(node.replication.replicas());
    scraped = now;
    List<MultiGauge.Row<?>> lag = new ArrayList<>(now.size());
    List<MultiGauge.Row<?>> offset = new ArrayList<>(now.size());
    for (Replication.ReplicaConn rc : now) {
      Tags tags = Tags.of("replica", rc.ip() + ":" + rc.listeningPort());
      lag.add(MultiGauge.Row.of(tags, rc, c -> Math.max(0, node.clock.nowMs() - c.ackMs()) / 1000.0));
      offset.add(MultiGauge.Row.of(tags, rc, c -> c.ackOffset()));
    }
    replicaLag.register(lag, true);
    replicaOffset.register(offset, true);
  }

  private void counter(MeterRegistry r, String name, String help, ToDoubleFunction<Node> f) {
    // Prometheus adds the _total suffix to counters.
    FunctionCounter.builder(PREFIX + name, node, f).description(help).register(r);
  }

  private void gauge(MeterRegistry r, String name, String help, ToDoubleFunction<Node> f) {
    Gauge.builder(PREFIX + name, node, f).description(help).register(r);
  }

  private Map<String, String> replication() {
    long now = System.nanoTime();
    if (replication.isEmpty() || now - replicationReadNanos > 500_000_000L) {
      replication = InfoSnapshot.section(node, "replication");
      replicationReadNanos = now;
    }
    return replication;
  }

  private double maxReplicaLag() {
    double max = 0;
    for (Map.Entry<String, String> e : replication().entrySet()) {
      if (!e.getKey().matches("slave\\d+")) continue;
      for (String kv : e.getValue().split(",")) {
        if (kv.startsWith("lag=")) max = Math.max(max, number(kv.substring(4)));
      }
    }
    return max;
  }

  private static double number(String s) {
    if (s == null) return 0;
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
