package io.redisha.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.gateway.Gateway;
import io.redisha.gateway.GatewayConfig;
import io.redisha.sentinel.Sentinel;
import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole password-protected topology at loglevel debug: our master and replica
 * (requirepass, masterauth, first a wrong one), two of our sentinels (requirepass,
 * sentinel-pass, auth-pass, SENTINEL SET auth-pass) and the gateway (requirepass,
 * backend-auth-pass, sentinel-auth-pass). Clients fail AUTH everywhere, the replica's
 * password is rotated with CONFIG SET, the master is stopped and the sentinels fail over.
 * Then no log file holds any password, every line is one well-formed line of the chosen
 * format, and the leader's log shows each failover step as one line of its own.
 */
class LogsKeepPasswordsOutTest {

  static final String NODE_PASS = "pw-node-4f1c0a";
  static final String WRONG_PASS = "pw-wrong-9d2e77";
  static final String ROTATED_PASS = "pw-rotated-7a3b51";
  static final String SENTINEL_PASS = "pw-sentinel-c80f19";
  static final String GATEWAY_PASS = "pw-gateway-e61d42";
  static final List<String> PASSWORDS = List.of(NODE_PASS, WRONG_PASS, ROTATED_PASS, SENTINEL_PASS, GATEWAY_PASS);

  /** Every step of a failover the leader takes, in order, as redis-sentinel names them. */
  static final List<String> LEADER_STEPS = List.of("+sdown", "+odown", "+try-failover", "+vote-for-leader", "+elected-leader",
      "+failover-state-select-slave", "+selected-slave", "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion",
      "+promoted-slave", "+failover-state-reconf-slaves", "+failover-end", "+switch-master");

  static final Pattern LEGACY_LINE = Pattern.compile("^\\d+:[MSXGC] \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} [.\\-*#] \\S.*$");
  static final Pattern LOGFMT_LINE = Pattern.compile(
      "^pid=\\d+ role=(primary|replica|sentinel|gateway) timestamp=\"[^\"]+\" level=(debug|info|notice|warning) "
          + "(message=\"([^\"\\\\]|\\\\.)*\"|event=\\S+( [a-z_]+=(\"([^\"\\\\]|\\\\.)*\"|[^\\s\"=]+))* message=\"([^\"\\\\]|\\\\.)*\")$");

