package io.redisha.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.node.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoadingTest {

  @TempDir Path dir;

  private Settings load(String text, String... argv) throws Exception {
    Path f = dir.resolve("redis.conf");
    Files.writeString(f, text);
    String[] args = new String[argv.length + 1];
    args[0] = f.toString();
    System.arraycopy(argv, 0, args, 1, argv.length);
    Settings s = NodeConfig.create();
    s.applyAll(ConfigFile.parseArgs(args).lines());
    return s;
  }

  @Test
  void classicMasterReplicaHowToLinesLoad() throws Exception {
    Settings s = load("bind 192.0.2.10\nrequirepass pwd@123\ndaemonize yes\n"
        + "# a comment\n\nmasterauth pwd@123\nreplicaof 192.0.2.10 6379\nslave-read-only yes\n");
    assertEquals(List.of("192.0.2.10"), s.value("bind"));
    assertEquals("pwd@123", s.getString("requirepass"));
    assertTrue(s.bool("daemonize"));
    assertEquals(new NodeConfig.ReplicaOf("192.0.2.10", 6379), s.value("replicaof"));
    assertTrue(s.bool("replica-read-only"));
  }

  @Test
  void commandLineOptionsOverrideTheFileLikeRedisServer() throws Exception {
    Settings s = load("port 7000\nsave 900 1\n", "--port", "7001", "--replicaof", "127.0.0.1", "6379", "--save", "");
    assertEquals(7001, s.getInt("port"));
    assertEquals("", s.getString("save"));
    assertEquals(new NodeConfig.ReplicaOf("127.0.0.1", 6379), s.value("replicaof"));
  }

  @Test
  void unknownDirectiveStopsStartupNamingFileLineAndDirective() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> load("port 7000\n\nfoo bar\n"));
    assertTrue(e.getMessage().contains(dir.resolve("redis.conf").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("at line 3"), e.getMessage());
    assertTrue(e.getMessage().contains(">>> 'foo bar'"), e.getMessage());
    assertTrue(e.getMessage().contains("Bad directive or wrong number of arguments"), e.getMessage());
  }

  @Test
  void badValuesAreRefusedWithRedisReasons() {
    assertReason("port abc", "argument couldn't be parsed into an integer");
    assertReason("port 70000", "argument must be between 0 and 65535 inclusive");
    assertReason("protected-mode maybe", "argument must be 'yes' or 'no'");
    assertReason("appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no");
    assertReason("save 900", "Invalid save parameters");
    assertReason("maxmemory lots", "argument must be a memory value");
    assertReason("port", "Bad directive or wrong number of arguments");
    assertReason("requirepass \"unbalanced", "Unbalanced quotes in configuration line");
  }

  private void assertReason(String line, String reason) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(line + "\n"));
    assertTrue(e.getMessage().contains(reason), () -> line + " -> " + e.getMessage());
  }

  @Test
  void quotedValuesAndMemoryUnits() throws Exception {
    Settings s = load("requirepass \"with space\\x41\"\nmaxmemory 2gb\nrepl-backlog-size 1mb\nproto-max-bulk-len 2mb\n");
    assertEquals("with spaceA", s.getString("requirepass"));
    assertEquals(2L * 1024 * 1024 * 1024, s.getLong("maxmemory"));
    assertEquals(1024 * 1024, s.getLong("repl-backlog-size"));
    assertEquals(2 * 1024 * 1024, s.getLong("proto-max-bulk-len"));
  }

  @Test
  void replicaofNoOneMeansMaster() throws Exception {
    assertNull(load("replicaof no one\n").value("replicaof"));
  }

  @Test
  void missingFileIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigFile.parseArgs(new String[] {dir.resolve("nope.conf").toString()}));
    assertTrue(e.getMessage().contains("can't open config file"), e.getMessage());
  }

  @Test
  void rewriteKeepsCommentsAndUnknownOrderAndPersistsChanges() throws Exception {
    Path f = dir.resolve("redis.conf");
    Files.writeString(f, "# my settings\nport 7000\ntimeout 0\n");
    Settings s = NodeConfig.create();
    s.applyAll(ConfigFile.parse(f));
    s.setFile(f);
    s.set("timeout", List.of("30"));
    s.set("maxmemory", List.of("100mb"));
    s.rewrite();
    String text = Files.readString(f, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("# my settings\nport 7000\ntimeout 30\n"), text);
    assertTrue(text.contains("maxmemory 104857600"), text);
    Settings again = NodeConfig.create();
    again.applyAll(ConfigFile.parse(f));
    assertEquals(30, again.getLong("timeout"));
  }
}
