package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.NodeProcess;
import io.redisha.testing.Datasets;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOF as an operator meets it: our node as a separate process (started like
 * {@code java -jar ... node}), killed with SIGKILL in the middle of a write stream and
 * restarted on the same directory; files cut short or damaged; the directory handed to
 * a real redis-server 7.0 and back; redis-check-aof's verdict.
 */
class AofProcessTest {

  @TempDir Path dir;

  private Path aofDir() {
    return dir.resolve("appendonlydir");
  }

  // ---------------------------------------------------------------- kill -9 in a write stream

  /**
   * Writes key:0, key:1, ... pipelined in windows until the connection breaks; returns
   * how many SETs were acknowledged (every reply before the break is +OK, in order).
   */
  private static long writeUntilKilled(NodeProcess n, long killAfterAcked, int total) throws Exception {
    AtomicLong acked = new AtomicLong();
    Thread killer = new Thread(() -> {
      try {
        while (acked.get() < killAfterAcked) Thread.sleep(1);
        n.kill9();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    killer.start();
    try (RespClient c = n.client()) {
      int window = 200;
      for (int i = 0; i < total; i += window) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int j = i; j < Math.min(total, i + window); j++) {
          batch.writeBytes(RespClient.encode("SET", "key:" + j, "value:" + j));
        }
        c.sendRaw(batch.toByteArray());
        for (int j = i; j < Math.min(total, i + window); j++) {
          Reply r = c.read();
          if (!r.toString().equals("+OK")) throw new AssertionError("reply " + r);
          acked.incrementAndGet();
        }
      }
    } catch (IOException e) {
      // the kill
    }
    killer.join(30_000);
    return acked.get();
  }

  /** How many of key:0 .. key:(acked-1) are missing after the restart. */
  private static long missing(NodeProcess n, long acked) throws Exception {
    long missing = 0;
    try (RespClient c = n.client()) {
      for (long i = 0; i < acked; i += 1000) {
        List<String> args = new ArrayList<>(List.of("MGET"));
        for (long j = i; j < Math.min(acked, i + 1000); j++) args.add("key:" + j);
        Reply.Agg r = (Reply.Agg) c.call(args.toArray(String[]::new));
        for (int k = 0; k < r.items().size(); k++) {
          Reply item = r.items().get(k);
          if (!(item instanceof Reply.Bulk b) || !b.text().equals("value:" + (i + k))) missing++;
        }
      }
    }
    return missing;
  }

  @Test
  void appendfsyncAlwaysLosesNoAcknowledgedWriteOnKill9() throws Exception {
    long acked;
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes", "--appendfsync", "always").awaitReady()) {
      acked = writeUntilKilled(n, 40_000, 100_000);
    }
    assertTrue(acked >= 40_000 && acked < 100_000, "killed mid-stream: " + acked);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes", "--appendfsync", "always").awaitReady()) {
      assertEquals(0, missing(n, acked), "acknowledged writes lost of " + acked);
      try (RespClient c = n.client()) {
        long size = ((Reply.Int) c.call("DBSIZE")).value();
        // Written but killed before the reply got out: at most the unacknowledged window.
        assertTrue(size >= acked && size <= acked + 200, "dbsize " + size + " acked " + acked);
      }
      System.out.println("[aof] appendfsync always: " + acked + " acknowledged before kill -9, 0 missing after restart");
    }
  }

  @Test
  void appendfsyncEverysecKill9() throws Exception {
    long acked;
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes", "--appendfsync", "everysec").awaitReady()) {
      acked = writeUntilKilled(n, 60_000, 100_000);
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady()) {
      long lost = missing(n, acked);
      System.out.println("[aof] appendfsync everysec: " + acked + " acknowledged before kill -9, " + lost + " missing after restart");
      // A process kill loses nothing, as with Redis: replies wait until the write() is done; only
      // a power loss could cost the last second, which fsync everysec bounds.
      assertEquals(0, lost);
    }
  }

  // ---------------------------------------------------------------- damaged files

  private Path lastIncr() throws IOException {
    AofManifest m = AofManifest.read(AofManifest.path(aofDir(), "appendonly.aof"));
    return aofDir().resolve(m.incrs.get(m.incrs.size() - 1).name());
  }

  private void writeSomeAndShutDown() throws Exception {
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      for (int i = 0; i < 100; i++) c.call("SET", "k" + i, "v" + i);
      c.send("SHUTDOWN", "NOSAVE");
      assertEquals(0, n.exitCode());
    }
  }

  @Test
  void truncatedTailLoadsWithAWarning() throws Exception {
    writeSomeAndShutDown();
    Path incr = lastIncr();
    long goodSize = Files.size(incr);
    Files.write(incr, "*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$5\r\nval".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      assertEquals("\"v99\"", c.call("GET", "k99").toString());
      assertEquals(100, ((Reply.Int) c.call("DBSIZE")).value());
      assertTrue(n.output().contains("short read while loading the AOF file " + incr.getFileName()), n.output());
      assertEquals(goodSize, Files.size(incr), "the cut command is truncated away");
      c.call("SET", "after", "1");
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      assertEquals("\"1\"", c.call("GET", "after").toString());
    }
  }

  @Test
  void transactionWithoutItsExecIsDroppedAsATruncatedTail() throws Exception {
    writeSomeAndShutDown();
    Path incr = lastIncr();
    long goodSize = Files.size(incr);
    Files.write(incr, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n".getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.APPEND);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      assertEquals("(nil$)", c.call("GET", "half").toString());
      assertEquals(100, ((Reply.Int) c.call("DBSIZE")).value());
      assertEquals(goodSize, Files.size(incr));
    }
  }

  @Test
  void truncatedTailStopsStartupWhenAofLoadTruncatedIsNo() throws Exception {
    writeSomeAndShutDown();
    Files.write(lastIncr(), "*2\r\n$3\r\nDEL".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes", "--aof-load-truncated", "no")) {
      assertEquals(1, n.exitCode());
      assertTrue(n.output().contains("Unexpected end of file reading the append only file " + lastIncr().getFileName()), n.output());
    }
  }

  @Test
  void garbageInTheMiddleStopsStartupNamingFileAndOffset() throws Exception {
    writeSomeAndShutDown();
    Path incr = lastIncr();
    byte[] b = Files.readAllBytes(incr);
    int at = b.length / 2;
    while (b[at] != '*') at++;
    b[at] = 'X';
    Files.write(incr, b);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes")) {
      assertEquals(1, n.exitCode());
      String out = n.output();
      assertTrue(out.contains("Bad file format reading the append only file " + incr.getFileName() + " at offset " + at), out);
    }
  }

  @Test
  void unknownCommandStopsStartup() throws Exception {
    writeSomeAndShutDown();
    Files.write(lastIncr(), "*2\r\n$6\r\nFOOBAR\r\n$1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes")) {
      assertEquals(1, n.exitCode());
      assertTrue(n.output().contains("Unknown command 'FOOBAR' reading the append only file"), n.output());
    }
  }

  // ---------------------------------------------------------------- interop with redis-server 7.0

  /** Every type, TTLs, several databases, a transaction, commands the stream rewrites. */
  private static void mixedWrites(RespClient c) throws IOException {
    String[][] cmds = {
        {"SET", "s", "v"}, {"SET", "ttl", "v", "EX", "1000"}, {"INCRBYFLOAT", "f", "2.5"}, {"SETEX", "s2", "500", "x"},
        {"RPUSH", "l", "a", "b", "c", "d"}, {"LPOP", "l"}, {"SADD", "set", "1", "2", "3", "x"}, {"SPOP", "set"},
        {"HSET", "h", "a", "1", "b", "2"}, {"HINCRBYFLOAT", "h", "a", "0.5"}, {"ZADD", "z", "1.5", "a", "-2", "b", "inf", "c"},
        {"EXPIRE", "h", "900"}, {"SELECT", "3"}, {"SET", "in3", "x"}, {"MULTI"}, {"INCR", "n"}, {"INCR", "n"}, {"EXEC"},
        {"SELECT", "0"}, {"DEL", "s2"},
    };
    for (String[] cmd : cmds) c.call(cmd);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 300; i++) big.append("member-").append(i).append(' ');
    List<String> sadd = new ArrayList<>(List.of("SADD", "bigset"));
    sadd.addAll(List.of(big.toString().trim().split(" ")));
    c.call(sadd.toArray(String[]::new));
    for (int i = 0; i < 200; i++) c.call("RPUSH", "biglist", "element-" + i);
  }

  @Test
  void realRedisLoadsOurAofDirectory() throws Exception {
    for (String preamble : List.of("yes", "no")) {
      Datasets.Dump ours;
      try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble).awaitReady();
          RespClient c = n.client()) {
        c.call("FLUSHALL");
        mixedWrites(c);
        c.call("BGREWRITEAOF");
        awaitRewrite(c);
        c.call("SET", "after-rewrite", "1");
        c.call("SADD", "set", "after");
        ours = Datasets.dump(c, 16);
      }
      Process check = new ProcessBuilder("redis-check-aof", AofManifest.path(aofDir(), "appendonly.aof").toString())
          .redirectErrorStream(true).start();
      String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, check.waitFor(), verdict);
      assertTrue(verdict.contains("is valid"), verdict);
      try (RealRedis real = RealRedis.start("redis-server", new String[] {"--dir", dir.toString(), "--appendonly", "yes"}); RespClient r = real.client()) {
        Datasets.assertSame(ours, Datasets.dump(r, 16), 5000);
      }
    }
  }

  @Test
  void weLoadAnAofDirectoryWrittenByRealRedis() throws Exception {
    Datasets.Dump theirs;
    try (RealRedis real = RealRedis.start("redis-server", new String[] {"--dir", dir.toString(), "--appendonly", "yes"}); RespClient r = real.client()) {
      mixedWrites(r);
      r.call("BGREWRITEAOF");
      awaitRewrite(r);
      r.call("SET", "after-rewrite", "1");
      r.call("ZINCRBY", "z", "2", "a");
      theirs = Datasets.dump(r, 16);
      r.send("SHUTDOWN", "NOSAVE");
      assertTrue(r.closedByServer(10_000));
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      Datasets.assertSame(theirs, Datasets.dump(c, 16), 5000);
    }
  }

  private static void awaitRewrite(RespClient c) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      String info = ((Reply.Bulk) c.call("INFO", "persistence")).text();
      if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) return;
      if (System.currentTimeMillis() > deadline) throw new AssertionError("rewrite never finished: " + info);
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- rewrite under load

  @Test
  void bgrewriteaofWhileClientsWriteLosesNothing() throws Exception {
    Datasets.Dump before;
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady()) {
      List<Thread> writers = new ArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int w = 0; w < 3; w++) {
        int id = w;
        Thread t = new Thread(() -> {
          try (RespClient c = n.client()) {
            for (int i = 0; i < 20_000; i += 100) {
              ByteArrayOutputStream batch = new ByteArrayOutputStream();
              for (int j = i; j < i + 100; j++) {
                batch.writeBytes(RespClient.encode("SET", "w" + id + ":" + j, Integer.toString(j)));
                batch.writeBytes(RespClient.encode("INCR", "counter"));
                batch.writeBytes(RespClient.encode("RPUSH", "list" + id, Integer.toString(j)));
              }
              c.sendRaw(batch.toByteArray());
              for (int j = 0; j < 300; j++) c.read();
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        t.start();
        writers.add(t);
      }
      int rewrites = 0;
      try (RespClient c = n.client()) {
        while (writers.stream().anyMatch(Thread::isAlive)) {
          Reply r = c.call("BGREWRITEAOF");
          if (r.toString().startsWith("+Background")) rewrites++;
          Thread.sleep(30);
        }
        for (Thread t : writers) t.join();
        assertEquals(List.of(), errors);
        awaitRewrite(c);
        before = Datasets.dump(c, 1);
        assertEquals("\"60000\"", c.call("GET", "counter").toString());
        assertTrue(rewrites >= 2, "rewrites during the writes: " + rewrites);
      }
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      Datasets.assertSame(before, Datasets.dump(c, 1), 0);
    }
  }

  @Test
  void configSetAppendonlyYesWritesABaseFirst() throws Exception {
    Datasets.Dump before;
    try (NodeProcess n = new NodeProcess(dir).awaitReady(); RespClient c = n.client()) {
      mixedWrites(c);
      assertEquals("+OK", c.call("CONFIG", "SET", "appendonly", "yes").toString());
      c.call("SET", "after-enable", "1");
      awaitRewrite(c);
      c.call("SET", "after-rewrite", "1");
      before = Datasets.dump(c, 16);
      assertTrue(((Reply.Bulk) c.call("INFO", "persistence")).text().contains("aof_enabled:1"));
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      Datasets.assertSame(before, Datasets.dump(c, 16), 5000);
    }
  }

  @Test
  void appendonlyTurnedOnWhileAnAofOffRewriteRuns() throws Exception {
    Datasets.Dump before;
    try (NodeProcess n = new NodeProcess(dir).awaitReady(); RespClient c = n.client()) {
      ByteArrayOutputStream load = new ByteArrayOutputStream();
      for (int i = 0; i < 50_000; i++) load.writeBytes(RespClient.encode("SET", "k" + i, "v" + i));
      c.sendRaw(load.toByteArray());
      for (int i = 0; i < 50_000; i++) c.read();
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.writeBytes(RespClient.encode("BGREWRITEAOF"));
      burst.writeBytes(RespClient.encode("CONFIG", "SET", "appendonly", "yes"));
      burst.writeBytes(RespClient.encode("SET", "late", "1"));
      c.sendRaw(burst.toByteArray());
      assertEquals("+Background append only file rewriting started", c.read().toString());
      assertEquals("+OK", c.read().toString());
      assertEquals("+OK", c.read().toString());
      awaitRewrite(c);
      c.call("SET", "after", "1");
      before = Datasets.dump(c, 1);
      n.kill9();
    }
    try (NodeProcess n = new NodeProcess(dir, "--appendonly", "yes").awaitReady(); RespClient c = n.client()) {
      Datasets.assertSame(before, Datasets.dump(c, 1), 0);
    }
  }
}
