package io.redisha.node;

import static io.redisha.testing.Differential.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Differential;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO, CONFIG, CLIENT, COMMAND, MONITOR, DEBUG and the small server commands, against
 * a real redis-server 7.0 where the replies are deterministic, directly otherwise.
 */
class ServerCommandsTest {

  @RegisterExtension
  static final Differential d = Differential.perClass("--enable-debug-command", "yes");

  // ---------------------------------------------------------------- INFO

  @Test
  void infoHasRedisSectionsAndFieldsInRedisOrder() throws Exception {
    d.both("SET", "k", "v");
    d.both("SET", "t", "v", "EX", "100");
    d.both("GET", "nosuch"); // an errorstats-free miss
    for (String section : List.of("", "all", "everything", "default", "server", "clients", "memory", "persistence",
        "stats", "replication", "cpu", "keyspace", "cluster", "modules")) {
      String[] cmd = section.isEmpty() ? new String[] {"INFO"} : new String[] {"INFO", section};
      List<String> ours = fieldNames(Reply.str(d.a.call(cmd)));
      List<String> theirs = fieldNames(Reply.str(d.b.call(cmd)));
      assertTrue(ours.remove("redis_ha_gateway_version") == (section.isEmpty() || section.equals("server")
          || section.equals("all") || section.equals("everything") || section.equals("default")), section);
      assertEquals(theirs, ours, "fields of INFO " + section);
    }
  }

