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
    // Redis's range is an unsigned int; we cannot use more than an int's worth anyway.
    s.define("maxclients", 10000L, v -> Math.min(Integer.MAX_VALUE, rangeChecked(Settings.one(v), 1, 4294967295L)),
        String::valueOf, true);
    s.integer("timeout", 0, 0, Integer.MAX_VALUE, true);
    s.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true);
    s.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false);
    s.string("logfile", "", false);
    s.choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning");
    // Valkey 8's: logfmt lines for log pipelines; legacy stays redis-server's format.
    s.choice("log-format", "legacy", true, "legacy", "logfmt");
    s.choice("log-timestamp-format", "legacy", true, "legacy", "iso8601", "milliseconds");
    s.bool("daemonize", false, false);
    // DEBUG (DEBUG SLEEP stalls the node in tests); as Redis 7.0: no, yes or local (loopback clients only).
    s.choice("enable-debug-command", "no", false, "no", "yes", "local");
    s.string("pidfile", "", false);
    // Redis accepts any non-negative hz and clamps it to 1..500.
    s.define("hz", 10L, v -> Math.max(1, Math.min(500, rangeChecked(Settings.one(v), 0, Integer.MAX_VALUE))),
        String::valueOf, true);
    s.define("proto-max-bulk-len", 512L * 1024 * 1024, v -> memoryAtLeast(Settings.one(v), 1024 * 1024), String::valueOf, true);
    s.memory("client-query-buffer-limit", 1024L * 1024 * 1024, true);
    s.define("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        NodeConfig::parseOutputLimits, o -> (String) o, true);
    s.memory("maxmemory", 0, true);
    s.choice("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu", "volatile-random",
        "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
    // Keys remembered for CLIENT TRACKING before the oldest are invalidated; 0: no limit. Redis's range is an unsigned long.
    s.define("tracking-table-max-keys", 1000000L, v -> rangeChecked(Settings.one(v), 0, Long.MAX_VALUE), String::valueOf, true);
    s.define("notify-keyspace-events", "", v -> keyspaceEvents(Settings.one(v)), o -> (String) o, true);

    // Encoding thresholds: OBJECT ENCODING reports what redis-server would choose.
    s.integer("hash-max-listpack-entries", 512, 0, Integer.MAX_VALUE, true);
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
    s.choice("appendfsync", "everysec", true, "everysec", "always", "no");
    s.string("appendfilename", "appendonly.aof", false);
    s.string("appenddirname", "appendonlydir", false);
    s.bool("rdbcompression", true, true);
    s.bool("rdbchecksum", true, true);
    s.bool("stop-writes-on-bgsave-error", true, true);
    s.bool("aof-load-truncated", true, true);
    s.bool("aof-use-rdb-preamble", true, true);
    s.integer("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true);
    s.memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024, true);
    // Redis's (hidden) test knob: microseconds per key that a background save or rewrite waits.
    s.integer("rdb-key-save-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true);

    // Replication (the replication issue implements them).
    // Not settable with CONFIG SET (REPLICAOF is the command for that), as in Redis.
    s.define("replicaof", null, NodeConfig::parseReplicaOf, o -> o == null ? "" : o.toString(), false);
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
    // Redis raises a smaller backlog to its minimum of 16 KiB.
    s.define("repl-backlog-size", 1024L * 1024, v -> Math.max(16 * 1024, memoryAtLeast(Settings.one(v), 1)), String::valueOf, true);
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

  private static long rangeChecked(String s, long min, long max) {
    long n = Settings.parseLong(s);
    if (n < min || n > max) throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
    return n;
  }

  private static long memoryAtLeast(String s, long min) {
    long n = Settings.parseMemory(s);
    if (n < min) throw new IllegalArgumentException("argument must be between " + min + " and " + Long.MAX_VALUE + " inclusive");
    return n;
  }

  /** notify-keyspace-events: validated, and stored in Redis's canonical spelling ("KEA" reads back "AKE"). */
  static String keyspaceEvents(String s) {
    final String classes = "g$lshzxetmdn";
    boolean all = false, keyspace = false, keyevent = false;
    java.util.Set<Character> seen = new java.util.HashSet<>();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case 'A' -> all = true;
        case 'K' -> keyspace = true;
        case 'E' -> keyevent = true;
        default -> {
          if (classes.indexOf(ch) < 0) throw new IllegalArgumentException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
          seen.add(ch);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    // 'A' covers every class except new-key events (n).
    if (all || seen.containsAll(java.util.List.of('g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'm', 'd'))) out.append('A');
    else for (char ch : "g$lshzxetmd".toCharArray()) if (seen.contains(ch)) out.append(ch);
    if (keyspace) out.append('K');
    if (keyevent) out.append('E');
    if (seen.contains('n')) out.append('n');
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  public static List<String> castList(Object o) {
    return (List<String>) o;
  }

  static Object parseReplicaOf(List<String> given) {
    // CONFIG REWRITE writes the pair quoted as one word ("host port"), or "" after REPLICAOF NO ONE.
    List<String> v = new ArrayList<>();
    for (String s : given) for (String w : s.trim().split("\\s+")) if (!w.isEmpty()) v.add(w);
    if (v.isEmpty() && given.size() == 1) return null;
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
