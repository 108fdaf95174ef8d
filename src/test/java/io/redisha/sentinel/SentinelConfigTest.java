package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sentinel.conf parsing and the rewrite that persists what the sentinel learned. */
class SentinelConfigTest {

  static final String CLASSIC = """
      # the classic three-sentinel config
      port 26379
      daemonize yes
      logfile ""
      dir /tmp
      sentinel monitor mymaster 127.0.0.1 6379 2
      sentinel down-after-milliseconds mymaster 3000
      sentinel parallel-syncs mymaster 1
      sentinel failover-timeout mymaster 180000
      sentinel auth-pass mymaster s3cret
      sentinel deny-scripts-reconfig yes
      """;

  @Test
  void classicConfigParses(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, CLASSIC);
    SentinelConfig c = SentinelConfig.load(new String[] {conf.toString(), "--port", "26380"});
    assertEquals(26380, c.port);
    SentinelConfig.MasterSpec m = c.masters.get("mymaster");
    assertEquals("127.0.0.1", m.ip);
    assertEquals(6379, m.port);
    assertEquals(2, m.quorum);
    assertEquals(3000, m.downAfter);
    assertEquals(1, m.parallelSyncs);
    assertEquals(180000, m.failoverTimeout);
    assertEquals("s3cret", m.authPass);
    assertNull(c.myid);
  }

  @Test
  void badDirectivesAreRefusedWithTheLine(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "sentinel down-after-milliseconds nosuch 1000\n");
    ConfigException e = assertThrows(ConfigException.class, () -> SentinelConfig.load(new String[] {conf.toString()}));
    assertTrue(e.getMessage().contains("No such master with specified name."), e.getMessage());
    Files.writeString(conf, "sentinel monitor m 127.0.0.1 6379 0\n");
    e = assertThrows(ConfigException.class, () -> SentinelConfig.load(new String[] {conf.toString()}));
    assertTrue(e.getMessage().contains("Quorum must be 1 or greater."), e.getMessage());
    Files.writeString(conf, "nosuchdirective 1\n");
    assertThrows(ConfigException.class, () -> SentinelConfig.load(new String[] {conf.toString()}));
  }

  @Test
  void rewritePersistsStateAndARestartRemembersIt(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port 0\nbind 127.0.0.1\n# my comment\nsentinel monitor mymaster 127.0.0.1 1 2\n"
        + "sentinel down-after-milliseconds mymaster 3000\n"
        + "sentinel known-replica mymaster 127.0.0.1 2\n"
        + "sentinel known-sentinel mymaster 127.0.0.1 3 " + "a".repeat(40) + "\n"
        + "sentinel current-epoch 7\nsentinel config-epoch mymaster 5\nsentinel leader-epoch mymaster 6\n");
    Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
    s.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String id = s.myid();
    Fleet.stopOurs(s);
    String text = Files.readString(conf);
    assertTrue(text.startsWith("bind 127.0.0.1\n# my comment\n"), text);
    for (String line : List.of("sentinel myid " + id, "sentinel monitor mymaster 127.0.0.1 1 2",
        "sentinel down-after-milliseconds mymaster 3000", "sentinel config-epoch mymaster 5",
        "sentinel leader-epoch mymaster 6", "sentinel known-replica mymaster 127.0.0.1 2",
        "sentinel known-sentinel mymaster 127.0.0.1 3 " + "a".repeat(40), "sentinel current-epoch 7")) {
      assertTrue(text.contains(line + "\n"), line + " missing in:\n" + text);
    }
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
    Sentinel again = Sentinel.fromArgs(new String[] {conf.toString()});
    again.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      assertEquals(id, again.myid());
      assertEquals("1", Fleet.masterField(again.port(), "num-slaves"));
      assertEquals("1", Fleet.masterField(again.port(), "num-other-sentinels"));
      assertEquals("5", Fleet.masterField(again.port(), "config-epoch"));
      assertEquals(text, Files.readString(conf).replace("port " + again.port(), "port " + s.port()));
    } finally {
      Fleet.stopOurs(again);
    }
  }

  @Test
  void sentinelWithoutAFileRefusesToStart() throws Exception {
    assertEquals(1, SentinelMain.run(new String[] {"--port", "0"}));
  }
}