  @ParameterizedTest
  @ValueSource(strings = {"legacy", "logfmt"})
  void noPasswordInAnyLogAndEachFailoverStepIsOneLine(String format) throws Exception {
    Path dir = Files.createTempDirectory("logs-no-passwords-");
    List<AutoCloseable> open = new ArrayList<>();
    Map<String, Path> logs = new TreeMap<>();
    try {
      Path masterLog = dir.resolve("master.log");
      Path replicaLog = dir.resolve("replica.log");
      logs.put("master", masterLog);
      logs.put("replica", replicaLog);
      TestNode master = TestNode.start("--requirepass", NODE_PASS, "--masterauth", NODE_PASS, "--loglevel", "debug",
          "--log-format", format, "--logfile", masterLog.toString());
      open.add(master);
      TestNode replica = TestNode.start("--requirepass", NODE_PASS, "--masterauth", WRONG_PASS, "--loglevel", "debug",
          "--log-format", format, "--logfile", replicaLog.toString(), "--replicaof", "127.0.0.1", String.valueOf(master.port()));
      open.add(replica);

      // The replica's handshake fails on the wrong password, then succeeds once it is corrected.
      awaitTrue("the replica's AUTH to its master to fail", 10_000, () -> read(replicaLog).contains("Unable to AUTH to MASTER"));
      try (RespClient r = authed(replica.port(), NODE_PASS)) {
        assertEquals("OK", Reply.str(r.call("CONFIG", "SET", "masterauth", NODE_PASS)));
        // Rotating requirepass and back: CONFIG SET arguments must not reach the log either.
        assertEquals("OK", Reply.str(r.call("CONFIG", "SET", "requirepass", ROTATED_PASS)));
        try (RespClient c = authed(replica.port(), ROTATED_PASS)) {
          assertEquals("OK", Reply.str(c.call("CONFIG", "SET", "requirepass", NODE_PASS)));
        }
      }
      awaitTrue("the replica in sync", 10_000, () -> infoField(replica.port(), "master_link_status").equals("up"));
      for (int port : new int[] {master.port(), replica.port()}) failAuth(port);
      try (RespClient c = new RespClient(master.port())) {
        assertTrue(Reply.str(c.call("HELLO", "3", "AUTH", "default", WRONG_PASS)).startsWith("WRONGPASS"));
      }

      List<Sentinel> sentinels = new ArrayList<>();
      List<Integer> sentinelPorts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int port = Ports.free();
        Path log = dir.resolve("sentinel-" + i + ".log");
        logs.put("sentinel-" + i, log);
        Path conf = dir.resolve("sentinel-" + i + ".conf");
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nlogfile \"" + log + "\"\nloglevel debug\nlog-format " + format
            + "\ndir \"" + dir + "\"\nrequirepass " + SENTINEL_PASS + "\nsentinel sentinel-pass " + SENTINEL_PASS
            + "\nsentinel monitor mymaster 127.0.0.1 " + master.port() + " 2\nsentinel auth-pass mymaster " + NODE_PASS
            + "\nsentinel down-after-milliseconds mymaster 1500\nsentinel failover-timeout mymaster 10000\n");
        Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
        s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        open.add(() -> s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        sentinels.add(s);
        sentinelPorts.add(port);
      }
      for (int port : sentinelPorts) {
        failAuth(port);
        try (RespClient c = authed(port, SENTINEL_PASS)) {
          assertEquals("OK", Reply.str(c.call("SENTINEL", "SET", "mymaster", "auth-pass", NODE_PASS)));
        }
        awaitTrue("sentinel " + port + " to know the other sentinel and the replica", 20_000,
            () -> masterField(port, "num-other-sentinels").equals("1") && masterField(port, "num-slaves").equals("1"));
      }

      Path gatewayLog = dir.resolve("gateway.log");
      logs.put("gateway", gatewayLog);
      Gateway gw = new Gateway(GatewayConfig.fromArgs(new String[] {"--port", "0", "--bind", "127.0.0.1",
          "--sentinel", "127.0.0.1", String.valueOf(sentinelPorts.get(0)), "--sentinel", "127.0.0.1", String.valueOf(sentinelPorts.get(1)),
          "--master-name", "mymaster", "--sentinel-auth-pass", SENTINEL_PASS, "--backend-auth-pass", NODE_PASS,
          "--requirepass", GATEWAY_PASS, "--check-interval-ms", "200", "--loglevel", "debug", "--log-format", format,
          "--logfile", gatewayLog.toString()}));
      gw.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      open.add(() -> gw.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      failAuth(gw.port());
      awaitTrue("a write through the gateway", 10_000, () -> setThrough(gw.port()));

      master.close();
      open.remove(master);
      awaitTrue("the sentinels to switch to the replica", 30_000,
          () -> sentinelPorts.stream().allMatch(p -> read(logs.get("sentinel-" + sentinelPorts.indexOf(p))).contains("+switch-master")));
      awaitTrue("a write through the gateway after the failover", 15_000, () -> setThrough(gw.port()));
      failAuth(gw.port());

      while (!open.isEmpty()) open.remove(open.size() - 1).close();

      for (Map.Entry<String, Path> e : logs.entrySet()) {
        String text = read(e.getValue());
        assertFalse(text.isEmpty(), e.getKey() + " logged nothing");
        for (String pw : PASSWORDS) assertFalse(text.contains(pw), e.getKey() + "'s log contains the password " + pw + ":\n" + text);
        Pattern line = format.equals("legacy") ? LEGACY_LINE : LOGFMT_LINE;
        for (String l : text.split("\n", -1)) {
          if (!l.isEmpty()) assertTrue(line.matcher(l).matches(), e.getKey() + ": not one well-formed " + format + " line: " + l);
        }
      }
      String leader = logs.keySet().stream().filter(k -> k.startsWith("sentinel") && read(logs.get(k)).contains("+elected-leader"))
          .findFirst().orElseThrow(() -> new AssertionError("no sentinel logged +elected-leader:\n" + read(logs.get("sentinel-0"))));
      List<String> lines = List.of(read(logs.get(leader)).split("\n"));
      int at = -1;
      for (String step : LEADER_STEPS) {
        int found = -1;
        for (int i = Math.max(at, 0); i < lines.size() && found < 0; i++) if (isEvent(lines.get(i), step, format)) found = i;
        assertTrue(found >= 0, step + " not logged (in order) by the leader:\n" + String.join("\n", lines));
        at = found;
      }
      String switchLine = lines.stream().filter(l -> isEvent(l, "+switch-master", format)).findFirst().orElseThrow();
      String expected = format.equals("legacy")
          ? " # +switch-master mymaster 127.0.0.1 " + master.port() + " 127.0.0.1 " + replica.port()
          : " level=warning event=+switch-master master=mymaster old_ip=127.0.0.1 old_port=" + master.port()
              + " new_ip=127.0.0.1 new_port=" + replica.port() + " message=";
      assertTrue(switchLine.contains(expected), switchLine);
      // Lines carry the role at the time: the replica's sync is an S (replica) line.
      assertTrue(read(logs.get("replica")).lines().anyMatch(l -> l.contains("MASTER <-> REPLICA sync: Finished with success")
          && (format.equals("legacy") ? l.matches("^\\d+:S .*") : l.contains(" role=replica "))), read(logs.get("replica")));
      // The promoted replica answers; a stale PING of the old master once made it +sdown right after the switch.
      for (int i = 0; i < 2; i++) {
        String text = read(logs.get("sentinel-" + i));
        String sdown = "+sdown master mymaster 127.0.0.1 " + replica.port();
        assertFalse(text.lines().anyMatch(l -> l.endsWith(sdown) || l.endsWith(sdown + "\"")), text);
      }
    } finally {
      while (!open.isEmpty()) {
        try {
          open.remove(open.size() - 1).close();
        } catch (Exception ignored) {
          // already failing; stop the rest
        }
      }
      // The assertions quote the logs they fail on, so the files need not outlive the test.
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  static boolean isEvent(String line, String event, String format) {
    return format.equals("legacy") ? line.matches("^\\d+:X .{24} [.\\-*#] " + Pattern.quote(event) + "( .*)?$")
        : line.contains(" event=" + event + " ");
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static RespClient authed(int port, String pass) throws IOException {
    RespClient c = new RespClient(port);
    c.setTimeout(3000);
    assertEquals("OK", Reply.str(c.call("AUTH", pass)), "AUTH on " + port);
    return c;
  }

  static void failAuth(int port) throws IOException {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(3000);
      String r = Reply.str(c.call("AUTH", WRONG_PASS));
      assertTrue(r.startsWith("WRONGPASS") || r.startsWith("ERR"), port + ": " + r);
      assertTrue(Reply.str(c.call("AUTH", "default", WRONG_PASS + "\nforged")).startsWith("WRONGPASS"));
      assertTrue(Reply.str(c.call("GET", "k")).startsWith("NOAUTH"));
    }
  }

  static boolean setThrough(int port) {
    try (RespClient c = new RespClient(port)) {
      c.setTimeout(2000);
      return Reply.str(c.call("AUTH", GATEWAY_PASS)).equals("OK") && Reply.str(c.call("SET", "k", "v")).equals("OK");
    } catch (IOException e) {
      return false;
    }
  }

  static String infoField(int port, String field) throws IOException {
    try (RespClient c = authed(port, NODE_PASS)) {
      for (String l : Reply.str(c.call("INFO", "replication")).split("\r\n")) {
        if (l.startsWith(field + ":")) return l.substring(field.length() + 1);
      }
      return "";
    }
  }

  static String masterField(int sentinelPort, String field) throws IOException {
    try (RespClient c = authed(sentinelPort, SENTINEL_PASS)) {
      if (!(c.call("SENTINEL", "master", "mymaster") instanceof Reply.Agg a)) return "";
      for (int i = 0; i + 1 < a.items().size(); i += 2) {
        if (Reply.str(a.items().get(i)).equals(field)) return Reply.str(a.items().get(i + 1));
      }
      return "";
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(String what, long ms, Check check) throws Exception {
    long deadline = System.currentTimeMillis() + ms;
    while (!check.ok()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out after " + ms + " ms waiting for " + what);
      Thread.sleep(20);
    }
  }
}
