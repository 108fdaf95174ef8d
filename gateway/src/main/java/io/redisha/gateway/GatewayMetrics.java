package io.redisha.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.redisha.command.CommandSpec;
import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.metrics.LoopHistogram;
import io.redisha.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's Prometheus meters, served on {@code metrics-port} (0 = off, and then
 * {@code Gateway.metrics} is null so the hot path pays one null check).
 *
 * <p>Cost on the hot path is kept to plain {@code long} increments, one-entry caches in
 * front of the per-command and per-backend maps, and two histogram records per command: the endpoint runs on the gateway's single event loop, so the
 * counters need no atomics and the scrape reads them on the thread that writes them.
 * Label values are bounded: command names come from the command table (anything else
 * is "unknown"), routes and outcomes are fixed sets, backends are the topology's nodes.
 */
final class GatewayMetrics {

  static final String PREFIX = "redis_ha_gateway_";
  static final String[] ROUTES = {"master", "replica", "local"};
  static final int MASTER = 0, REPLICA = 1, LOCAL = 2;
  static final String[] OUTCOMES = {"ok", "error"};

  /** Sub-millisecond buckets: the gateway adds tens of microseconds, a backend answers in hundreds. */
  private static final long[] BUCKETS_NANOS = {
      25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000,
      50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 5_000_000_000L};

  private final Gateway gw;
  private final Metrics metrics;
  private MeterRegistry registry;
  /** Per command: calls by route * 2 + outcome. */
  private final Map<CommandSpec, long[]> byCommand = new IdentityHashMap<>();
  private long[] unknownCommand;
  private final LoopHistogram.Series[] clientLatency = new LoopHistogram.Series[ROUTES.length];
  private LoopHistogram backendHistogram;
  private final Map<HostPort, LoopHistogram.Series> backendLatency = new HashMap<>();
  // One-entry caches in front of the two maps: a pipeline or a benchmark repeats one command
  // against one backend, so most replies skip the hash lookups (and HostPort's record hashCode).
  private CommandSpec lastSpec;
  private long[] lastCounts;
  private HostPort lastAddr;
  private LoopHistogram.Series lastBackend;
  private MultiGauge backendUp;
  private MultiGauge backendLag;

  long writesHeld;
  long writesFailedNoMaster;
  long readYourWritesRedirects;

  private GatewayMetrics(Gateway gw, Metrics metrics) {
    this.gw = gw;
    this.metrics = metrics;
  }

  /** Null when metrics-port is 0. */
  static GatewayMetrics create(Gateway gw) {
    return gw.config.settings.getInt("metrics-port") > 0 ? new GatewayMetrics(gw, Metrics.create()) : null;
  }

  VertxBuilder vertxBuilder() {
    return metrics.vertxBuilder();
  }

  int port() {
    return metrics.port();
  }

  /** Registers the meters and serves the endpoint; call on the gateway's event loop. */
  Future<Void> start(Vertx vertx) {
    registry = metrics.registry();
    register(registry);
    return metrics.serve(vertx, gw.config.settings.getString("bind"), gw.config.settings.getInt("metrics-port"),
        this::ready, this::beforeScrape).mapEmpty();
  }

  Future<Void> stop() {
    return metrics.close();
  }

  /** Ready: the gateway has a confirmed master to route writes to. */
  private boolean ready() {
    Topology t = gw.topology;
    return t != null && t.master != null && t.state == Topology.State.SERVING;
  }

  // ---------------------------------------------------------------- hot path

  /** A backend (or the gateway, {@code from} null) answered s; {@code first} is the reply's type byte. */
  void completed(Slot s, BackendConn from, byte first) {
    if (s.startNanos == 0) return; // not a client's request (a subscribe barrier, a handshake)
    long now = System.nanoTime();
    int route = from == null ? LOCAL : from.generation >= 0 ? MASTER : REPLICA;
    int outcome = first == '-' || first == '!' ? 1 : 0;
    counts(s.spec)[route * 2 + outcome]++;
    clientLatency[route].recordNanos(now - s.startNanos);
    if (from != null && s.sentNanos != 0) backendSeries(from.addr).recordNanos(now - s.sentNanos);
  }

  /** The gateway answered itself (AUTH, HELLO, SELECT, errors it makes). */
  void local(CommandSpec spec, byte first) {
    counts(spec)[LOCAL * 2 + (first == '-' || first == '!' ? 1 : 0)]++;
  }

  private long[] counts(CommandSpec spec) {
    if (spec == lastSpec && spec != null) return lastCounts;
    if (spec == null) {
      if (unknownCommand == null) unknownCommand = registerCommand("unknown");
      return unknownCommand;
    }
    long[] c = byCommand.get(spec);
    if (c == null) {
      c = registerCommand(spec.name());
      byCommand.put(spec, c);
    }
    lastSpec = spec;
    lastCounts = c;
    return c;
  }

