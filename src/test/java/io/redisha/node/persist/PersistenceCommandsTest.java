package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbReader;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SAVE, BGSAVE, LASTSAVE, the save rules, SHUTDOWN's saving and INFO persistence. */
class PersistenceCommandsTest {

  private static String info(RespClient c) throws Exception {
    return ((Reply.Bulk) c.call("INFO", "persistence")).text();
  }

  private static List<Reply> pipeline(RespClient c, String[]... cmds) throws Exception {
    for (String[] cmd : cmds) c.send(cmd);
    List<Reply> out = new ArrayList<>();
    for (int i = 0; i < cmds.length; i++) out.add(c.read());
    return out;
  }

  @Test
  void saveAndBgsaveRepliesMatchRedis() throws Exception {
    try (TestNode node = TestNode.start(); RealRedis real = RealRedis.start();
         RespClient a = node.client(); RespClient b = real.client()) {
      for (RespClient c : List.of(a, b)) c.call("SET", "k", "v");
      // Pipelined: the second BGSAVE and the SAVE arrive while the first still runs.
      String[][] cmds = {{"BGSAVE"}, {"BGSAVE"}, {"SAVE"}, {"BGSAVE", "SCHEDULE"}, {"BGSAVE", "foo"},
          {"BGSAVE", "SCHEDULE", "x"}, {"SAVE", "x"}, {"LASTSAVE", "x"}};
      assertEquals(pipeline(b, cmds).toString(), pipeline(a, cmds).toString());
      for (RespClient c : List.of(a, b)) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (info(c).contains("rdb_bgsave_in_progress:1") && System.currentTimeMillis() < deadline) Thread.sleep(10);
      }
      assertEquals(b.call("SAVE"), a.call("SAVE"));
      assertEquals(b.call("BGSAVE", "SCHEDULE"), a.call("BGSAVE", "SCHEDULE"));
    }
  }

  @Test
  void saveWritesTheDumpResetsChangesAndMovesLastsave() throws Exception {
    try (TestNode node = TestNode.start(); RespClient c = node.client()) {
      c.call("SET", "a", "1");
      c.call("RPUSH", "l", "x", "y", "z");
      assertTrue(info(c).contains("rdb_changes_since_last_save:4"), info(c));
      long before = ((Reply.Int) c.call("LASTSAVE")).value();
      long deadline = System.currentTimeMillis() + 3000;
      while (System.currentTimeMillis() / 1000 == before && System.currentTimeMillis() < deadline) Thread.sleep(20);
      assertEquals("+OK", c.call("SAVE").toString());
      assertTrue(((Reply.Int) c.call("LASTSAVE")).value() > before);
      String info = info(c);
      assertTrue(info.contains("rdb_changes_since_last_save:0"), info);
      assertTrue(info.contains("rdb_saves:1"), info);
      assertTrue(info.contains("rdb_bgsave_in_progress:0"), info);
      assertTrue(info.contains("rdb_last_bgsave_status:ok"), info);
      assertTrue(info.contains("rdb_last_cow_size:0"), info);
      assertEquals(2, RdbReader.readAll(node.dir.resolve("dump.rdb")).size());
      // No temp file left behind.
      try (var files = Files.list(node.dir)) {
        assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("temp-")));
      }
    }
  }

  @Test
  void saveRuleTriggersABackgroundSave() throws Exception {
    try (TestNode node = TestNode.start("--save", "1 2"); RespClient c = node.client()) {
      assertEquals("[\"save\", \"1 2\"]", c.call("CONFIG", "GET", "save").toString().substring(1));
      c.call("SET", "a", "1");
      Thread.sleep(2200);
      assertFalse(Files.exists(node.dir.resolve("dump.rdb")), "one change is below the rule's two");
      c.call("SET", "b", "2");
      long deadline = System.currentTimeMillis() + 10_000;
      while (!info(c).contains("rdb_saves:1") || info(c).contains("rdb_bgsave_in_progress:1")) {
        assertTrue(System.currentTimeMillis() < deadline, "the save rule never fired: " + info(c));
        Thread.sleep(20);
      }
      String info = info(c);
      assertTrue(info.contains("rdb_changes_since_last_save:0"), info);
      assertTrue(info.contains("rdb_last_bgsave_status:ok"), info);
      assertTrue(info.contains("rdb_last_bgsave_time_sec:0"), info);
      assertTrue(info.contains("rdb_current_bgsave_time_sec:-1"), info);
      List<RdbEntry> saved = RdbReader.readAll(node.dir.resolve("dump.rdb"));
      assertEquals(2, saved.size());
      assertEquals("OK", c.call("CONFIG", "SET", "save", "").toString().substring(1));
    }
  }

  @Test
  void shutdownSavesWithSavePointsOrSaveAndNotWithNosave() throws Exception {
    try (TestNode node = TestNode.start("--save", "3600 1"); RespClient c = node.client()) {
      c.call("SET", "a", "1");
      c.send("SHUTDOWN", "NOSAVE");
      assertTrue(c.closedByServer(10_000));
      assertFalse(Files.exists(node.dir.resolve("dump.rdb")));
    }
    try (TestNode node = TestNode.start("--save", "3600 1"); RespClient c = node.client()) {
      c.call("SET", "a", "1");
      c.send("SHUTDOWN");
      assertTrue(c.closedByServer(10_000));
      assertEquals(1, RdbReader.readAll(node.dir.resolve("dump.rdb")).size());
    }
    try (TestNode node = TestNode.start(); RespClient c = node.client()) {
      c.call("SET", "a", "1");
      c.call("SET", "b", "1");
      c.send("SHUTDOWN", "SAVE");
      assertTrue(c.closedByServer(10_000));
      assertEquals(2, RdbReader.readAll(node.dir.resolve("dump.rdb")).size());
    }
  }

  @Test
  void aFailedSaveKeepsTheNodeRunningUnlessForced() throws Exception {
    try (TestNode node = TestNode.start("--dir", Files.createTempDirectory("gone-").toString());
         RespClient c = node.client()) {
      Path dir = Path.of(((Reply.Agg) c.call("CONFIG", "GET", "dir")).items().get(1).toString().replace("\"", ""));
      c.call("SET", "a", "1");
      Files.delete(dir);
      assertEquals("-ERR", c.call("SAVE").toString());
      assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.", c.call("SHUTDOWN", "SAVE").toString());
      assertEquals("+PONG", c.call("PING").toString());
      assertEquals("+Background saving started", c.call("BGSAVE").toString());
      long deadline = System.currentTimeMillis() + 5000;
      while (!info(c).contains("rdb_last_bgsave_status:err") && System.currentTimeMillis() < deadline) Thread.sleep(10);
      assertTrue(info(c).contains("rdb_last_bgsave_status:err"), info(c));
      assertTrue(info(c).contains("rdb_changes_since_last_save:1"), info(c));
      c.send("SHUTDOWN", "SAVE", "FORCE");
      assertTrue(c.closedByServer(10_000));
    }
  }

  @Test
  void flushallSavesTheEmptyDataSetWhenSavePointsExistAsRedis70() throws Exception {
    try (TestNode node = TestNode.start("--save", "3600 1"); RespClient c = node.client()) {
      c.call("SET", "a", "1");
      assertEquals("+OK", c.call("FLUSHALL").toString());
      assertEquals(0, RdbReader.readAll(node.dir.resolve("dump.rdb")).size());
      String info = info(c);
      assertTrue(info.contains("rdb_changes_since_last_save:0") && info.contains("rdb_saves:0"), info);
    }
  }

  @Test
  void aFailedBgsaveWithSavePointsRefusesWritesAndPingLikeRedis() throws Exception {
    List<String> replies = new ArrayList<>();
    for (boolean ours : new boolean[] {true, false}) {
      Path dir = Files.createTempDirectory("misconf-");
      String[] args = {"--dir", dir.toString(), "--save", "3600 1000"};
      AutoCloseable server = ours ? TestNode.start(args) : RealRedis.start("redis-server", args);
      int port = server instanceof TestNode t ? t.port() : ((RealRedis) server).port;
      try (server; RespClient c = new RespClient(port)) {
        c.call("SET", "a", "1");
        Files.delete(dir);
        c.call("BGSAVE");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!info(c).contains("rdb_last_bgsave_status:err") && System.currentTimeMillis() < deadline) Thread.sleep(10);
        StringBuilder sb = new StringBuilder();
        for (String[] cmd : new String[][] {{"SET", "x", "y"}, {"PING"}, {"GET", "a"}, {"MULTI"}, {"SET", "x", "y"},
            {"EXEC"}, {"CONFIG", "SET", "save", ""}, {"SET", "x", "y"}}) {
          sb.append(c.call(cmd)).append('\n');
        }
        replies.add(sb.toString());
      }
    }
    assertEquals(replies.get(1), replies.get(0));
    assertTrue(replies.get(0).startsWith("-MISCONF"), replies.get(0));
  }
}
