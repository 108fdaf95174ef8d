package io.redisha.node;

import io.redisha.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The redis.conf directives the node understands, with redis-server 7.0's defaults.
 * Directives of later features (replication, AOF) are parsed and validated already so
 * that a user's redis.conf loads; what each one does is listed in the README.
 */
public final class NodeConfig {

  private NodeConfig() {}

  /** A replicaof value: host and port, or null for "no one". */
  public record ReplicaOf(String host, int port) {
    @Override
    public String toString() {
      return host + " " + port;
    }
  }

  public static Settings create() {
    Settings s = new Settings();
    s.integer("port", 6379, 0, 65535, false);
    s.define("bind", List.of("*", "-::*"), v -> List.copyOf(v), o -> String.join(" ", castList(o)), false);
    s.bool("protected-mode", true, true);
    s.string("requirepass", "", true);
    s.integer("databases", 16, 1, Integer.MAX_VALUE, false);
    s.string("dir", System.getProperty("user.dir"), true);
    s.string("dbfilename", "dump.rdb", true);
    s.integer("maxclients", 10000, 1, Integer.MAX_VALUE, true);
    s.integer("timeout", 0, 0, Integer.MAX_VALUE, true);
    s.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true);
    s.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false);
    s.string("logfile", "", false);
    s.choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning", "nothing");
    s.bool("daemonize", false, false);
    s.string("pidfile", "", false);
    s.integer("hz", 10, 1, 500, true);
    s.memory("proto-max-bulk-len", 512L * 1024 * 1024, true);
    s.memory("client-query-buffer-limit", 1024L * 1024 * 1024, true);
    s.define("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        NodeConfig::parseOutputLimits, o -> (String) o, true);
    s.memory("maxmemory", 0, true);
    s.choice("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu", "volatile-random",
        "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
    s.string("notify-keyspace-events", "", true);

    // Encoding thresholds: OBJECT ENCODING reports what redis-server would choose.
    s.integer("hash-max-listpack-entries", 128, 0, Integer.MAX_VALUE, true);
    s.integer("hash-max-listpack-value", 64, 0, Integer.MAX_VALUE, true);
    s.integer("set-max-intset-entries", 512, 0, Integer.MAX_VALUE, true);
    s.integer("zset-max-listpack-entries", 128, 0, Integer.MAX_VALUE, true);
    s.integer("zset-max-listpack-value", 64, 0, Integer.MAX_VALUE, true);
    s.integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
    s.integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true);
    s.alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
    s.alias("hash-max-ziplist-value", "hash-max-listpack-value");
    s.alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
    s.alias("zset-max-ziplist-value", "zset-max-listpack-value");
    s.alias("list-max-ziplist-size", "list-max-listpack-size");

    // Persistence (the persistence issue implements them).
    s.define("save", "3600 1 300 100 60 10000", NodeConfig::parseSave, o -> (String) o, true);
    s.bool("appendonly", false, true);
    s.choice("appendfsync", "everysec", true, "always", "everysec", "no");
    s.string("appendfilename", "appendonly.aof", false);
    s.string("appenddirname", "appendonlydir", false);
    s.bool("rdbcompression", true, true);
    s.bool("rdbchecksum", true, true);
    s.bool("stop-writes-on-bgsave-error", true, true);
    s.bool("aof-load-truncated", true, true);
    s.bool("aof-use-rdb-preamble", true, true);

    // Replication (the replication issue implements them).
    s.define("replicaof", null, NodeConfig::parseReplicaOf, o -> o == null ? "" : o.toString(), true);
    s.alias("slaveof", "replicaof");
    s.string("masterauth", "", true);
    s.string("masteruser", "", true);
    s.bool("replica-read-only", true, true);
    s.alias("slave-read-only", "replica-read-only");
    s.bool("replica-serve-stale-data", true, true);
    s.alias("slave-serve-stale-data", "replica-serve-stale-data");
    s.integer("replica-priority", 100, 0, Integer.MAX_VALUE, true);
    s.alias("slave-priority", "replica-priority");
    s.string("replica-announce-ip", "", true);
    s.alias("slave-announce-ip", "replica-announce-ip");
    s.integer("replica-announce-port", 0, 0, 65535, true);
    s.alias("slave-announce-port", "replica-announce-port");
    s.bool("replica-announced", true, true);
    s.memory("repl-backlog-size", 1024 * 1024, true);
    s.integer("repl-backlog-ttl", 3600, 0, Integer.MAX_VALUE, true);
    s.bool("repl-diskless-sync", true, true);
    s.integer("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true);
    s.integer("repl-diskless-sync-max-replicas", 0, 0, Integer.MAX_VALUE, true);
    s.choice("repl-diskless-load", "disabled", true, "disabled", "on-empty-db", "swapdb");
    s.integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true);
    s.alias("repl-ping-slave-period", "repl-ping-replica-period");
    s.integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true);
    s.bool("repl-disable-tcp-nodelay", false, true);
    s.integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true);
    s.alias("min-slaves-to-write", "min-replicas-to-write");
    s.integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true);
    s.alias("min-slaves-max-lag", "min-replicas-max-lag");

    // Our own: where /metrics is served (0 = off); see the metrics issue.
    s.integer("metrics-port", 0, 0, 65535, false);
    return s;
  }

  @SuppressWarnings("unchecked")
  public static List<String> castList(Object o) {
    return (List<String>) o;
  }

  static Object parseReplicaOf(List<String> v) {
    if (v.size() != 2) throw new IllegalArgumentException("wrong number of arguments");
    if (v.get(0).equalsIgnoreCase("no") && v.get(1).equalsIgnoreCase("one")) return null;
    long port = Settings.parseLong(v.get(1));
    if (port < 0 || port > 65535) throw new IllegalArgumentException("Invalid master port");
    return new ReplicaOf(v.get(0), (int) port);
  }

  static Object parseSave(List<String> v) {
    List<String> words = new ArrayList<>();
    for (String s : v) for (String w : s.trim().split("\\s+")) if (!w.isEmpty()) words.add(w);
    if (words.size() % 2 != 0) throw new IllegalArgumentException("Invalid save parameters");
    for (String w : words) {
      try {
        if (Long.parseLong(w) < 0) throw new IllegalArgumentException("Invalid save parameters");
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid save parameters");
      }
    }
    return String.join(" ", words);
  }

  static Object parseOutputLimits(List<String> v) {
    List<String> words = new ArrayList<>();
    for (String s : v) for (String w : s.trim().split("\\s+")) if (!w.isEmpty()) words.add(w);
    if (words.size() % 4 != 0) throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
    StringBuilder out = new StringBuilder();
    java.util.Map<String, String> byClass = new java.util.LinkedHashMap<>();
    byClass.put("normal", "0 0 0");
    byClass.put("slave", "268435456 67108864 60");
    byClass.put("pubsub", "33554432 8388608 60");
    for (int i = 0; i < words.size(); i += 4) {
      String cls = words.get(i).toLowerCase(Locale.ROOT);
      if (cls.equals("replica")) cls = "slave";
      if (!byClass.containsKey(cls)) throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
      long hard = Settings.parseMemory(words.get(i + 1));
      long soft = Settings.parseMemory(words.get(i + 2));
      long secs = Settings.parseLong(words.get(i + 3));
      if (hard < 0 || soft < 0 || secs < 0) throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      byClass.put(cls, hard + " " + soft + " " + secs);
    }
    byClass.forEach((k, val) -> out.append(out.length() == 0 ? "" : " ").append(k).append(' ').append(val));
    return out.toString();
  }
}
