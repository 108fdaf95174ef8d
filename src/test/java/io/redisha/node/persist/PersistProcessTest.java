package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.launcher.Main;
import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbReader;
import io.redisha.testing.Ports;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as a separate process, as it runs in production: kill -9 in the middle of a
 * save, SIGTERM, and a damaged dump at start.
 */
class PersistProcessTest {

  @TempDir Path dir;

  private Process launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "node", "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--loglevel", "notice"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node.log").toFile()).start();
  }

  private String log() throws Exception {
    return Files.readString(dir.resolve("node.log"));
  }

  private static void awaitPong(int port, Process p) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      assertTrue(p.isAlive(), "node exited");
      try (RespClient c = new RespClient(port)) {
        if (c.call("PING").toString().equals("+PONG")) return;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) throw new AssertionError("node never answered PING on " + port);
        Thread.sleep(50);
      }
    }
  }

  /** Many big random values, so that a save takes a while (random bytes do not compress). */
  private static void fill(RespClient c, String prefix, int keys, int valueBytes) throws Exception {
    java.util.Random rnd = new java.util.Random(7);
    int batch = 200;
    for (int i = 0; i < keys; i += batch) {
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      int n = Math.min(batch, keys - i);
      for (int j = 0; j < n; j++) {
        byte[] v = new byte[valueBytes];
        rnd.nextBytes(v);
        o.writeBytes(RespClient.encode("SET".getBytes(StandardCharsets.US_ASCII),
            (prefix + (i + j)).getBytes(StandardCharsets.UTF_8), v));
      }
      c.sendRaw(o.toByteArray());
      for (int j = 0; j < n; j++) c.read();
    }
  }

  private Path awaitTempFile() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try (Stream<Path> s = Files.list(dir)) {
        Path t = s.filter(p -> p.getFileName().toString().startsWith("temp-")).findFirst().orElse(null);
        if (t != null && Files.size(t) > 1_000_000) return t;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no temp file appeared: the save never started");
  }

  private void killDuringSave(String... saveCommand) throws Exception {
    int port = Ports.free();
    Process p = launch("--port", Integer.toString(port), "--save", "");
    try {
      awaitPong(port, p);
      byte[] previous;
      try (RespClient c = new RespClient(port)) {
        c.setTimeout(120_000);
        c.call("SET", "marker", "previous dump");
        fill(c, "small:", 1000, 100);
        assertEquals("+OK", c.call("SAVE").toString());
        previous = Files.readAllBytes(dir.resolve("dump.rdb"));
        fill(c, "big:", 150_000, 2000); // ~300 MB to write
        c.send(saveCommand);
        awaitTempFile();
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      }
      assertArrayEquals(previous, Files.readAllBytes(dir.resolve("dump.rdb")), "the previous dump changed");
      List<RdbEntry> entries = RdbReader.readAll(dir.resolve("dump.rdb"));
      assertEquals(1001, entries.size());
      // And the node starts on it.
      int port2 = Ports.free();
      Process p2 = launch("--port", Integer.toString(port2), "--save", "");
      try {
        awaitPong(port2, p2);
        try (RespClient c = new RespClient(port2)) {
          assertEquals("\"previous dump\"", c.call("GET", "marker").toString());
          assertEquals(":1001", c.call("DBSIZE").toString());
        }
      } finally {
        p2.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void killMinus9DuringBgsaveLeavesThePreviousDumpIntact() throws Exception {
    killDuringSave("BGSAVE");
  }

  @Test
  void killMinus9DuringSaveLeavesThePreviousDumpIntact() throws Exception {
    killDuringSave("SAVE");
  }

  @Test
  void sigtermSavesWhenSavePointsAreConfigured() throws Exception {
    int port = Ports.free();
    Process p = launch("--port", Integer.toString(port), "--save", "3600 1000");
    try {
      awaitPong(port, p);
      try (RespClient c = new RespClient(port)) {
        c.call("SET", "a", "1");
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(1, RdbReader.readAll(dir.resolve("dump.rdb")).size(), log());
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void refusesToStart(byte[] dump, String... expected) throws Exception {
    Path file = dir.resolve("dump.rdb");
    Files.write(file, dump);
    Process p = launch("--port", Integer.toString(Ports.free()), "--save", "60 1");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the node started on a damaged dump");
    String out = log();
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains(file.toString()), out);
    for (String e : expected) assertTrue(out.contains(e), "expected '" + e + "' in: " + out);
    assertArrayEquals(dump, Files.readAllBytes(file), "the damaged dump was changed");
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("temp-")));
    }
  }

  private byte[] validDump() throws Exception {
    Path src = Files.createTempDirectory("dump-src-");
    try (var node = io.redisha.testing.TestNode.start("--dir", src.toString()); RespClient c = node.client()) {
      for (int i = 0; i < 100; i++) c.call("SET", "key:" + i, "value:" + i);
      c.call("RPUSH", "list", "a", "b");
      assertEquals("+OK", c.call("SAVE").toString());
      return Files.readAllBytes(src.resolve("dump.rdb"));
    }
  }

  @Test
  void truncatedDumpStopsStartUpWithFileOffsetAndReason() throws Exception {
    byte[] ok = validDump();
    byte[] cut = java.util.Arrays.copyOf(ok, ok.length / 2);
    refusesToStart(cut, "byte offset", "Failed to start the node");
  }

  @Test
  void corruptDumpStopsStartUpWithFileOffsetAndReason() throws Exception {
    byte[] bad = validDump();
    bad[bad.length - 3] ^= 0x55; // inside the checksum
    refusesToStart(bad, "byte offset", "checksum");
    byte[] garbage = "REDIS0010\u00fa\u0003abc\u00c5".getBytes(StandardCharsets.ISO_8859_1);
    refusesToStart(garbage, "byte offset");
  }

  @Test
  void expiredKeysAreNotLoaded() throws Exception {
    Path src = Files.createTempDirectory("dump-src-");
    try (var node = io.redisha.testing.TestNode.start("--dir", src.toString()); RespClient c = node.client()) {
      c.call("SET", "gone", "1");
      c.call("PEXPIRE", "gone", "300");
      c.call("SET", "kept", "1");
      c.call("PEXPIRE", "kept", "100000");
      assertEquals("+OK", c.call("SAVE").toString());
      Files.copy(src.resolve("dump.rdb"), dir.resolve("dump.rdb"));
    }
    Thread.sleep(400);
    try (var node = io.redisha.testing.TestNode.start("--dir", dir.toString()); RespClient c = node.client()) {
      assertEquals(":1", c.call("DBSIZE").toString());
      String info = ((Reply.Bulk) c.call("INFO", "persistence")).text();
      assertTrue(info.contains("rdb_last_load_keys_expired:1") && info.contains("rdb_last_load_keys_loaded:1"), info);
    }
  }
}