  /** Section headers and field names; the per-command and per-error sections vary with history, so only their header counts. */
  private static List<String> fieldNames(String info) {
    List<String> out = new ArrayList<>();
    boolean skip = false;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("#")) {
        out.add(line);
        skip = line.equals("# Commandstats") || line.equals("# Errorstats") || line.equals("# Latencystats");
      } else if (!line.isEmpty() && !skip) {
        out.add(line.substring(0, line.indexOf(':')));
      }
    }
    return out;
  }

  @Test
  void infoValuesAreOurs() throws Exception {
    d.both("SET", "a", "1");
    d.both("SET", "b", "1", "PX", "50000");
    d.both("GET", "a");
    d.both("GET", "zz");
    Map<String, String> info = infoMap(Reply.str(d.a.call("INFO", "everything")));
    assertEquals("7.0.15", info.get("redis_version"));
    assertEquals("standalone", info.get("redis_mode"));
    assertEquals("0.1.0", info.get("redis_ha_gateway_version"));
    assertEquals(Long.toString(ProcessHandle.current().pid()), info.get("process_id"));
    assertEquals(d.ours.node.runId, info.get("run_id"));
    assertEquals(Integer.toString(d.ours.port()), info.get("tcp_port"));
    assertTrue(Long.parseLong(info.get("used_memory")) > 0);
    assertTrue(Long.parseLong(info.get("used_memory_rss")) > 0);
    assertTrue(Long.parseLong(info.get("connected_clients")) >= 1);
    assertTrue(Long.parseLong(info.get("total_commands_processed")) > 0);
    assertTrue(Long.parseLong(info.get("keyspace_hits")) >= 1);
    assertTrue(Long.parseLong(info.get("keyspace_misses")) >= 1);
    assertEquals("master", info.get("role"));
    assertTrue(info.get("master_replid").matches("[0-9a-f]{40}"));
    assertEquals("0".repeat(40), info.get("master_replid2"));
    assertEquals("1048576", info.get("repl_backlog_size"));
    assertTrue(info.get("db0").matches("keys=2,expires=\\d,avg_ttl=\\d+"), info.get("db0"));
    assertTrue(Long.parseLong(info.get("rdb_changes_since_last_save")) >= 2);
  }

  private static Map<String, String> infoMap(String info) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : info.split("\r\n")) {
      int i = line.indexOf(':');
      if (i > 0 && !line.startsWith("#")) m.put(line.substring(0, i), line.substring(i + 1));
    }
    return m;
  }

  @Test
  void infoEdgeCasesMatchRedis() throws Exception {
    d.both("INFO", "nosuchsection");
    d.both("SET", "x", "1");
    d.both("INFO", "KEYSPACE");
    d.both("INFO", "keyspace", "keyspace");
    d.both("INFO", "cluster");
  }

  @Test
  void commandstatsAndErrorstatsCountAsRedisDoes() throws Exception {
    d.both("CONFIG", "RESETSTAT");
    d.both("PING");
    d.both("PING");
    d.both("ECHO", "x");
    d.both("ECHO");
    d.both("NOSUCHCOMMAND");
    d.both("CONFIG", "SET", "nosuch", "1");
    d.both("CLIENT", "SETNAME", "a b");
    d.both("CLIENT", "GETNAME");
    d.both("SELECT", "1000");
    d.both("SELECT", "0");
    d.both("MULTI");
    d.both("SHUTDOWN");
    d.both("DISCARD");
    assertEquals(commandstats(d.b.call("INFO", "commandstats")), commandstats(d.a.call("INFO", "commandstats")));
    d.both("INFO", "errorstats");
  }

  @Test
  void keyspaceHitsAndMissesCountReadsLikeRedis() throws Exception {
    d.both("CONFIG", "RESETSTAT");
    d.both("SET", "a", "1");
    d.both("GET", "a");
    d.both("GET", "b");
    d.both("GET", "a");
    d.both("SET", "a", "2");
    Map<String, String> ours = infoMap(Reply.str(d.a.call("INFO", "stats")));
    Map<String, String> theirs = infoMap(Reply.str(d.b.call("INFO", "stats")));
    for (String f : List.of("keyspace_hits", "keyspace_misses", "total_commands_processed", "total_error_replies")) {
      assertEquals(theirs.get(f), ours.get(f), f);
    }
  }

  /** The commandstats lines without their timings, sorted (Redis prints them in its dict's order). */
  private static List<String> commandstats(Reply r) {
    List<String> out = new ArrayList<>();
    for (String line : Reply.str(r).split("\r\n")) out.add(line.replaceAll("usec=\\d+,usec_per_call=[0-9.]+,", ""));
    java.util.Collections.sort(out);
    return out;
  }

  @Test
  void instantaneousOpsPerSecondIsSampled() throws Exception {
    long deadline = System.currentTimeMillis() + 5000;
    long ops = 0;
    while (ops == 0 && System.currentTimeMillis() < deadline) {
      for (int i = 0; i < 200; i++) d.a.send("PING");
      for (int i = 0; i < 200; i++) d.a.read();
      ops = Long.parseLong(infoMap(Reply.str(d.a.call("INFO", "stats"))).get("instantaneous_ops_per_sec"));
    }
    assertTrue(ops > 0, "instantaneous_ops_per_sec stayed 0");
  }

  @Test
  void resp3RepliesHaveRedisTypes() throws Exception {
    try (RespClient a = d.ours.client(); RespClient b = d.theirs.client()) {
      a.call("HELLO", "3");
      b.call("HELLO", "3");
      for (String[] cmd : List.of(new String[] {"CONFIG", "GET", "timeout"}, new String[] {"COMMAND", "INFO", "config|get", "nosuch"},
          new String[] {"COMMAND", "DOCS", "nosuch"}, new String[] {"ROLE"}, new String[] {"CLIENT", "GETNAME"},
          new String[] {"CONFIG", "GET", "nosuch"}, new String[] {"COMMAND", "LIST", "FILTERBY", "MODULE", "x"})) {
        Reply ra = a.call(cmd);
        Reply rb = b.call(cmd);
        assertEquals(rb, ra, String.join(" ", cmd));
      }
      Reply ra = a.call("CLIENT", "INFO");
      assertInstanceOf(Reply.Scalar.class, ra);
      assertInstanceOf(Reply.Scalar.class, b.call("CLIENT", "INFO"));
      assertTrue(Reply.str(a.call("CLIENT", "LIST")).contains("resp=3"));
      assertEquals(b.call("TIME").getClass(), a.call("TIME").getClass());
    }
  }

  @Test
  void infoIsVerbatimInResp3() throws Exception {
    try (RespClient a = d.ours.client(); RespClient b = d.theirs.client()) {
      a.call("HELLO", "3");
      b.call("HELLO", "3");
      Reply ra = a.call("INFO", "keyspace");
      Reply rb = b.call("INFO", "keyspace");
      assertEquals(rb, ra);
      assertInstanceOf(Reply.Scalar.class, ra);
    }
  }

  // ---------------------------------------------------------------- CONFIG

  /** Directives whose values depend on how each server was started, or that only we have. */
  // Also skipped: log-format and log-timestamp-format are Valkey 8's, which redis-server 7.0 does not know.
  static final Set<String> SETUP_DEPENDENT = Set.of("dir", "port", "logfile", "metrics-port", "loglevel",
      "log-format", "log-timestamp-format");

  @Test
  void configGetOfEveryDirectiveMatchesRedisDefaults() throws Exception {
    List<String> differing = new ArrayList<>();
    for (String name : d.ours.node.config.names()) {
      if (SETUP_DEPENDENT.contains(name)) continue;
      Reply ra = d.a.call("CONFIG", "GET", name);
      Reply rb = d.b.call("CONFIG", "GET", name);
      if (!ra.equals(rb)) differing.add(name + ": ours " + ra + " redis " + rb);
    }
    assertEquals(List.of(), differing);
  }

  @Test
  void configGetPatternsMatchRedis() throws Exception {
    for (String[] cmd : List.of(
        new String[] {"CONFIG", "GET", "*max-*-entries*"},
        new String[] {"CONFIG", "GET", "maxmemory"},
        new String[] {"CONFIG", "GET", "save"},
        new String[] {"CONFIG", "GET", "TIMEOUT"},
        new String[] {"CONFIG", "GET", "TIME*"},
        new String[] {"CONFIG", "GET", "Hash-Max-Ziplist-Entries"},
        new String[] {"CONFIG", "GET", "replicaof", "slaveof", "timeout"},
        new String[] {"CONFIG", "GET", "nosuch"},
        new String[] {"CONFIG", "GET", "client-output-buffer-limit"},
        new String[] {"CONFIG", "GET", "repl-*"})) {
      assertEquals(asMap(d.b.call(cmd)), asMap(d.a.call(cmd)), String.join(" ", cmd));
    }
    d.both("CONFIG", "GET");
  }

  private static Map<String, Reply> asMap(Reply r) {
    Map<String, Reply> m = new java.util.TreeMap<>();
    List<Reply> items = ((Reply.Agg) r).items();
    for (int i = 0; i < items.size(); i += 2) m.put(Reply.str(items.get(i)), items.get(i + 1));
    return m;
  }

  @Test
  void configSetValidatesLikeRedis() throws Exception {
    String[][] cases = {
        {"timeout", "-1"}, {"timeout", "abc"}, {"maxclients", "0"}, {"maxclients", "abc"},
        {"protected-mode", "maybe"}, {"loglevel", "loud"}, {"loglevel", "nothing"}, {"maxmemory", "1x"},
        {"maxmemory-policy", "foo"}, {"appendfsync", "x"}, {"repl-diskless-load", "x"}, {"save", "1 2 3"},
        {"save", "100 x"}, {"client-output-buffer-limit", "foo 1 2 3"}, {"client-output-buffer-limit", "normal 1 2"},
        {"client-output-buffer-limit", "normal -1 2 3"}, {"notify-keyspace-events", "Q"}, {"databases", "3"},
        {"daemonize", "yes"}, {"replicaof", "a b"}, {"slaveof", "no one"}, {"nosuch", "1"},
        {"proto-max-bulk-len", "10"}, {"repl-timeout", "0"}, {"replica-priority", "-1"}, {"tcp-keepalive", "-1"},
        {"list-max-listpack-size", "x"}};
    for (String[] c : cases) d.both("CONFIG", "SET", c[0], c[1]);
    d.both("CONFIG", "SET", "timeout");
    d.both("CONFIG", "SET", "timeout", "5", "maxclients");
    d.both("CONFIG", "SET", "timeout", "10", "timeout", "20");
    d.both("CONFIG", "SET", "slave-read-only", "yes", "replica-read-only", "yes");
  }

  @Test
  void configSetIsAtomicAndReadsBack() throws Exception {
    try {
      d.both("CONFIG", "SET", "timeout", "5", "maxclients", "x");
      d.both("CONFIG", "GET", "timeout");
      d.both("CONFIG", "SET", "timeout", "7", "Maxclients", "500", "hz", "1000");
      d.both("CONFIG", "GET", "timeout");
      d.both("CONFIG", "GET", "maxclients");
      d.both("CONFIG", "GET", "hz");
      d.both("CONFIG", "SET", "notify-keyspace-events", "KEA");
      d.both("CONFIG", "GET", "notify-keyspace-events");
      d.both("CONFIG", "SET", "notify-keyspace-events", "Eg$x");
      d.both("CONFIG", "GET", "notify-keyspace-events");
      d.both("CONFIG", "SET", "maxmemory", "1gb");
      d.both("CONFIG", "GET", "maxmemory");
      d.both("CONFIG", "SET", "repl-backlog-size", "1");
      d.both("CONFIG", "GET", "repl-backlog-size");
      d.both("CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 2 3");
      d.both("CONFIG", "GET", "client-output-buffer-limit");
      d.both("CONFIG", "SET", "save", "3600 1 300 100");
      d.both("CONFIG", "GET", "save");
      d.both("CONFIG", "SET", "hash-max-ziplist-entries", "64");
      assertEquals(asMap(d.b.call("CONFIG", "GET", "hash-max-*-entries")), asMap(d.a.call("CONFIG", "GET", "hash-max-*-entries")));
      assertEquals(7L, d.ours.node.config.getLong("timeout"));
    } finally {
      for (String[] reset : List.of(new String[] {"timeout", "0"}, new String[] {"maxclients", "10000"},
          new String[] {"hz", "10"}, new String[] {"notify-keyspace-events", ""}, new String[] {"maxmemory", "0"},
          new String[] {"repl-backlog-size", "1mb"}, new String[] {"save", ""},
          new String[] {"hash-max-listpack-entries", "512"},
          new String[] {"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60"})) {
        d.a.call("CONFIG", "SET", reset[0], reset[1]);
        d.b.call("CONFIG", "SET", reset[0], reset[1]);
      }
    }
  }

  @Test
  void configRewriteResetstatHelpMatchRedis() throws Exception {
    d.both("CONFIG", "REWRITE");
    d.both("CONFIG", "RESETSTAT");
    d.both("CONFIG", "HELP");
    d.both("CONFIG", "NOSUCH");
    d.both("CONFIG");
    Map<String, String> info = infoMap(Reply.str(d.a.call("INFO", "stats")));
    assertEquals("0", info.get("total_connections_received"));
  }

  @Test
  void configRewriteWritesTheFileItWasStartedWith() throws Exception {
    try (var node = io.redisha.testing.TestNode.start(); RespClient c = node.client()) {
      java.nio.file.Path file = node.dir.resolve("redis.conf");
      java.nio.file.Files.writeString(file, "# my settings\ntimeout 5\nmaxclients 100\n");
      node.node.config.setFile(file);
      assertEquals(new Reply.Simple("OK"), c.call("CONFIG", "SET", "timeout", "33", "hz", "20"));
      assertEquals(new Reply.Simple("OK"), c.call("CONFIG", "REWRITE"));
      String text = java.nio.file.Files.readString(file);
      assertTrue(text.startsWith("# my settings\ntimeout 33\nmaxclients 10000\n"), text);
      assertTrue(text.contains("\nhz 20\n"), text);
      assertEquals(file.toString(), infoMap(Reply.str(c.call("INFO", "server"))).get("config_file"));
      assertEquals("20", infoMap(Reply.str(c.call("INFO", "server"))).get("hz"));
    }
  }

  // ---------------------------------------------------------------- CLIENT

  @Test
  void clientNamesAndErrorsMatchRedis() throws Exception {
    d.both("CLIENT", "GETNAME");
    d.both("CLIENT", "SETNAME", "a b");
    d.both("CLIENT", "SETNAME", "myname");
    d.both("CLIENT", "GETNAME");
    d.both("CLIENT", "SETNAME", "");
    d.both("CLIENT", "GETNAME");
    d.both("CLIENT", "HELP");
    d.both("CLIENT", "SETINFO", "lib-name", "x");
    d.both("CLIENT", "NOSUCH");
    d.both("CLIENT");
    d.both("CLIENT", "KILL", "1.2.3.4:5");
    d.both("CLIENT", "KILL", "ID", "999999");
    d.both("CLIENT", "KILL", "foo", "bar");
    d.both("CLIENT", "KILL", "ID", "x");
    d.both("CLIENT", "KILL", "ID", "0");
    d.both("CLIENT", "KILL", "SKIPME", "maybe");
    d.both("CLIENT", "KILL", "MAXAGE", "10");
    d.both("CLIENT", "KILL", "TYPE", "foo");
    d.both("CLIENT", "KILL", "TYPE");
    d.both("CLIENT", "KILL", "USER", "nobody");
    d.both("CLIENT", "KILL", "TYPE", "pubsub");
    d.both("CLIENT", "KILL", "ID", "5", "TYPE");
    d.both("CLIENT", "LIST", "TYPE", "foo");
    d.both("CLIENT", "LIST", "ID", "x");
    d.both("CLIENT", "LIST", "ID", "0");
    d.both("CLIENT", "LIST", "ID");
    d.both("CLIENT", "LIST", "foo");
    d.both("CLIENT", "LIST", "TYPE", "normal", "foo");
    d.both("CLIENT", "LIST", "TYPE", "pubsub");
    d.both("CLIENT", "LIST", "ID", "999999");
    d.both("CLIENT", "NO-EVICT", "maybe");
    d.both("CLIENT", "NO-EVICT", "on");
    d.both("CLIENT", "NO-EVICT", "off");
    d.both("CLIENT", "PAUSE", "x");
    d.both("CLIENT", "PAUSE", "-1");
    d.both("CLIENT", "PAUSE", "10", "foo");
    d.both("CLIENT", "PAUSE", "10", "write", "x");
    d.both("CLIENT", "PAUSE", "0", "write");
    d.both("CLIENT", "UNPAUSE");
    d.both("CLIENT", "UNBLOCK", "x");
    d.both("CLIENT", "UNBLOCK", "1", "foo");
    d.both("CLIENT", "UNBLOCK", "999999");
    d.both("CLIENT", "UNBLOCK", "999999", "error");
    d.both("CLIENT", "UNBLOCK", "999999", "error", "x");
    d.both("CLIENT", "REPLY", "foo");
  }

  @Test
  void clientReplyOffSkipOnMatchRedis() throws Exception {
    for (RespClient c : List.of(d.a, d.b)) {
      c.send("CLIENT", "REPLY", "OFF");
      c.send("SET", "r", "1");
      c.send("NOSUCH");
      c.send("CLIENT", "REPLY", "ON");
      assertEquals(new Reply.Simple("OK"), c.read());
      c.send("CLIENT", "REPLY", "SKIP");
      c.send("GET", "r");
      c.send("PING");
      assertEquals(new Reply.Simple("PONG"), c.read());
      c.send("CLIENT", "REPLY", "OFF");
      c.send("CLIENT", "REPLY", "SKIP");
      c.send("PING");
      assertEquals(new Reply.Simple("RESET"), c.call("RESET"), "RESET turns replies back on");
    }
  }

  private static final Pattern CLIENT_LINE = Pattern.compile(
      "id=(\\d+) addr=(\\S+) laddr=(\\S+) fd=-?\\d+ name=(\\S*) age=\\d+ idle=\\d+ flags=(\\w+) db=(\\d+) sub=(\\d+) "
          + "psub=(\\d+) ssub=0 multi=(-?\\d+) qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ "
          + "obl=0 oll=0 omem=\\d+ tot-mem=\\d+ events=rw? cmd=(\\S+) user=default redir=-1 resp=([23])");

  @Test
  void clientListLinesHaveRedisFields() throws Exception {
    String theirs = Reply.str(d.b.call("CLIENT", "INFO"));
    String ours = Reply.str(d.a.call("CLIENT", "INFO"));
    assertEquals(keysOf(theirs), keysOf(ours));
    assertTrue(CLIENT_LINE.matcher(ours.trim()).matches(), ours);
    try (RespClient sub = d.ours.client(); RespClient tx = d.ours.client()) {
      sub.call("SUBSCRIBE", "ch");
      tx.call("SELECT", "3");
      tx.call("CLIENT", "SETNAME", "txer");
      tx.call("MULTI");
      tx.call("SET", "a", "b");
      String list = Reply.str(d.a.call("CLIENT", "LIST"));
      assertTrue(list.endsWith("\n"));
      Map<String, Matcher> byName = new LinkedHashMap<>();
      for (String line : list.split("\n")) {
        Matcher m = CLIENT_LINE.matcher(line);
        assertTrue(m.matches(), line);
        byName.put(m.group(4).isEmpty() ? "id" + m.group(1) : m.group(4), m);
      }
      Matcher t = byName.get("txer");
      assertEquals("x", t.group(5));
      assertEquals("3", t.group(6));
      assertEquals("1", t.group(9));
      long subscribers = byName.values().stream().filter(m -> m.group(5).equals("P") && m.group(7).equals("1")).count();
      assertEquals(1, subscribers);
      String pubsubOnly = Reply.str(d.a.call("CLIENT", "LIST", "TYPE", "pubsub"));
      assertEquals(1, pubsubOnly.split("\n").length);
      String me = Reply.str(d.a.call("CLIENT", "LIST", "ID", Long.toString(((Reply.Int) d.a.call("CLIENT", "ID")).value())));
      assertTrue(me.contains(" cmd=client|list "), me);
    }
  }

  @Test
  void clientListFlagsMatchRedis() throws Exception {
    List<Map<String, String>> results = new ArrayList<>();
    for (var server : List.<java.util.function.Supplier<RespClient>>of(() -> open(d.ours.port()), () -> open(d.theirs.port))) {
      try (RespClient admin = server.get(); RespClient tx = server.get(); RespClient mon = server.get();
          RespClient sub = server.get(); RespClient noevict = server.get()) {
        tx.call("CLIENT", "SETNAME", "tx");
        mon.call("CLIENT", "SETNAME", "mon");
        sub.call("CLIENT", "SETNAME", "sub");
        noevict.call("CLIENT", "SETNAME", "noevict");
        tx.call("WATCH", "k");
        tx.call("MULTI");
        admin.call("FLUSHALL"); // touches nothing: k does not exist
        admin.call("SET", "k", "v");
        mon.call("MONITOR");
        sub.call("SUBSCRIBE", "c");
        noevict.call("CLIENT", "NO-EVICT", "on");
        Map<String, String> flags = new java.util.TreeMap<>();
        for (String line : Reply.str(admin.call("CLIENT", "LIST")).split("\n")) {
          Matcher m = CLIENT_LINE.matcher(line);
          assertTrue(m.matches(), line);
          if (!m.group(4).isEmpty()) flags.put(m.group(4), m.group(5) + " multi=" + m.group(9) + " sub=" + m.group(7));
        }
        results.add(flags);
      }
    }
    assertEquals(results.get(1), results.get(0));
  }

  private static RespClient open(int port) {
    try {
      return new RespClient(port);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> keysOf(String line) {
    List<String> keys = new ArrayList<>();
    for (String f : line.trim().split(" ")) keys.add(f.substring(0, f.indexOf('=')));
    return keys;
  }

  @Test
  void clientKillByAddrAndByFilter() throws Exception {
    try (RespClient victim = d.ours.client(); RespClient victim2 = d.ours.client()) {
      victim.call("CLIENT", "SETNAME", "v1");
      long id2 = ((Reply.Int) victim2.call("CLIENT", "ID")).value();
      String addr = null;
      for (String line : Reply.str(d.a.call("CLIENT", "LIST")).split("\n")) {
        if (line.contains(" name=v1 ")) addr = line.split(" ")[1].substring("addr=".length());
      }
      assertEquals(new Reply.Simple("OK"), d.a.call("CLIENT", "KILL", addr));
      assertTrue(victim.closedByServer(2000));
      assertEquals(new Reply.Error("ERR No such client"), d.a.call("CLIENT", "KILL", addr));
      assertEquals(new Reply.Int(1), d.a.call("CLIENT", "KILL", "ID", Long.toString(id2)));
      assertTrue(victim2.closedByServer(2000));
      assertEquals(new Reply.Int(0), d.a.call("CLIENT", "KILL", "TYPE", "normal"), "SKIPME defaults to yes");
    }
    try (RespClient self = d.ours.client()) {
      assertEquals(new Reply.Int(1), self.call("CLIENT", "KILL", "ID", Long.toString(((Reply.Int) self.call("CLIENT", "ID")).value()), "SKIPME", "no"));
      assertTrue(self.closedByServer(2000));
    }
  }

  @Test
  void clientUnblockAnswersTheBlockedClient() throws Exception {
    try (RespClient blocked = d.ours.client()) {
      long id = ((Reply.Int) blocked.call("CLIENT", "ID")).value();
      blocked.send("BLPOP", "nolist", "0");
      long deadline = System.currentTimeMillis() + 5000;
      while (!Reply.str(d.a.call("CLIENT", "LIST", "ID", Long.toString(id))).contains("flags=b")) {
        assertTrue(System.currentTimeMillis() < deadline, "client never blocked");
      }
      assertEquals(new Reply.Int(1), d.a.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR"));
      assertEquals(new Reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK"), blocked.read());
    }
  }

  @Test
  void clientPauseWriteHoldsWritesOnly() throws Exception {
    try (RespClient other = d.ours.client()) {
      long otherId = ((Reply.Int) other.call("CLIENT", "ID")).value();
      assertEquals(new Reply.Simple("OK"), d.a.call("CLIENT", "PAUSE", "400", "WRITE"));
      long t0 = System.nanoTime();
      assertEquals(new Reply.Simple("PONG"), other.call("PING"));
      other.send("FLUSHDB");
      String line = Reply.str(d.a.call("CLIENT", "LIST", "ID", Long.toString(otherId)));
      assertTrue(line.contains(" flags=b "), line);
      assertEquals(new Reply.Simple("OK"), other.read());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 250, "FLUSHDB ran during CLIENT PAUSE WRITE after " + ms + " ms");
      // UNPAUSE ends a write pause at once.
      d.a.call("CLIENT", "PAUSE", "10000", "WRITE");
      d.a.call("CLIENT", "UNPAUSE");
      t0 = System.nanoTime();
      assertEquals(new Reply.Simple("OK"), other.call("FLUSHDB"));
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
    }
  }

  @Test
  void clientPauseAllHoldsEveryCommand() throws Exception {
    try (RespClient other = d.ours.client()) {
      assertEquals(new Reply.Simple("OK"), d.a.call("CLIENT", "PAUSE", "300"));
      long t0 = System.nanoTime();
      assertEquals(new Reply.Simple("PONG"), other.call("PING"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 200, "PING ran during CLIENT PAUSE ALL after " + ms + " ms");
    }
  }

  // ---------------------------------------------------------------- MONITOR

  @Test
  void monitorStreamsCommandsAsRedisFormatsThem() throws Exception {
    try (RespClient mon = d.ours.client(); RespClient other = d.ours.client()) {
      assertEquals(new Reply.Simple("OK"), mon.call("MONITOR"));
      other.call("SELECT", "2");
      other.call("SET", "a b", "x\"y\n");
      other.call("AUTH", "secret");
      other.call("CONFIG", "GET", "port"); // admin: not shown
      other.call("PING");
      Pattern line = Pattern.compile("\\d{10}\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\] (.*)");
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Matcher m = line.matcher(((Reply.Simple) mon.read()).text());
        assertTrue(m.matches());
        seen.add(m.group(1) + " " + m.group(2));
      }
      assertEquals(List.of("2 \"SELECT\" \"2\"", "2 \"SET\" \"a b\" \"x\\\"y\\n\"", "2 \"AUTH\" \"(redacted)\"",
          "2 \"PING\""), seen);
    }
  }

  @Test
  void monitorFeedMatchesRedisForTransactionsAndErrors() throws Exception {
    List<List<String>> feeds = new ArrayList<>();
    for (int port : new int[] {d.ours.port(), d.theirs.port}) {
      try (RespClient mon = new RespClient(port); RespClient c = new RespClient(port)) {
        mon.call("MONITOR");
        c.call("SELECT", "1");
        c.call("MULTI");
        c.call("SET", "k", "v");
        c.call("PING");
        c.call("EXEC");
        c.call("GET");              // arity error: not fed
        c.call("NOSUCH");           // unknown: not fed
        c.call("CLIENT", "SETNAME", "n");
        c.call("CLIENT", "LIST");   // admin: not fed
        c.call("HELLO", "2", "AUTH", "default", "pw");
        c.call("ECHO", "last");
        List<String> lines = new ArrayList<>();
        String line;
        do {
          line = ((Reply.Simple) mon.read()).text().replaceFirst("^\\S+ \\[(\\d+) [^\\]]+\\]", "[$1]");
          lines.add(line);
        } while (!line.endsWith("\"last\""));
        feeds.add(lines);
      }
    }
    assertEquals(feeds.get(1), feeds.get(0));
  }

  // ---------------------------------------------------------------- COMMAND

  @Test
  void commandSubcommandsMatchRedisWhereDeterministic() throws Exception {
    // Not "get": its key specs are a known difference (CommandTableTest compares the other fields).
    d.both("COMMAND", "INFO", "nosuchcommand", "config|get", "CONFIG|GET");
    d.both("COMMAND", "GETKEYS", "set", "a", "b");
    d.both("COMMAND", "GETKEYS", "get");
    d.both("COMMAND", "GETKEYS", "get", "a", "b");
    d.both("COMMAND", "GETKEYS", "nosuch", "a");
    d.both("COMMAND", "GETKEYS", "ping", "x");
    d.both("COMMAND", "GETKEYS", "config", "get", "x");
    d.both("COMMAND", "GETKEYS", "config", "foo");
    d.both("COMMAND", "HELP");
    d.both("COMMAND", "NOSUCH");
    d.both("COMMAND", "LIST", "FILTERBY", "MODULE", "foo");
    d.both("COMMAND", "LIST", "FILTERBY", "foo", "bar");
    d.both("COMMAND", "LIST", "foo");
    d.bothUnordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*");
    d.both("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat");
    d.bothUnordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*");
    d.both("COMMAND", "DOCS", "nosuch");
  }

  @Test
  void commandMovableKeysMatchRedisForWhatWeImplement() throws Exception {
    String[][] cases = {
        {"zunionstore", "d", "2", "a", "b"}, {"zunionstore", "d", "x", "a"}, {"zunion", "0", "a"},
        {"lmpop", "2", "a", "b", "left"}, {"lmpop", "5", "a", "b", "left"}, {"sintercard", "1", "a", "limit", "3"},
        {"blmpop", "0", "1", "a", "left"}, {"zdiff", "3", "a", "b"}, {"zinterstore", "d", "-1", "a"},
        {"mset", "a", "1", "b", "2"}, {"blpop", "a", "b", "0"}};
    for (String[] c : cases) d.both(prepend(c, "COMMAND", "GETKEYS"));
    // Commands the node does not have at all: it refuses them, whatever Redis would say.
    String[][] absent = {{"sort", "a", "by", "b"}, {"sort", "a", "store", "b"},
        {"xread", "count", "1", "streams", "a", "0", "0"}, {"xread", "streams", "a", "b", "0"},
        {"eval", "x", "0"}, {"eval", "x", "2", "a", "b", "c"}};
    for (String[] c : absent) {
      assertInstanceOf(Reply.Error.class, d.a.call(prepend(c, "COMMAND", "GETKEYS")), c[0]);
    }
  }

  @Test
  void commandCountListAndDocsDescribeOnlyWhatWeImplement() throws Exception {
    long count = ((Reply.Int) d.a.call("COMMAND", "COUNT")).value();
    List<Reply> all = ((Reply.Agg) d.a.call("COMMAND")).items();
    assertEquals(count, all.size());
    for (Reply e : all) {
      String name = Reply.str(((Reply.Agg) e).items().get(0));
      assertTrue(d.ours.node.commands.implemented(name)
          || d.ours.node.commands.names().stream().anyMatch(n -> n.startsWith(name + "|")), name);
    }
    List<Reply> names = ((Reply.Agg) d.a.call("COMMAND", "LIST")).items();
    assertTrue(names.contains(new Reply.Bulk("config|get".getBytes())));
    assertTrue(names.contains(new Reply.Bulk("info".getBytes())));
    assertEquals(d.ours.node.commands.names().size(), names.size() - containersOnlyViaSubcommands());
    Reply docs = d.a.call("COMMAND", "DOCS", "info", "nosuch");
    assertEquals("*[\"info\", *[]]", docs.toString());
    List<Reply> acl = ((Reply.Agg) d.a.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection")).items();
    assertTrue(acl.contains(new Reply.Bulk("client|setname".getBytes())), acl.toString());
  }

  /** Containers (config, client...) are listed although only their subcommands have handlers. */
  private static int containersOnlyViaSubcommands() {
    Set<String> containers = new java.util.HashSet<>();
    for (String n : d.ours.node.commands.names()) if (n.contains("|")) containers.add(n.substring(0, n.indexOf('|')));
    containers.removeIf(c -> d.ours.node.commands.implemented(c));
    return containers.size();
  }

  // ---------------------------------------------------------------- the small ones

  @Test
  void smallServerCommandsMatchRedis() throws Exception {
    d.both("ROLE");
    d.both("FLUSHALL", "foo");
    d.both("FLUSHALL", "async");
    d.both("FLUSHALL", "sync");
    d.both("FLUSHDB", "sync", "x");
    d.both("FLUSHDB");
    d.both("DBSIZE");
    d.both("SHUTDOWN", "foo");
    d.both("SHUTDOWN", "nosave", "save");
    d.both("SHUTDOWN", "abort");
    d.both("SHUTDOWN", "abort", "now");
    d.both("DEBUG", "foo");
    d.both("DEBUG", "sleep");
    d.both("DEBUG", "sleep", "x");
    d.both("DEBUG", "sleep", "0");
    d.both("DEBUG", "set-active-expire", "x");
    d.both("DEBUG", "set-active-expire", "1", "2");
    d.both("DEBUG", "set-active-expire", "1");
    d.both("DEBUG", "change-repl-id", "x");
    String replid = d.ours.node.replid;
    d.both("DEBUG", "change-repl-id");
    assertTrue(!replid.equals(d.ours.node.replid) && d.ours.node.replid.matches("[0-9a-f]{40}"));
    d.both("TIME", "x");
    d.both("LASTSAVE", "x");
    d.both("MULTI");
    d.both("MONITOR");
    d.both("EXEC");
    List<Reply> time = ((Reply.Agg) d.a.call("TIME")).items();
    long secs = Long.parseLong(Reply.str(time.get(0)));
    assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) <= 2);
    assertTrue(Long.parseLong(Reply.str(time.get(1))) < 1_000_000);
    assertEquals(new Reply.Int(d.ours.node.startMs / 1000), d.a.call("LASTSAVE"));
  }

  @Test
  void debugSleepStallsTheWholeNode() throws Exception {
    try (RespClient other = d.ours.client()) {
      d.a.send("DEBUG", "SLEEP", "0.3");
      Thread.sleep(50); // let the sleep start
      long t0 = System.nanoTime();
      assertEquals(new Reply.Simple("PONG"), other.call("PING"));
      long waitedMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(new Reply.Simple("OK"), d.a.read());
      assertTrue(waitedMs >= 150, "PING was answered during DEBUG SLEEP after " + waitedMs + " ms");
    }
  }

  @Test
  void debugIsRefusedWhenNotEnabled() throws Exception {
    try (var plain = io.redisha.testing.TestNode.start(); RespClient c = plain.client()) {
      Reply r = c.call("DEBUG", "SLEEP", "0");
      assertTrue(Reply.str(r).startsWith("ERR DEBUG command not allowed."), r.toString());
    }
  }
}
