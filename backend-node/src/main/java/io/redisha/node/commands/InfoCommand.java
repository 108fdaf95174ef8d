package io.redisha.node.commands;

import io.redisha.command.CommandSpec;
import io.redisha.node.Client;
import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.Stats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO with redis-server 7.0's sections, field names and field order, so that tools
 * which parse INFO (redis-cli, exporters, sentinels, our gateway) read us as a Redis.
 *
 * <p>Values are ours and real where we have them: memory is the JVM heap and the
 * process's RSS, CPU is /proc's. Latencystats is only its header: we keep no
 * latency histograms. Fields of machinery we do not have (jemalloc, Lua,
 * forks, AOF, defrag) keep Redis's idle values: zero, -1, "ok".
 */
final class InfoCommand {

  /** Our own version, added to the server section after Redis's fields. */
  static final String GATEWAY_VERSION = "0.1.0";

  private static final List<String> DEFAULT = List.of(
      "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats",
      "cluster", "keyspace");
  private static final List<String> ALL = List.of(
      "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats",
      "errorstats", "latencystats", "cluster", "keyspace");

  private final Node node;

  InfoCommand(Node node) {
    this.node = node;
  }

  void run(Client c, byte[][] argv) {
    c.reply().verbatim(render(argv));
  }

  /** The INFO text for the sections argv asks for (argv[0] is "info"). */
  String render(byte[][] argv) {
    Set<String> wanted = new LinkedHashSet<>();
    if (argv.length == 1) wanted.addAll(DEFAULT);
    for (int i = 1; i < argv.length; i++) {
      String s = new String(argv[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      switch (s) {
        case "default" -> wanted.addAll(DEFAULT);
        case "all", "everything" -> wanted.addAll(ALL);
        default -> wanted.add(s);
      }
    }
    StringBuilder sb = new StringBuilder(4096);
    // Sections come out in Redis's order whatever the order asked.
    for (String section : ALL) {
      if (!wanted.contains(section)) continue;
      if (sb.length() > 0) sb.append("\r\n");
      switch (section) {
        case "server" -> server(sb);
        case "clients" -> clients(sb);
        case "memory" -> memory(sb);
        case "persistence" -> persistence(sb);
        case "stats" -> stats(sb);
        case "replication" -> replication(sb);
        case "cpu" -> cpu(sb);
        case "modules" -> sb.append("# Modules\r\n");
        case "commandstats" -> commandstats(sb);
        case "errorstats" -> errorstats(sb);
        case "latencystats" -> sb.append("# Latencystats\r\n");
        case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
        case "keyspace" -> keyspace(sb);
        default -> throw new IllegalStateException(section);
      }
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  // ---------------------------------------------------------------- sections

  private void server(StringBuilder sb) {
    long now = System.currentTimeMillis();
    long uptime = (now - node.startMs) / 1000;
    sb.append("# Server\r\n");
    field(sb, "redis_version", ConnectionCommands.REDIS_VERSION);
    field(sb, "redis_git_sha1", "00000000");
    field(sb, "redis_git_dirty", 0);
    field(sb, "redis_build_id", "0");
    field(sb, "redis_mode", "standalone");
    field(sb, "os", os());
    field(sb, "arch_bits", 64);
    field(sb, "monotonic_clock", "POSIX clock_gettime");
    field(sb, "multiplexing_api", node.vertx() != null && node.vertx().isNativeTransportEnabled() ? "epoll" : "java.nio");
    field(sb, "atomicvar_api", "jvm");
    field(sb, "gcc_version", "0.0.0");
    field(sb, "process_id", ProcessHandle.current().pid());
    field(sb, "process_supervised", "no");
    field(sb, "run_id", node.runId);
    field(sb, "tcp_port", node.port());
    field(sb, "server_time_usec", now * 1000);
    field(sb, "uptime_in_seconds", uptime);
    field(sb, "uptime_in_days", uptime / 86400);
    field(sb, "hz", node.config.getInt("hz"));
    field(sb, "configured_hz", node.config.getInt("hz"));
    field(sb, "lru_clock", (now / 1000) & ((1 << 24) - 1));
    field(sb, "executable", ProcessHandle.current().info().command().orElse(""));
    Path file = node.config.file();
    field(sb, "config_file", file == null ? "" : file.toString());
    field(sb, "io_threads_active", 0);
    field(sb, "redis_ha_gateway_version", GATEWAY_VERSION);
  }

  private static String os() {
    String arch = System.getProperty("os.arch");
    if (arch.equals("amd64")) arch = "x86_64";
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch;
  }

  private void clients(StringBuilder sb) {
    long maxIn = 0, maxOut = 0;
    for (Client c : node.clients()) {
      maxIn = Math.max(maxIn, c.queryBufferBytes());
      maxOut = Math.max(maxOut, c.outputBytes());
    }
    sb.append("# Clients\r\n");
    field(sb, "connected_clients", node.clientCount());
    field(sb, "cluster_connections", 0);
    field(sb, "maxclients", node.config.getInt("maxclients"));
    field(sb, "client_recent_max_input_buffer", maxIn);
    field(sb, "client_recent_max_output_buffer", maxOut);
    field(sb, "blocked_clients", node.blocking.blockedClients() + node.postponedClients());
    field(sb, "tracking_clients", node.tracking.clients());
    field(sb, "clients_in_timeout_table", 0);
  }

  private void memory(StringBuilder sb) {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    long rss = rss();
    long peakMemory = node.stats.peakMemory = Math.max(node.stats.peakMemory, used);
    long maxmemory = node.config.getLong("maxmemory");
    long total = totalSystemMemory();
    sb.append("# Memory\r\n");
    field(sb, "used_memory", used);
    field(sb, "used_memory_human", human(used));
    field(sb, "used_memory_rss", rss);
    field(sb, "used_memory_rss_human", human(rss));
    field(sb, "used_memory_peak", peakMemory);
    field(sb, "used_memory_peak_human", human(peakMemory));
    field(sb, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peakMemory == 0 ? 0 : used * 100.0 / peakMemory));
    field(sb, "used_memory_overhead", 0);
    field(sb, "used_memory_startup", 0);
    field(sb, "used_memory_dataset", used);
    field(sb, "used_memory_dataset_perc", "100.00%");
    field(sb, "allocator_allocated", used);
    field(sb, "allocator_active", rt.totalMemory());
    field(sb, "allocator_resident", rss);
    field(sb, "total_system_memory", total);
    field(sb, "total_system_memory_human", human(total));
    field(sb, "used_memory_lua", 0);
    field(sb, "used_memory_vm_eval", 0);
    field(sb, "used_memory_lua_human", "0B");
    field(sb, "used_memory_scripts_eval", 0);
    field(sb, "number_of_cached_scripts", 0);
    field(sb, "number_of_functions", 0);
    field(sb, "number_of_libraries", 0);
    field(sb, "used_memory_vm_functions", 0);
    field(sb, "used_memory_vm_total", 0);
    field(sb, "used_memory_vm_total_human", "0B");
    field(sb, "used_memory_functions", 0);
    field(sb, "used_memory_scripts", 0);
    field(sb, "used_memory_scripts_human", "0B");
    field(sb, "maxmemory", maxmemory);
    field(sb, "maxmemory_human", human(maxmemory));
    field(sb, "maxmemory_policy", node.config.getString("maxmemory-policy"));
    double frag = used == 0 ? 0 : (double) rss / used;
    field(sb, "allocator_frag_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0 : (double) rt.totalMemory() / used));
    field(sb, "allocator_frag_bytes", rt.totalMemory() - used);
    field(sb, "allocator_rss_ratio", String.format(Locale.ROOT, "%.2f", rt.totalMemory() == 0 ? 0 : (double) rss / rt.totalMemory()));
    field(sb, "allocator_rss_bytes", rss - rt.totalMemory());
    field(sb, "rss_overhead_ratio", "1.00");
    field(sb, "rss_overhead_bytes", 0);
    field(sb, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", frag));
    field(sb, "mem_fragmentation_bytes", rss - used);
    field(sb, "mem_not_counted_for_evict", 0);
    field(sb, "mem_replication_backlog", 0);
    field(sb, "mem_total_replication_buffers", 0);
    field(sb, "mem_clients_slaves", 0);
    field(sb, "mem_clients_normal", 0);
    field(sb, "mem_cluster_links", 0);
    field(sb, "mem_aof_buffer", 0);
    field(sb, "mem_allocator", "jvm");
    field(sb, "active_defrag_running", 0);
    field(sb, "lazyfree_pending_objects", 0);
    field(sb, "lazyfreed_objects", 0);
  }

  /** Resident set size from /proc/self/statm (pages), 0 where there is no /proc. */
  static long rss() {
    try {
      String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(f[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long totalSystemMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  /** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
  static String human(long n) {
    if (n < 1024) return n + "B";
    String[] units = {"K", "M", "G", "T", "P"};
    double d = n;
    int u = -1;
    while (d >= 1024 && u < units.length - 1) {
      d /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", d, units[u]);
  }

  private void persistence(StringBuilder sb) {
    sb.append("# Persistence\r\n");
    field(sb, "loading", node.replication.loading() ? 1 : 0);
    field(sb, "async_loading", node.replication.asyncLoading() ? 1 : 0);
    field(sb, "current_cow_peak", 0);
    field(sb, "current_cow_size", 0);
    field(sb, "current_cow_size_age", 0);
    field(sb, "current_fork_perc", "0.00");
    field(sb, "current_save_keys_processed", node.persistence.keysProcessed());
    field(sb, "current_save_keys_total", node.persistence.keysTotal());
    field(sb, "rdb_changes_since_last_save", node.dirty);
    field(sb, "rdb_bgsave_in_progress", node.persistence.bgsaveInProgress() ? 1 : 0);
    field(sb, "rdb_last_save_time", node.lastSaveTime);
    field(sb, "rdb_last_bgsave_status", node.persistence.lastBgsaveStatus());
    field(sb, "rdb_last_bgsave_time_sec", node.persistence.lastBgsaveTimeSec());
    field(sb, "rdb_current_bgsave_time_sec", node.persistence.currentBgsaveTimeSec());
    field(sb, "rdb_saves", node.persistence.saves());
    field(sb, "rdb_last_cow_size", 0);
    field(sb, "rdb_last_load_keys_expired", node.persistence.expiredOnLoad());
    field(sb, "rdb_last_load_keys_loaded", node.persistence.loadedKeys());
    node.aof.info(sb);
    field(sb, "module_fork_in_progress", 0);
    field(sb, "module_fork_last_cow_size", 0);
    node.aof.infoWhenOn(sb);
    sb.append(node.replication.loadingInfo());
  }

  private void stats(StringBuilder sb) {
    Stats s = node.stats;
    sb.append("# Stats\r\n");
    field(sb, "total_connections_received", s.connectionsReceived);
    field(sb, "total_commands_processed", s.commandsProcessed);
    field(sb, "instantaneous_ops_per_sec", s.instantaneousOpsPerSec());
    field(sb, "total_net_input_bytes", s.netInputBytes);
    field(sb, "total_net_output_bytes", s.netOutputBytes);
    field(sb, "total_net_repl_input_bytes", 0);
    field(sb, "total_net_repl_output_bytes", 0);
    field(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", s.instantaneousInput() / 1024.0));
    field(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", s.instantaneousOutput() / 1024.0));
    field(sb, "instantaneous_input_repl_kbps", "0.00");
    field(sb, "instantaneous_output_repl_kbps", "0.00");
    field(sb, "rejected_connections", s.rejectedConnections);
    field(sb, "sync_full", node.replication.syncFull());
    field(sb, "sync_partial_ok", node.replication.syncPartialOk());
    field(sb, "sync_partial_err", node.replication.syncPartialErr());
    field(sb, "expired_keys", s.expiredKeys);
    field(sb, "expired_stale_perc", "0.00");
    field(sb, "expired_time_cap_reached_count", 0);
    field(sb, "expire_cycle_cpu_milliseconds", 0);
    field(sb, "evicted_keys", s.evictedKeys);
    field(sb, "evicted_clients", 0);
    field(sb, "total_eviction_exceeded_time", 0);
    field(sb, "current_eviction_exceeded_time", 0);
    field(sb, "keyspace_hits", s.keyspaceHits);
    field(sb, "keyspace_misses", s.keyspaceMisses);
    field(sb, "pubsub_channels", node.pubsub.channelCount());
    field(sb, "pubsub_patterns", node.pubsub.patternCount());
    field(sb, "pubsubshard_channels", 0);
    field(sb, "latest_fork_usec", 0);
    field(sb, "total_forks", 0);
    field(sb, "migrate_cached_sockets", 0);
    field(sb, "slave_expires_tracked_keys", 0);
    field(sb, "active_defrag_hits", 0);
    field(sb, "active_defrag_misses", 0);
    field(sb, "active_defrag_key_hits", 0);
    field(sb, "active_defrag_key_misses", 0);
    field(sb, "total_active_defrag_time", 0);
    field(sb, "current_active_defrag_time", 0);
    field(sb, "tracking_total_keys", node.tracking.totalKeys());
    field(sb, "tracking_total_items", node.tracking.totalItems());
    field(sb, "tracking_total_prefixes", node.tracking.totalPrefixes());
    field(sb, "unexpected_error_replies", s.unexpectedErrorReplies);
    field(sb, "total_error_replies", s.totalErrorReplies);
    field(sb, "dump_payload_sanitizations", 0);
    field(sb, "total_reads_processed", s.readsProcessed);
    field(sb, "total_writes_processed", s.writesProcessed);
    field(sb, "io_threaded_reads_processed", 0);
    field(sb, "io_threaded_writes_processed", 0);
    field(sb, "reply_buffer_shrinks", 0);
    field(sb, "reply_buffer_expands", 0);
  }

  private void replication(StringBuilder sb) {
    sb.append("# Replication\r\n");
    field(sb, "role", node.role());
    io.redisha.node.Replication r = node.replication;
    if (r.isReplica()) {
      field(sb, "master_host", r.masterHost());
      field(sb, "master_port", r.masterPort());
      field(sb, "master_link_status", r.linkUp() ? "up" : "down");
      field(sb, "master_last_io_seconds_ago", r.lastIoSecondsAgo());
      field(sb, "master_sync_in_progress", r.syncInProgress() ? 1 : 0);
      field(sb, "slave_read_repl_offset", r.offset());
      field(sb, "slave_repl_offset", r.offset());
      if (r.syncInProgress()) {
        long total = r.transferTotalBytes(), read = r.transferReadBytes();
        field(sb, "master_sync_total_bytes", total);
        field(sb, "master_sync_read_bytes", read);
        field(sb, "master_sync_left_bytes", total - read);
        field(sb, "master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f", total <= 0 ? 0.0 : read * 100.0 / total));
        field(sb, "master_sync_last_io_seconds_ago", r.transferLastIoSecondsAgo());
      }
      if (!r.linkUp()) field(sb, "master_link_down_since_seconds", r.linkDownSinceSeconds());
      field(sb, "slave_priority", node.config.getInt("replica-priority"));
      field(sb, "slave_read_only", node.config.bool("replica-read-only") ? 1 : 0);
      field(sb, "replica_announced", node.config.bool("replica-announced") ? 1 : 0);
    }
    field(sb, "connected_slaves", r.replicas().size());
    int n = 0;
    long now = node.clock.nowMs();
    for (io.redisha.node.Replication.ReplicaConn rc : r.replicas()) {
      sb.append("slave").append(n++).append(":ip=").append(rc.ip()).append(",port=").append(rc.listeningPort())
          .append(",state=").append(rc.state()).append(",offset=").append(rc.ackOffset()).append(",lag=").append((now - rc.ackMs()) / 1000)
          .append("\r\n");
    }
    field(sb, "master_failover_state", r.failoverStateName());
    field(sb, "master_replid", node.replid);
    field(sb, "master_replid2", node.replid2);
    field(sb, "master_repl_offset", r.offset());
    field(sb, "second_repl_offset", r.secondOffset());
    field(sb, "repl_backlog_active", r.backlogActive() ? 1 : 0);
    field(sb, "repl_backlog_size", node.config.getLong("repl-backlog-size"));
    field(sb, "repl_backlog_first_byte_offset", r.backlogFirstByte());
    field(sb, "repl_backlog_histlen", r.backlogHistlen());
  }

  private void cpu(StringBuilder sb) {
    double[] proc = processCpuSeconds();
    double mainUser = 0, mainSys = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (threads.isCurrentThreadCpuTimeSupported()) {
      // INFO runs on the node's event loop, which is Redis's "main thread".
      long cpu = threads.getCurrentThreadCpuTime();
      long user = threads.getCurrentThreadUserTime();
      mainUser = user / 1e9;
      mainSys = Math.max(0, cpu - user) / 1e9;
    }
    sb.append("# CPU\r\n");
    field(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", proc[1]));
    field(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", proc[0]));
    field(sb, "used_cpu_sys_children", "0.000000");
    field(sb, "used_cpu_user_children", "0.000000");
    field(sb, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", mainSys));
    field(sb, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", mainUser));
  }

  /** User and system seconds of the whole process from /proc/self/stat (clock ticks of 1/100 s). */
  private static double[] processCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The command name may contain spaces; the fields we want come after its closing parenthesis.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
    } catch (IOException | RuntimeException e) {
      return new double[] {0, 0};
    }
  }

  private void commandstats(StringBuilder sb) {
    sb.append("# Commandstats\r\n");
    for (Map.Entry<CommandSpec, long[]> e : node.stats.commandStats.entrySet()) {
      long[] s = e.getValue();
      sb.append("cmdstat_").append(e.getKey().name()).append(":calls=").append(s[0]).append(",usec=").append(s[1])
          .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", s[0] == 0 ? 0.0 : (double) s[1] / s[0]))
          .append(",rejected_calls=").append(s[2]).append(",failed_calls=").append(s[3]).append("\r\n");
    }
  }

  private void errorstats(StringBuilder sb) {
    sb.append("# Errorstats\r\n");
    for (Map.Entry<String, Long> e : node.stats.errorCodes.entrySet()) {
      sb.append("errorstat_").append(e.getKey()).append(":count=").append(e.getValue()).append("\r\n");
    }
  }

  private void keyspace(StringBuilder sb) {
    sb.append("# Keyspace\r\n");
    for (int i = 0; i < node.databases(); i++) {
      Db db = node.db(i);
      if (db.size() == 0) continue;
      sb.append("db").append(i).append(":keys=").append(db.size()).append(",expires=").append(db.expiresSize())
          .append(",avg_ttl=").append(avgTtl(db)).append("\r\n");
    }
  }

  /**
   * Redis estimates the average TTL from the keys its expiry cycle samples; we take the
   * mean over at most the first 1024 keys with a TTL, so INFO stays cheap with millions.
   */
  private long avgTtl(Db db) {
    if (db.expiresSize() == 0) return 0;
    long now = node.clock.nowMs();
    long sum = 0;
    int n = 0;
    for (Map.Entry<Key, Long> e : db.expiresMap().entrySet()) {
      long ttl = e.getValue() - now;
      if (ttl > 0) {
        sum += ttl;
        n++;
      }
      if (n == 1024) break;
    }
    return n == 0 ? 0 : sum / n;
  }
}
