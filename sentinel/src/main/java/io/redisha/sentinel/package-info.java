/**
 * A Redis Sentinel, wire-compatible with redis-sentinel 7.0, so that mixed groups,
 * Sentinel-aware clients and existing sentinel.conf files work unchanged.
 *
 * <p>Layout: {@link io.redisha.sentinel.SentinelConfig} reads sentinel.conf and rewrites
 * it (temp file + rename) with what was learned; {@link io.redisha.sentinel.Sentinel}
 * holds the state and runs the tick (monitoring, SDOWN/ODOWN, votes, the failover state
 * machine {@link io.redisha.sentinel.FailoverState}, events); {@link io.redisha.sentinel.Instance}
 * is one master, replica or peer sentinel with its {@link io.redisha.sentinel.InstanceFlag}s and
 * its {@link io.redisha.sentinel.InstanceLink}s (one command link, one pub/sub link);
 * {@link io.redisha.sentinel.SentinelServer} is the sentinel's own server (SENTINEL, INFO,
 * ROLE, pub/sub of the events).
 *
 * <p>Where ours differs from Redis by design: every period is a setting
 * ({@code sentinel-tick-ms}, {@code sentinel-ping-period-ms}, {@code sentinel-info-period-ms},
 * {@code sentinel-info-failover-period-ms}, {@code sentinel-hello-period-ms},
 * {@code sentinel-ask-period-ms}, {@code sentinel-tilt-trigger-ms}, {@code sentinel-tilt-period-ms},
 * {@code sentinel-convert-delay-ms}, {@code sentinel-failover-jitter-ms},
 * {@code sentinel-election-timeout-ms}), and the defaults remove Redis's fixed waits
 * (INFO every 50 ms instead of 1 s once a master is down, votes asked every 100 ms and
 * at once when a failover starts, a 0-150 ms start jitter instead of 0-1000 ms, a
 * returning old master converted after 300 ms instead of 8 s).
 */
package io.redisha.sentinel;
