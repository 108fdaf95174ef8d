package io.redisha.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.PrometheusRequestHandler;
import java.util.function.BooleanSupplier;

/**
 * Shared metrics plumbing for every component: one Prometheus registry per component
 * with the JVM's meters, a Vert.x builder that reports Vert.x's own meters (net servers
 * and clients, event loops, pools) into it, and the HTTP endpoint on the metrics port:
 * {@code /metrics} (Prometheus text), {@code /health} (the process is alive) and
 * {@code /ready} (the component's own predicate, e.g. "the gateway has a master").
 *
 * <p>The registry is micrometer-registry-prometheus, the current Prometheus Java client:
 * vertx-micrometer-metrics 5 links against it, and the simpleclient flavour fails with
 * NoClassDefFoundError there. Components define their own meters in their own packages;
 * this package knows none of them.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry;
  private JvmGcMetrics gc;
  private HttpServer server;

  private Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A registry with the JVM's and the process's meters bound. */
  public static Metrics create() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics m = new Metrics(r);
    // promtool's lint refuses a unit abbreviation in a name (process_cpu_time_ns_total; process_cpu_usage
    // says the same) and a _count suffix on a gauge (system_cpu_count).
    r.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    r.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    });
    new JvmMemoryMetrics().bindTo(r);
    m.gc = new JvmGcMetrics();
    m.gc.bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    return m;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A histogram (seconds) recorded and scraped on one event loop, cheaper than a Timer on
   * a hot path; {@code boundsNanos} are the buckets' upper bounds, ascending.
   */
  public LoopHistogram loopHistogram(String name, String help, String labelName, long... boundsNanos) {
    LoopHistogram h = new LoopHistogram(name, help, labelName, boundsNanos);
    registry.getPrometheusRegistry().register(h);
    return h;
  }

  /** A Vert.x builder whose instance reports its own meters into this registry. */
  public VertxBuilder vertxBuilder() {
    return Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * Serves /metrics, /health and /ready on {@code host:port} (port 0 picks a free one).
   * The handlers run on the calling context's event loop, so a component that starts the
   * endpoint from its own single-threaded loop (the node) reads its state without races.
   */
  public Future<HttpServer> serve(Vertx vertx, String host, int port, BooleanSupplier ready) {
    return serve(vertx, host, port, ready, () -> {});
  }

  /** As above; {@code beforeScrape} refreshes meters whose label sets change (a topology's nodes). */
  public Future<HttpServer> serve(Vertx vertx, String host, int port, BooleanSupplier ready, Runnable beforeScrape) {
    Handler<HttpServerRequest> scrape = PrometheusRequestHandler.create(registry, "/metrics");
    return vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/metrics" -> {
          try {
            beforeScrape.run();
            scrape.handle(req);
          } catch (RuntimeException e) {
            // A meter that cannot be read must not leave the scraper waiting for an answer.
            if (!req.response().ended()) req.response().setStatusCode(500).end(String.valueOf(e) + "\n");
          }
        }
        case "/health" -> req.response().putHeader("content-type", "text/plain").end("OK\n");
        case "/ready" -> {
          boolean ok;
          try {
            ok = ready.getAsBoolean();
          } catch (RuntimeException e) {
            ok = false;
          }
          req.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "text/plain")
              .end(ok ? "READY\n" : "NOT READY\n");
        }
        default -> req.response().setStatusCode(404).end();
      }
    }).listen(port, host).map(s -> server = s);
  }

  /** The port the endpoint listens on (the chosen one when 0 was asked), or 0 when not serving. */
  public int port() {
    return server == null ? 0 : server.actualPort();
  }

  /** Stops the endpoint and unbinds the JVM GC listener; the caller closes its Vert.x instance. */
  public Future<Void> close() {
    if (gc != null) gc.close();
    registry.close();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
