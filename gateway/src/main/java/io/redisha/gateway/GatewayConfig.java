package io.redisha.gateway;

import io.redisha.config.ConfigException;
import io.redisha.config.ConfigFile;
import io.redisha.config.ConfigLine;
import io.redisha.config.Settings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's configuration, in redis.conf's directive style (a file, then
 * {@code --directive value} options that override it):
 *
 * <pre>
 * port 6380                     # where clients connect
 * bind 127.0.0.1                # address to listen on
 * requirepass secret            # what clients must AUTH with; the backends' password is separate
 * sentinel 10.0.0.1 26379       # repeatable: the sentinels to follow
 * master-name mymaster
 * sentinel-auth-pass secret     # if the sentinels require a password
 * backend-auth-pass secret      # the nodes' requirepass, never shown to clients
 * master 10.0.0.2 6379          # static setup without sentinels
 * replica 10.0.0.3 6379 [3]     # repeatable, static setup; optional read weight (default 1)
 *                               # (master and replica lines name the nodes a manual switchover moves between)
 * replica-weight 10.0.0.3 6379 3 # repeatable: a replica's read weight, also for replicas the sentinels report
 * read-policy master            # master | replica | prefer-replica | round-robin | least-latency
 * max-replica-lag-bytes 0       # 0: no limit; otherwise replicas further behind get no reads
 * read-your-writes no           # yes: a client's reads never see data older than its own writes
 * failover-hold-ms 5000         # how long a command for the master waits for a new one
 * check-interval-ms 1000        # how often sentinels and backends are re-checked
 * write-ack-replicas 0          # N > 0: a write is acknowledged only once N replicas have it
 * write-ack-timeout-ms 1000     # how long to wait for them; then -NOREPLICAS gateway: ...
 * metrics-port 0                # HTTP /metrics (Prometheus), /health, /ready on this port; 0: off
 * </pre>
 *
 * A line the gateway cannot use stops start-up with the line named.
 *
 * <p>Read weights: a replica with weight 3 gets three times the reads of one with weight 1
 * under the replica, prefer-replica and round-robin policies; weight 0 gets reads only
 * when no replica with a positive weight is usable. The address must be the one the
 * master's INFO replication reports for the replica (ip and listening port).
 */
public final class GatewayConfig {

  /** A host and port as configured or as a sentinel reported it. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public final Settings settings;
  public final List<HostPort> sentinels = new ArrayList<>();
  public final List<HostPort> staticReplicas = new ArrayList<>();
  public HostPort staticMaster;
  /** Read weights by replica address; replicas not listed weigh 1. */
  public final java.util.Map<HostPort, Integer> replicaWeights = new java.util.HashMap<>();

  private GatewayConfig(Settings settings) {
    this.settings = settings;
  }

  static Settings definitions() {
    return new Settings()
        .integer("port", 6380, 0, 65535, false)
        .string("bind", "0.0.0.0", false)
        .string("requirepass", "", false)
        .string("master-name", "mymaster", false)
        .string("sentinel-auth-pass", "", false)
        .string("backend-auth-pass", "", false)
        .choice("read-policy", "master", false, "master", "replica", "prefer-replica", "round-robin", "least-latency")
        .memory("max-replica-lag-bytes", 0, false)
        .bool("read-your-writes", false, false)
        .integer("failover-hold-ms", 5000, 0, 600_000, false)
        .integer("check-interval-ms", 1000, 10, 60_000, false)
        .integer("max-pipeline", 4096, 16, 1 << 20, false)
        .integer("max-client-inflight", 128, 1, 1 << 20, false)
        .string("loglevel", "notice", false)
        .string("logfile", "", false)
        .choice("log-format", "legacy", false, "legacy", "logfmt")
        .choice("log-timestamp-format", "legacy", false, "legacy", "iso8601", "milliseconds")
        .integer("write-ack-replicas", 0, 0, 64, false)
        .integer("write-ack-timeout-ms", 1000, 1, 600_000, false)
        .integer("metrics-port", 0, 0, 65535, false);
  }

