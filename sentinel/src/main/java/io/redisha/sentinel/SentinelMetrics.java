package io.redisha.sentinel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.redisha.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VertxBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The sentinel's Prometheus meters, on its own {@code metrics-port} directive (0 = off).
 * Per monitored master (names come from the configuration, so the label is bounded):
 * its state, the replicas and sentinels known, failovers started, finished and aborted;
 * and the sentinel's current epoch and tilt. The endpoint runs on the sentinel's single
 * event loop, so the scrape reads the instances on the thread that owns them.
 */
final class SentinelMetrics {

  static final String PREFIX = "redis_ha_sentinel_";

  private final Sentinel sentinel;
  private final Metrics metrics;
  private MeterRegistry registry;
  private MultiGauge state;
  private MultiGauge replicas;
  private MultiGauge sentinels;
  private MultiGauge failoverInProgress;

  private SentinelMetrics(Sentinel sentinel, Metrics metrics) {
    this.sentinel = sentinel;
    this.metrics = metrics;
  }

  /** Null when metrics-port is 0. */
  static SentinelMetrics create(Sentinel s) {
    return s.config.metricsPort > 0 ? new SentinelMetrics(s, Metrics.create()) : null;
  }

  VertxBuilder vertxBuilder() {
    return metrics.vertxBuilder();
  }

  int port() {
    return metrics.port();
  }

  Future<Void> start() {
    registry = metrics.registry();
    Gauge.builder(PREFIX + "current_epoch", sentinel, s -> s.currentEpoch).description("The sentinel's current epoch")
        .register(registry);
    Gauge.builder(PREFIX + "tilt", sentinel, s -> s.tilt ? 1 : 0).description("1 while in TILT mode").register(registry);
    Gauge.builder(PREFIX + "masters", sentinel, s -> s.masters.size()).description("Masters monitored").register(registry);
    state = MultiGauge.builder(PREFIX + "master_state")
        .description("1 for the master's state now: ok, sdown (this sentinel) or odown (quorum agrees)").register(registry);
    replicas = MultiGauge.builder(PREFIX + "master_replicas").description("Replicas known for the master").register(registry);
    sentinels = MultiGauge.builder(PREFIX + "master_sentinels")
        .description("Other sentinels known for the master").register(registry);
    failoverInProgress = MultiGauge.builder(PREFIX + "master_failover_in_progress")
        .description("1 while a failover of the master runs").register(registry);
    for (Instance m : sentinel.masters.values()) counters(m.name);
    List<String> bind = sentinel.config.bind;
    String host = bind.isEmpty() ? "0.0.0.0" : bind.get(0);
    // A sentinel is ready once it runs outside TILT: its view of the masters can be trusted.
    return metrics.serve(sentinel.vertx(), host, sentinel.config.metricsPort, () -> !sentinel.tilt, this::beforeScrape)
        .mapEmpty();
  }

  Future<Void> stop() {
    return metrics.close();
  }

  /** Called by the event funnel: failover milestones become counters. */
  void event(String type, Instance ri) {
    if (registry == null) return;
    Instance m = ri == null ? null : ri.master == null ? ri : ri.master;
    if (m == null) return;
    if (type.equals("+try-failover")) counter("failovers_started", m.name).increment();
    else if (type.equals("+failover-end")) counter("failovers_finished", m.name).increment();
    else if (type.startsWith("-failover-abort")) counter("failovers_aborted", m.name).increment();
  }

  private void counters(String master) {
    counter("failovers_started", master);
    counter("failovers_finished", master);
    counter("failovers_aborted", master);
  }

  private Counter counter(String name, String master) {
    return Counter.builder(PREFIX + name).description("Failovers of the master (" + name.substring(10) + ")")
        .tag("master", master).register(registry);
  }

  private void beforeScrape() {
    List<MultiGauge.Row<?>> st = new ArrayList<>();
    List<MultiGauge.Row<?>> rep = new ArrayList<>();
    List<MultiGauge.Row<?>> sen = new ArrayList<>();
    List<MultiGauge.Row<?>> fo = new ArrayList<>();
    for (Instance m : sentinel.masters.values()) {
      boolean odown = m.flags.contains(InstanceFlag.ODOWN);
      boolean sdown = m.sdown();
      String now = odown ? "odown" : sdown ? "sdown" : "ok";
      for (String s : new String[] {"ok", "sdown", "odown"}) {
        st.add(MultiGauge.Row.of(Tags.of("master", m.name, "state", s), s.equals(now) ? 1 : 0));
      }
      rep.add(MultiGauge.Row.of(Tags.of("master", m.name), m.replicas.size()));
      sen.add(MultiGauge.Row.of(Tags.of("master", m.name), m.sentinels.size()));
      fo.add(MultiGauge.Row.of(Tags.of("master", m.name), m.failoverState == FailoverState.NONE ? 0 : 1));
    }
    state.register(st, true);
    replicas.register(rep, true);
    sentinels.register(sen, true);
    failoverInProgress.register(fo, true);
  }
}
