package io.redisha.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A latency histogram in seconds for a component whose hot path and scrapes run on one
 * event loop: recording is a short loop over the bounds and two plain {@code long}
 * increments, where Micrometer's Timer pays atomics, a time-window max and a
 * percentile structure on every call. That difference decided the gateway's
 * throughput with metrics on (measured: ~0.87x with Timers). Not thread-safe by
 * design: record and scrape on the owning event loop only.
 */
public final class LoopHistogram implements MultiCollector {

  private final String name;
  private final String help;
  private final String labelName;
  private final long[] boundsNanos;
  private final double[] boundsSeconds;
  private final Map<String, Series> series = new LinkedHashMap<>();

  /** One label value's buckets. */
  public static final class Series {
    private final long[] bounds;
    /** Per bucket, not cumulative; the last is +Inf. */
    final long[] counts;
    long sumNanos;

    Series(long[] bounds) {
      this.bounds = bounds;
      this.counts = new long[bounds.length + 1];
    }

    public void recordNanos(long nanos) {
      int i = 0;
      while (i < bounds.length && nanos > bounds[i]) i++;
      counts[i]++;
      sumNanos += nanos;
    }
  }

  LoopHistogram(String name, String help, String labelName, long[] boundsNanos) {
    this.name = name;
    this.help = help;
    this.labelName = labelName;
    this.boundsNanos = boundsNanos.clone();
    this.boundsSeconds = new double[boundsNanos.length + 1];
    for (int i = 0; i < boundsNanos.length; i++) boundsSeconds[i] = boundsNanos[i] / 1e9;
    boundsSeconds[boundsNanos.length] = Double.POSITIVE_INFINITY;
  }

  /** The series for a label value, created on first use (values must come from a bounded set). */
  public Series series(String labelValue) {
    Series s = series.get(labelValue);
    if (s == null) {
      s = new Series(boundsNanos);
      series.put(labelValue, s);
    }
    return s;
  }

  @Override
  public MetricSnapshots collect() {
    List<HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
    for (Map.Entry<String, Series> e : series.entrySet()) {
      Series s = e.getValue();
      points.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(boundsSeconds, s.counts.clone()),
          s.sumNanos / 1e9, Labels.of(labelName, e.getKey()), Exemplars.EMPTY, 0L));
    }
    return new MetricSnapshots(new HistogramSnapshot(new MetricMetadata(name, help), points));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(name);
  }
}