  /** Parses {@code [file] [--directive value ...]}; throws ConfigException naming the bad line. */
  public static GatewayConfig fromArgs(String[] args) throws IOException {
    ConfigFile.Parsed parsed = ConfigFile.parseArgs(args);
    return fromLines(parsed.lines());
  }

  public static GatewayConfig fromLines(List<ConfigLine> lines) {
    GatewayConfig c = new GatewayConfig(definitions());
    for (ConfigLine line : lines) {
      switch (line.directive()) {
        // Repeatable directives collect; Settings keeps one value per name.
        case "sentinel" -> c.sentinels.add(hostPort(line));
        case "replica", "slave" -> c.staticReplica(line);
        case "replica-weight" -> c.replicaWeight(line);
        case "master" -> c.staticMaster = hostPort(line);
        case "loglevel" -> {
          c.settings.apply(line);
          try {
            io.redisha.util.Log.parseLevel(line.values().get(0));
          } catch (IllegalArgumentException e) {
            throw new ConfigException(line, e.getMessage());
          }
        }
        default -> c.settings.apply(line);
      }
    }
    if (c.sentinels.isEmpty() && c.staticMaster == null) {
      throw new ConfigException("Bad gateway configuration: give 'sentinel <host> <port>' (with 'master-name') "
          + "or a static 'master <host> <port>'");
    }
    if (!c.sentinels.isEmpty() && c.staticMaster != null) {
      throw new ConfigException("Bad gateway configuration: 'sentinel' and a static 'master' exclude each other");
    }
    return c;
  }

  /** {@code replica <host> <port> [weight]}. */
  private void staticReplica(ConfigLine line) {
    List<String> v = line.values();
    if (v.size() != 2 && v.size() != 3) {
      throw new ConfigException(line, "Bad directive or wrong number of arguments (expected: <host> <port> [weight])");
    }
    HostPort hp = hostPort(line, v.subList(0, 2));
    staticReplicas.add(hp);
    if (v.size() == 3) replicaWeights.put(hp, weight(line, v.get(2)));
  }

  /** {@code replica-weight <host> <port> <weight>}. */
  private void replicaWeight(ConfigLine line) {
    List<String> v = line.values();
    if (v.size() != 3) throw new ConfigException(line, "Bad directive or wrong number of arguments (expected: <host> <port> <weight>)");
    replicaWeights.put(hostPort(line, v.subList(0, 2)), weight(line, v.get(2)));
  }

  private static int weight(ConfigLine line, String s) {
    try {
      int w = Integer.parseInt(s);
      if (w >= 0 && w <= 1_000_000) return w;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(line, "Invalid weight (expected: an integer from 0 to 1000000)");
  }

  private static HostPort hostPort(ConfigLine line) {
    if (line.values().size() != 2) throw new ConfigException(line, "Bad directive or wrong number of arguments (expected: <host> <port>)");
    return hostPort(line, line.values());
  }

  private static HostPort hostPort(ConfigLine line, List<String> v) {
    int port;
    try {
      port = Integer.parseInt(v.get(1));
    } catch (NumberFormatException e) {
      throw new ConfigException(line, "Invalid port");
    }
    if (port < 1 || port > 65535) throw new ConfigException(line, "Invalid port");
    return new HostPort(v.get(0), port);
  }

  /**
   * A static setup's nodes, the {@code master} line first: the gateway asks each its ROLE,
   * so the master line names where to start, not a node that must stay master.
   */
  public List<HostPort> staticNodes() {
    java.util.LinkedHashSet<HostPort> nodes = new java.util.LinkedHashSet<>();
    if (staticMaster != null) nodes.add(staticMaster);
    nodes.addAll(staticReplicas);
    return new ArrayList<>(nodes);
  }

  public int port() {
    return settings.getInt("port");
  }

  public String requirepass() {
    return settings.getString("requirepass");
  }

  public String backendPass() {
    return settings.getString("backend-auth-pass");
  }

  /** A replica's read weight (1 unless configured). */
  public int replicaWeight(HostPort addr) {
    return replicaWeights.getOrDefault(addr, 1);
  }

  public String readPolicy() {
    return settings.getString("read-policy");
  }
}