  private long[] registerCommand(String name) {
    long[] c = new long[ROUTES.length * 2];
    for (int r = 0; r < ROUTES.length; r++) {
      for (int o = 0; o < 2; o++) {
        int i = r * 2 + o;
        FunctionCounter.builder(PREFIX + "commands", c, a -> a[i])
            .description("Commands answered, by command name, route and outcome (error = an error reply)")
            .tags("command", name, "route", ROUTES[r], "outcome", OUTCOMES[o]).register(registry);
      }
    }
    return c;
  }

  private LoopHistogram.Series backendSeries(HostPort addr) {
    if (addr == lastAddr) return lastBackend;
    LoopHistogram.Series t = backendLatency.get(addr);
    if (t == null) {
      t = backendHistogram.series(addr.toString());
      backendLatency.put(addr, t);
    }
    lastAddr = addr;
    lastBackend = t;
    return t;
  }

  // ---------------------------------------------------------------- registration

  private void register(MeterRegistry r) {
    LoopHistogram client = metrics.loopHistogram(PREFIX + "request_latency_seconds",
        "Time from a request's arrival to its reply being ready, as the client sees it", "route", BUCKETS_NANOS);
    for (int i = 0; i < ROUTES.length; i++) clientLatency[i] = client.series(ROUTES[i]);
    backendHistogram = metrics.loopHistogram(PREFIX + "backend_latency_seconds",
        "Time from sending a request to a backend to its reply", "backend", BUCKETS_NANOS);
    Gateway g = gw;
    FunctionCounter.builder(PREFIX + "connections_received", g, x -> x.connectionsReceived)
        .description("Client connections accepted").register(r);
    Gauge.builder(PREFIX + "connections", g, x -> x.clientCount()).description("Client connections open").register(r);
    Gauge.builder(PREFIX + "pipeline_depth_max", g, x -> x.maxPipelineDepth())
        .description("The deepest client pipeline now: requests waiting for their reply").register(r);
    Gauge.builder(PREFIX + "requests_in_flight", g, x -> x.requestsInFlight())
        .description("Requests waiting for their reply, all clients").register(r);
    FunctionCounter.builder(PREFIX + "failovers", g, x -> x.topology == null ? 0 : x.topology.failovers)
        .description("Times the gateway moved to a new master").register(r);
    FunctionCounter.builder(PREFIX + "master_losses", g, x -> x.topology == null ? 0 : x.topology.masterLosses)
        .description("Times the gateway lost its master and held writes").register(r);
    Gauge.builder(PREFIX + "last_failover_duration_seconds", g,
            x -> x.topology == null ? 0 : x.topology.lastOutageNanos / 1e9)
        .description("How long the gateway was without a master before the current one was confirmed").register(r);
    Gauge.builder(PREFIX + "last_failover_timestamp_seconds", g,
            x -> x.topology == null ? 0 : x.topology.lastMasterChangeMs / 1000.0)
        .description("Unix time the current master was confirmed after a change (0: never changed)").register(r);
    Gauge.builder(PREFIX + "master_available", g, x -> ready() ? 1 : 0)
        .description("1 while a confirmed master receives writes").register(r);
    FunctionCounter.builder(PREFIX + "writes_held", this, m -> m.writesHeld)
        .description("Writes that waited for a master (failover in progress)").register(r);
    FunctionCounter.builder(PREFIX + "writes_failed_no_master", this, m -> m.writesFailedNoMaster)
        .description("Writes failed because no master came within failover-hold-ms").register(r);
    FunctionCounter.builder(PREFIX + "read_your_writes_redirects", this, m -> m.readYourWritesRedirects)
        .description("Reads sent to the master because no replica had the client's own writes yet").register(r);
    Gauge.builder(PREFIX + "replicas_usable", g, x -> x.topology == null ? 0 : x.topology.replicas.size())
        .description("Replicas the read policy may use now").register(r);
    backendUp = MultiGauge.builder(PREFIX + "backend_up")
        .description("1 for each backend the gateway routes to now, by role").register(r);
    backendLag = MultiGauge.builder(PREFIX + "backend_lag_bytes")
        .description("How far each backend's replication offset is behind the master's (0 for the master)").register(r);
  }

  /** Backends come and go with the topology: their gauges are rebuilt at each scrape. */
  private void beforeScrape() {
    Topology t = gw.topology;
    if (t == null) return;
    List<MultiGauge.Row<?>> up = new ArrayList<>();
    List<MultiGauge.Row<?>> lag = new ArrayList<>();
    if (t.master != null) {
      Tags tags = Tags.of("backend", t.master.toString(), "role", "master");
      up.add(MultiGauge.Row.of(tags, 1));
      lag.add(MultiGauge.Row.of(tags, 0));
    }
    for (Topology.Replica rep : t.replicas) {
      Tags tags = Tags.of("backend", rep.addr.toString(), "role", "replica");
      up.add(MultiGauge.Row.of(tags, 1));
      lag.add(MultiGauge.Row.of(tags, rep.lagBytes));
    }
    backendUp.register(up, true);
    backendLag.register(lag, true);
  }
}
