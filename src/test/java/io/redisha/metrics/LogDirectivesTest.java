package io.redisha.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.config.ConfigException;
import io.redisha.gateway.GatewayConfig;
import io.redisha.sentinel.Sentinel;
import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log-format and log-timestamp-format in each component's config, and on the node at run time. */
class LogDirectivesTest {

  @TempDir
  Path dir;

  @Test
  void nodeSwitchesFormatWithConfigSetAndMarksItsRoleOnEachLine() throws Exception {
    Path log = dir.resolve("node.log");
    try (TestNode n = TestNode.start("--logfile", log.toString(), "--loglevel", "notice");
        RespClient c = n.client()) {
      List<Reply> got = ((Reply.Agg) c.call("CONFIG", "GET", "log-format")).items();
      assertEquals(List.of("log-format", "legacy"), got.stream().map(Reply::str).toList());
      // A master that goes to no master and back logs as M, S, M.
      c.call("REPLICAOF", "127.0.0.1", String.valueOf(Ports.free()));
      assertEquals("OK", Reply.str(c.call("CONFIG", "SET", "log-format", "logfmt", "log-timestamp-format", "milliseconds")));
      c.call("REPLICAOF", "NO", "ONE");
      assertEquals("OK", Reply.str(c.call("CONFIG", "SET", "log-format", "legacy", "log-timestamp-format", "iso8601")));
      c.call("REPLICAOF", "127.0.0.1", String.valueOf(Ports.free()));
      assertEquals("ERR CONFIG SET failed (possibly related to argument 'log-format') - argument(s) must be one of the following: legacy, logfmt",
          Reply.str(c.call("CONFIG", "SET", "log-format", "json")));
      assertEquals("ERR CONFIG SET failed (possibly related to argument 'log-timestamp-format') - argument(s) must be one of the following: "
          + "legacy, iso8601, milliseconds", Reply.str(c.call("CONFIG", "SET", "log-timestamp-format", "rfc3339")));
      c.call("REPLICAOF", "NO", "ONE");
    }
    List<String> lines = Files.readAllLines(log);
    String text = String.join("\n", lines);
    assertTrue(lines.stream().anyMatch(l -> l.matches("^\\d+:S \\d\\d [A-Z][a-z]{2} \\d{4} [0-9:.]{12} \\* REPLICAOF 127\\.0\\.0\\.1:\\d+ enabled .*")), text);
    assertTrue(lines.stream().anyMatch(l -> l.matches("^pid=\\d+ role=primary timestamp=\"\\d{13}\" level=notice message=\"MASTER MODE enabled .*\"$")), text);
    assertTrue(lines.stream().anyMatch(l -> l.matches(
        "^\\d+:S \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d \\* REPLICAOF 127\\.0\\.0\\.1:\\d+ enabled .*")), text);
  }

  @Test
  void sentinelReadsBothDirectivesAndRejectsUnknownValues() throws Exception {
    int port = Ports.free();
    Path log = dir.resolve("sentinel.log");
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nlogfile \"" + log + "\"\nlog-format logfmt\n"
        + "log-timestamp-format iso8601\nsentinel monitor mymaster 127.0.0.1 " + Ports.free() + " 2\n");
    Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
    s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String text = Files.readString(log);
    assertTrue(text.matches("(?s).*pid=\\d+ role=sentinel timestamp=\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}[+-]\\d\\d:\\d\\d\" level=warning "
        + "event=\\+monitor instance=master name=mymaster ip=127\\.0\\.0\\.1 port=\\d+ quorum=2 message=\"\\+monitor master mymaster .*"), text);

    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "port " + Ports.free() + "\nlog-format json\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Sentinel.fromArgs(new String[] {bad.toString()}));
    assertTrue(e.getMessage().contains("argument(s) must be one of the following: legacy, logfmt"), e.getMessage());
  }

  @Test
  void gatewayRejectsUnknownValues() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> GatewayConfig.fromArgs(new String[] {"--master", "127.0.0.1", "6379", "--log-timestamp-format", "rfc3339"}));
    assertTrue(e.getMessage().contains("legacy, iso8601, milliseconds"), e.getMessage());
  }

  @Test
  void gatewayAcceptsBothDirectives() throws Exception {
    GatewayConfig c = GatewayConfig.fromArgs(new String[] {"--master", "127.0.0.1", "6379", "--log-format", "logfmt",
        "--log-timestamp-format", "milliseconds"});
    assertEquals("logfmt", c.settings.getString("log-format"));
    assertEquals("milliseconds", c.settings.getString("log-timestamp-format"));
  }
}
