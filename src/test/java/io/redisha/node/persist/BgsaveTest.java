package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.node.rdb.RdbReader;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** BGSAVE writes the data set as it was when it ran, while the node keeps serving. */
class BgsaveTest {

  private static final List<byte[][]> pending = new ArrayList<>();

  private static void q(String... args) {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = PersistData.b(args[i]);
    pending.add(a);
  }

  /** Sends everything queued as one write and reads all replies; returns them. */
  private static List<Reply> flush(RespClient c) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[][] a : pending) o.writeBytes(RespClient.encode(a));
    c.sendRaw(o.toByteArray());
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) replies.add(c.read());
    pending.clear();
    for (Reply r : replies) if (r instanceof Reply.Error e) throw new AssertionError(e.text());
    return replies;
  }

  private static void populateStrings(RespClient c, String prefix, int n) throws Exception {
    for (int i = 0; i < n; i += 1000) {
      List<String> a = new ArrayList<>(List.of("MSET"));
      for (int j = i; j < Math.min(n, i + 1000); j++) {
        a.add(prefix + j);
        a.add("v:" + j);
      }
      q(a.toArray(String[]::new));
    }
    flush(c);
  }

  private static String info(RespClient c) throws Exception {
    return ((Reply.Bulk) c.call("INFO", "persistence")).text();
  }

  private static void awaitBgsave(RespClient c) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (info(c).contains("rdb_bgsave_in_progress:1")) {
      assertTrue(System.currentTimeMillis() < deadline, "BGSAVE did not finish in 60 s");
      Thread.sleep(10);
    }
    assertTrue(info(c).contains("rdb_last_bgsave_status:ok"), info(c));
  }

  @Test
  void savedFileIsTheStateWhenBgsaveRanWhateverHappensMeanwhile() throws Exception {
    try (TestNode node = TestNode.start(); RespClient c = node.client(); RespClient blocker = node.client()) {
      populateStrings(c, "k:", 100_000);
      for (int i = 0; i < 300; i++) {
        q("RPUSH", "l:" + i, "a", "b", "c", Integer.toString(i));
        q("HSET", "h:" + i, "f1", "x", "f2", Integer.toString(i));
        q("SADD", "s:" + i, "1", "2", Integer.toString(i + 10));
        q("ZADD", "z:" + i, "1", "a", "2", "b");
      }
      for (int i = 0; i < 1000; i++) q("PEXPIREAT", "k:" + i, Long.toString(PersistData.EXPIRE_AT + i));
      flush(c);
      for (int db = 1; db <= 3; db++) {
        q("SELECT", Integer.toString(db));
        flush(c);
        populateStrings(c, "d" + db + ":", 2000);
      }
      q("SELECT", "1");
      q("PEXPIREAT", "d1:5", Long.toString(PersistData.EXPIRE_AT));
      q("SELECT", "0");
      flush(c);
      // A client blocked on an empty list, moving to an existing one: serving it changes
      // the destination in place, outside any command that names it.
      blocker.send("BLMOVE", "src:empty", "l:7", "RIGHT", "LEFT", "0");
      long deadline = System.currentTimeMillis() + 5000;
      while (!((Reply.Bulk) c.call("INFO", "clients")).text().contains("blocked_clients:1")) {
        assertTrue(System.currentTimeMillis() < deadline, "BLMOVE never blocked");
        Thread.sleep(5);
      }
      assertEquals("+OK", c.call("SAVE").toString());
      Path before = node.dir.resolve("before.rdb");
      Files.copy(node.dir.resolve("dump.rdb"), before);

      // BGSAVE, then at once (same write, so before the walk gets far) change all kinds of things.
      q("BGSAVE");
      q("LPUSH", "src:empty", "served");
      for (int i = 0; i < 1000; i++) q("SET", "k:" + i, "overwritten");
      for (int i = 1000; i < 2000; i++) q("DEL", "k:" + (i + 98_000));
      for (int i = 2000; i < 3000; i++) q("APPEND", "k:" + i, "-appended");
      for (int i = 3000; i < 3100; i++) q("EXPIRE", "k:" + i, "100");
      for (int i = 0; i < 100; i++) q("PERSIST", "k:" + i + "00");
      for (int i = 0; i < 300; i++) {
        q("LPUSH", "l:" + i, "new");
        q("RPOP", "l:" + i);
        q("HSET", "h:" + i, "f1", "changed", "f3", "added");
        q("SADD", "s:" + i, "99", "nonint");
        q("ZINCRBY", "z:" + i, "5", "a");
      }
      q("LMOVE", "l:1", "l:2", "LEFT", "RIGHT");
      q("RENAME", "k:5000", "k:renamed");
      q("MOVE", "k:6000", "4");
      q("COPY", "k:7000", "k:7000", "DB", "5");
      q("SELECT", "1");
      q("FLUSHDB");
      q("SET", "d1:0", "after-flush");
      q("SWAPDB", "2", "3");
      q("SELECT", "2");
      q("SET", "d3:0", "changed-after-swap");
      q("DEL", "d3:1");
      q("SELECT", "3");
      q("APPEND", "d2:0", "-changed-after-swap");
      q("SELECT", "0");
      q("FLUSHDB");
      q("INFO", "persistence");
      List<Reply> r = flush(c);
      assertEquals("+Background saving started", r.get(0).toString());
      assertTrue(((Reply.Bulk) r.get(r.size() - 1)).text().contains("rdb_bgsave_in_progress:1"),
          "the changes were meant to run during the BGSAVE");
      awaitBgsave(c);
      assertEquals("\"served\"", blocker.read().toString());
      TreeMap<String, String> expected = PersistData.canonicalDump(before);
      TreeMap<String, String> saved = PersistData.canonicalDump(node.dir.resolve("dump.rdb"));
      assertEquals(expected.size(), saved.size());
      assertEquals(expected, saved);
      assertTrue(info(c).contains("rdb_changes_since_last_save:"), info(c));
    }
  }

  @Test
  void pingLatencyStaysLowDuringBgsaveOf300kKeys() throws Exception {
    try (TestNode node = TestNode.start(); RespClient c = node.client(); RespClient pinger = node.client()) {
      populateStrings(c, "key:", 300_000);
      for (int i = 0; i < 2000; i++) q("RPUSH", "list:" + i, "a", "b", "c");
      flush(c);
      // The data set was created just now and sits in the young generation; a server's
      // data set has long been promoted. Without this, the young collections during the
      // BGSAVE copy the 300k fresh keys and measure that instead of the save.
      System.gc();
      // Best of three: on a shared 2-core machine another process can take the CPU for
      // 100 ms at any time; a save that really stalls the event loop fails all three.
      List<String> runs = new ArrayList<>();
      long best = Long.MAX_VALUE;
      for (int attempt = 0; attempt < 3 && best >= 100; attempt++) {
        long[] r = measure(node, c, pinger);
        best = Math.min(best, r[0]);
        runs.add(String.format("max PING %d ms (before BGSAVE %d ms), BGSAVE %d ms, %d PINGs, start %.2f ms, "
            + "longest walk step %.1f ms", r[0], r[1], r[2], r[3], node.node.persistence.lastBgsaveStartNanos() / 1e6,
            node.node.persistence.lastBgsaveMaxStepNanos() / 1e6));
      }
      System.out.println("BGSAVE of 302000 keys, " + Files.size(node.dir.resolve("dump.rdb")) + " bytes: " + runs);
      assertTrue(best < 100, "max PING latency during BGSAVE: " + runs);
      assertEquals(302_000, RdbReader.readAll(node.dir.resolve("dump.rdb")).size());
    }
  }

  /** One BGSAVE with a client PINGing meanwhile: {max ms, max ms before, BGSAVE ms, PINGs}. */
  private static long[] measure(TestNode node, RespClient c, RespClient pinger) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong maxNs = new AtomicLong();
    AtomicLong count = new AtomicLong();
    Thread t = new Thread(() -> {
      try {
        while (!stop.get()) {
          long s = System.nanoTime();
          pinger.call("PING");
          maxNs.accumulateAndGet(System.nanoTime() - s, Math::max);
          count.incrementAndGet();
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    t.start();
    Thread.sleep(200); // the JIT settles on the PING path, and a baseline
    long baseline = maxNs.getAndSet(0);
    long pingsBefore = count.get();
    long startNs = System.nanoTime();
    assertEquals("+Background saving started", c.call("BGSAVE").toString());
    awaitBgsave(c);
    long durationMs = (System.nanoTime() - startNs) / 1_000_000;
    stop.set(true);
    t.join();
    return new long[] {maxNs.get() / 1_000_000, baseline / 1_000_000, durationMs, count.get() - pingsBefore};
  }
}
