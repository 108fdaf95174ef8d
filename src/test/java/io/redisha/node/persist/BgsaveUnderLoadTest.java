package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Info;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The snapshot walks the live key tables while clients change them: a BGSAVE of 266k keys
 * under a stream of overwrites, deletions, creations, expiries (active and lazy), in-place
 * collection changes, a FLUSHDB and a SWAPDB must still write exactly the key space of the
 * moment BGSAVE ran. The reference is a SAVE run just before it on the same connection,
 * with nothing in between that could change a key.
 */
class BgsaveUnderLoadTest {

  private static final int KEYS = 200_000;
  private static final int DB1_KEYS = 20_000;
  /** The keys with a TTL set before the BGSAVE expire this long after it was sent, and later. */
  private static final long TTL_MARGIN_MS = 3000;
  /** How long the writes go on after the BGSAVE; past every TTL set before it. */
  private static final long WRITE_MS = 4500;

  private final List<byte[][]> pending = new ArrayList<>();

  private void q(String... args) {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = PersistData.b(args[i]);
    pending.add(a);
  }

  /** Sends everything queued as one write, reads all replies, fails on an error reply. */
  private List<Reply> flush(RespClient c) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[][] a : pending) o.writeBytes(RespClient.encode(a));
    c.sendRaw(o.toByteArray());
    List<Reply> replies = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Reply r = c.read();
      if (r instanceof Reply.Error e) throw new AssertionError(new String(pending.get(i)[0]) + ": " + e.text());
      replies.add(r);
    }
    pending.clear();
    return replies;
  }

  private void populate(RespClient c, String prefix, int n) throws Exception {
    for (int i = 0; i < n; i += 1000) {
      List<String> a = new ArrayList<>(List.of("MSET"));
      for (int j = i; j < Math.min(n, i + 1000); j++) {
        a.add(prefix + j);
        a.add("v:" + j);
      }
      q(a.toArray(String[]::new));
      if (pending.size() >= 50) flush(c);
    }
    flush(c);
  }

  @Test
  void dumpIsTheKeySpaceWhenBgsaveRanUnderAStreamOfWrites() throws Exception {
    try (TestNode node = TestNode.start(); RespClient c = node.client(); RespClient poll = node.client()) {
      populate(c, "k:", KEYS);
      for (int i = 0; i < 2000; i++) {
        q("RPUSH", "l:" + i, "a", "b", Integer.toString(i));
        q("HSET", "h:" + i, "f", Integer.toString(i));
        q("SET", "c:" + i, Integer.toString(i));
      }
      flush(c);
      for (int db = 1; db <= 3; db++) {
        q("SELECT", Integer.toString(db));
        flush(c);
        populate(c, "d" + db + ":", DB1_KEYS);
      }
      q("SELECT", "0");
      flush(c);
      // Slow writer: the walk waits for it, so it is still going while the writes below run.
      q("CONFIG", "SET", "rdb-key-save-delay", "50");
      q("SET", "probe:before", "1");
      flush(c);

      long t0 = System.currentTimeMillis();
      for (int i = 0; i < 20_000; i++) {
        q("PEXPIREAT", "k:" + (i * 7), Long.toString(t0 + TTL_MARGIN_MS + i % 500));
      }
      q("SAVE");
      q("BGSAVE");
      q("SET", "probe:after", "1");
      List<Reply> started = flush(c);
      long bgsaveReplied = System.currentTimeMillis();
      assertEquals("+Background saving started", started.get(started.size() - 2).toString());
      assertTrue(bgsaveReplied < t0 + TTL_MARGIN_MS,
          "BGSAVE ran " + (bgsaveReplied - t0) + " ms after the TTLs were set: some may have passed before it");
      Path reference = node.dir.resolve("reference.rdb");
      Files.copy(node.dir.resolve("dump.rdb"), reference);

      long writes = write(c, t0 + WRITE_MS);
      assertEquals(1, Info.field(poll, "persistence", "rdb_bgsave_in_progress"), "the writes were meant to run during the BGSAVE");
      long processed = Info.field(poll, "persistence", "current_save_keys_processed");
      long total = Info.field(poll, "persistence", "current_save_keys_total");
      assertTrue(processed < total, "the walk ended before the writes did: " + processed + " of " + total);

      q("CONFIG", "SET", "rdb-key-save-delay", "0");
      flush(c);
      long deadline = System.currentTimeMillis() + 60_000;
      while (Info.field(poll, "persistence", "rdb_bgsave_in_progress") == 1) {
        assertTrue(System.currentTimeMillis() < deadline, "BGSAVE did not finish in 60 s");
        Thread.sleep(10);
      }
      assertTrue(Reply.str(poll.call("INFO", "persistence")).contains("rdb_last_bgsave_status:ok"), "BGSAVE failed");
      long expired = Info.field(poll, "stats", "expired_keys");
      assertTrue(expired > 1000, "expected keys to expire during the BGSAVE, " + expired + " did");

      TreeMap<String, String> expected = PersistData.canonicalDump(reference);
      TreeMap<String, String> saved = PersistData.canonicalDump(node.dir.resolve("dump.rdb"));
      String before = "0:" + HexFormat.of().formatHex(PersistData.b("probe:before"));
      String after = "0:" + HexFormat.of().formatHex(PersistData.b("probe:after"));
      assertTrue(saved.containsKey(before), "probe:before is missing");
      assertFalse(saved.containsKey(after), "probe:after, set after the BGSAVE, was saved");
      assertEquals(expected.size(), saved.size(), "keys saved (" + writes + " writes during the BGSAVE)");
      assertEquals(expected.hashCode(), saved.hashCode(), "checksum over every key, TTL and value");
      assertEquals(expected, saved);
    }
  }

  /**
   * Pipelined batches of random changes until {@code untilMs}: overwrites, deletions,
   * deletions with re-creation, new keys (some deleted again), short TTLs and reads that
   * expire them lazily, PERSIST of the TTLs set before the BGSAVE, in-place list, hash and
   * counter changes, writes to db 1; one FLUSHDB of db 3 and one SWAPDB of 1 and 2.
   * Returns the number of commands sent.
   */
  private long write(RespClient c, long untilMs) throws Exception {
    Random rnd = new Random(7);
    long sent = 0;
    int seq = 0;
    for (int batch = 0; System.currentTimeMillis() < untilMs; batch++) {
      if (batch == 1) {
        q("SELECT", "3");
        q("FLUSHDB");
        q("SET", "d3:0", "after-flush");
        q("SELECT", "0");
      }
      if (batch == 5) q("SWAPDB", "1", "2");
      for (int i = 0; i < 2000; i++, seq++) {
        String k = "k:" + rnd.nextInt(KEYS);
        switch (rnd.nextInt(12)) {
          case 0 -> q("SET", k, "o" + seq);
          case 1 -> q("DEL", k);
          case 2 -> q("SET", "n:" + seq, "born");
          case 3 -> {
            q("SET", "n:" + seq, "born");
            q("DEL", "n:" + seq);
          }
          case 4 -> q("PEXPIRE", k, Integer.toString(1 + rnd.nextInt(30)));
          case 5 -> q("GET", "k:" + rnd.nextInt(KEYS));
          case 6 -> q("APPEND", k, "+");
          case 7 -> {
            q("DEL", k);
            q("SET", k, "re" + seq);
          }
          case 8 -> {
            q("RPUSH", "l:" + rnd.nextInt(2000), "x" + seq);
            q("HSET", "h:" + rnd.nextInt(2000), "f" + seq, "x");
          }
          case 9 -> q("PERSIST", "k:" + 7 * rnd.nextInt(20_000));
          case 10 -> q("INCR", "c:" + rnd.nextInt(2000));
          default -> {
            q("SELECT", "1");
            q("SET", "d1:" + rnd.nextInt(DB1_KEYS), "o" + seq);
            q("DEL", "d2:" + rnd.nextInt(DB1_KEYS));
            q("SELECT", "0");
          }
        }
      }
      sent += pending.size();
      flush(c);
    }
    return sent;
  }
}
