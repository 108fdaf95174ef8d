package io.redisha.node;

import static io.redisha.testing.Differential.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Differential;
import io.redisha.testing.Info;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The generic key commands against a real redis-server 7.0, and the key table under them. */
class KeyCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass();

  @Test
  void delUnlinkExistsTouchType() throws Exception {
    d.both("MSET", "a", "1", "b", "2", "c", "3");
    d.both("RPUSH", "l", "x");
    d.both("SADD", "s", "x");
    d.both("HSET", "h", "f", "v");
    d.both("ZADD", "z", "1", "x");
    d.both("EXISTS", "a", "a", "nokey", "b", "l");
    d.both("TOUCH", "a", "a", "nokey", "z");
    for (String k : new String[] {"a", "l", "s", "h", "z", "nokey"}) d.both("TYPE", k);
    d.both("DEL", "a", "a", "nokey");
    d.both("UNLINK", "b", "c", "l");
    d.both("DEL", "b");
    d.both("EXISTS", "a", "b", "c", "l");
    d.both("SET", "x", "1", "PX", "1");
    awaitGone("x");
    d.both("DEL", "x");
    for (String c : new String[] {"DEL", "UNLINK", "EXISTS", "TOUCH", "TYPE"}) d.both(c);
    d.both("TYPE", "a", "b");
  }

  @Test
  void expireFamilyWithFlags() throws Exception {
    d.both("SET", "k", "v");
    d.both("EXPIRE", "nokey", "100");
    d.both("EXPIRE", "k", "100", "XX");
    d.both("EXPIRE", "k", "100", "GT");
    d.both("EXPIRE", "k", "100", "LT");
    d.both("TTL", "k");
    d.both("EXPIRE", "k", "200", "NX");
    d.both("EXPIRE", "k", "200", "xx", "gt");
    d.both("TTL", "k");
    d.both("EXPIRE", "k", "100", "GT");
    d.both("EXPIRE", "k", "300", "LT");
    d.both("EXPIRE", "k", "50", "LT");
    d.both("TTL", "k");
    d.both("PEXPIRE", "k", "100000");
    d.both("TTL", "k");
    d.both("EXPIREAT", "k", "4102444800");
    d.both("EXPIRETIME", "k");
    d.both("PEXPIREAT", "k", "4102444800555");
    d.both("EXPIRETIME", "k");
    d.both("PEXPIRETIME", "k");
    d.both("PERSIST", "k");
    d.both("PERSIST", "k");
    d.both("PERSIST", "nokey");
    d.both("TTL", "k");
    d.both("PTTL", "k");
    d.both("EXPIRETIME", "k");
    d.both("PEXPIRETIME", "k");
    d.both("TTL", "nokey");
    d.both("PTTL", "nokey");
    d.both("EXPIRETIME", "nokey");
    d.both("PEXPIRETIME", "nokey");
    for (String[] bad : new String[][] {{"10", "NX", "XX"}, {"10", "NX", "GT"}, {"10", "GT", "LT"}, {"10", "FOO"},
        {"10", "nx", "bar"}, {"abc"}, {"1.5"}, {"9223372036854776"}, {"-9223372036854776"}, {"9223372036854775"}}) {
      d.both(prepend(bad, "EXPIRE", "k"));
    }
    d.both("PEXPIRE", "k", "9223372036854775807");
    d.both("PEXPIREAT", "k", "9223372036854775807");
    d.both("PEXPIRETIME", "k");
    d.both("EXPIREAT", "k", "9223372036854775");
    d.both("EXPIREAT", "k", "9223372036854776");
    d.both("PEXPIRE", "k", "-9223372036854775808");
    d.both("EXISTS", "k");
    d.both("SET", "k", "v");
    d.both("EXPIRE", "k", "-1");
    d.both("EXISTS", "k");
    d.both("SET", "k", "v");
    d.both("EXPIRE", "k", "0", "LT");
    d.both("EXISTS", "k");
    d.both("SET", "k", "v");
    d.both("EXPIREAT", "k", "1", "GT");
    d.both("EXPIREAT", "k", "1", "NX");
    d.both("EXISTS", "k");
    d.both("SET", "k", "v");
    d.both("PEXPIREAT", "k", "1000");
    d.both("EXISTS", "k");
    d.both("EXPIRE", "nokey", "abc");
    d.both("EXPIRE", "nokey", "10", "foo");
    for (String c : new String[] {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "TTL", "PTTL", "EXPIRETIME",
        "PEXPIRETIME", "PERSIST"}) {
      d.both(c);
      d.both(c, "k", "1", "2", "3", "4", "5");
    }
  }

  @Test
  void ttlIsRoundedAndPttlIsClose() throws Exception {
    d.both("SET", "k", "v", "PX", "10400");
    d.both("TTL", "k");
    d.both("SET", "k", "v", "PX", "10700");
    d.both("TTL", "k");
    long ours = ((Reply.Int) d.a.call("PTTL", "k")).value();
    long theirs = ((Reply.Int) d.b.call("PTTL", "k")).value();
    assertTrue(Math.abs(ours - theirs) < 1000 && ours <= 10700 && ours > 9000, ours + " vs " + theirs);
  }

  @Test
  void renameAndRenamenx() throws Exception {
    d.both("RENAME", "nokey", "x");
    d.both("RENAMENX", "nokey", "x");
    d.both("RENAME", "nokey", "nokey");
    d.both("SET", "a", "1", "EX", "100");
    d.both("RENAME", "a", "a");
    d.both("RENAMENX", "a", "a");
    d.both("RENAME", "a", "b");
    d.both("EXISTS", "a");
    d.both("TTL", "b");
    d.both("SET", "c", "3");
    d.both("RENAMENX", "b", "c");
    d.both("RENAME", "b", "c");
    d.both("GET", "c");
    d.both("TTL", "c");
    d.both("RENAMENX", "c", "d");
    d.both("GET", "d");
    d.both("RPUSH", "l", "x");
    d.both("RENAME", "l", "d");
    d.both("TYPE", "d");
    d.both("RENAME", "a");
    d.both("RENAMENX", "a", "b", "c");
  }

  @Test
  void keysWithGlobs() throws Exception {
    d.both("MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "h[a]llo", "1", "HELLO", "1",
        "a*b", "1", "", "1");
    for (String p : new String[] {"*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h\\[a\\]llo", "*\\*b",
        "nomatch", "H*", "", "h[", "h[a-", "[z-a]*", "*llo*"}) {
      d.bothUnordered("KEYS", p);
    }
    d.both("SET", "gone", "1", "PX", "1");
    awaitGone("gone");
    d.bothUnordered("KEYS", "*");
    d.both("KEYS");
    d.both("KEYS", "a", "b");
  }

  @Test
  void scanArgumentsAndErrors() throws Exception {
    d.both("SCAN", "0", "MATCH", "*", "COUNT", "1000");
    d.both("MSET", "a1", "1", "a2", "2", "b1", "3");
    d.both("RPUSH", "l1", "x");
    scanBoth("0", "COUNT", "1000");
    Reply r = d.a.call("SCAN", "0", "COUNT", "1000");
    assertEquals("0", Reply.str(((Reply.Agg) r).items().get(0)));
    for (String[] args : new String[][] {{"0", "MATCH", "a*", "COUNT", "1000"}, {"0", "TYPE", "string", "COUNT", "100"},
        {"0", "TYPE", "LIST", "COUNT", "100"}, {"0", "TYPE", "foo", "COUNT", "100"}, {"0", "COUNT", "100", "MATCH", "*1"},
        {"0", "match", "*", "type", "list", "count", "50", "count", "60"}}) {
      scanBoth(args);
    }
    for (String[] args : new String[][] {{"abc"}, {" 0"}, {"0 "}, {"1.5"}, {"18446744073709551616"}, {"+"}, {"-"},
        {"0", "COUNT"}, {"0", "COUNT", "0"}, {"0", "COUNT", "-1"}, {"0", "COUNT", "x"}, {"0", "MATCH"}, {"0", "TYPE"},
        {"0", "FOO", "bar"}, {"0", "COUNT", "10", "MATCH"}}) {
      d.both(prepend(args, "SCAN"));
    }
    for (String c : new String[] {"0", "+0", "00", "", "-0"}) {
      Reply x = d.a.call("SCAN", c, "COUNT", "1000");
      assertEquals("0", Reply.str(((Reply.Agg) x).items().get(0)), "cursor " + c);
      assertEquals(4, ((Reply.Agg) ((Reply.Agg) x).items().get(1)).items().size(), "cursor " + c);
    }
    d.bothSameShape("SCAN", "18446744073709551615");
    d.bothSameShape("SCAN", "-1");
    d.both("SCAN");
    d.hello(3);
    scanBoth("0", "MATCH", "b*", "COUNT", "100");
  }

  /** A SCAN that completes in one call on both: same cursor, same keys in any order. */
  private static void scanBoth(String... args) throws IOException {
    Reply x = d.a.call(prepend(args, "SCAN"));
    Reply y = d.b.call(prepend(args, "SCAN"));
    assertEquals(((Reply.Agg) y).items().get(0), ((Reply.Agg) x).items().get(0));
    assertEquals(((Reply.Agg) ((Reply.Agg) y).items().get(1)).sorted(), ((Reply.Agg) ((Reply.Agg) x).items().get(1)).sorted());
  }

  /** A full SCAN returns every key that existed throughout, once, while others come and go. */
  @Test
  void scanCursorSurvivesInsertionsDeletionsAndResizes() throws Exception {
    RespClient c = d.a;
    int n = 3000;
    byte[][] mset = new byte[1 + 2 * n][];
    mset[0] = "MSET".getBytes();
    for (int i = 0; i < n; i++) {
      mset[1 + 2 * i] = ("stable:" + i).getBytes();
      mset[2 + 2 * i] = "v".getBytes();
    }
    c.call(mset);
    Set<String> seen = new HashSet<>();
    List<String> all = new ArrayList<>();
    String cursor = "0";
    int round = 0;
    do {
      Reply.Agg r = (Reply.Agg) c.call("SCAN", cursor, "COUNT", "37");
      cursor = Reply.str(r.items().get(0));
      for (Reply k : ((Reply.Agg) r.items().get(1)).items()) all.add(Reply.str(k));
      // Churn: grow the table a lot, then shrink it again below its starting size.
      round++;
      if (round % 3 == 0) {
        byte[][] more = new byte[1 + 2 * 2000][];
        more[0] = "MSET".getBytes();
        for (int i = 0; i < 2000; i++) {
          more[1 + 2 * i] = ("temp:" + round + ":" + i).getBytes();
          more[2 + 2 * i] = "v".getBytes();
        }
        c.call(more);
      }
      if (round % 7 == 0) {
        byte[][] del = new byte[1 + 2000 * (round / 3)][];
        del[0] = "DEL".getBytes();
        int j = 1;
        for (int r2 = 3; r2 <= round; r2 += 3) {
          for (int i = 0; i < 2000; i++) del[j++] = ("temp:" + r2 + ":" + i).getBytes();
        }
        c.call(java.util.Arrays.copyOf(del, j));
      }
    } while (!cursor.equals("0") && round < 100_000);
    for (String k : all) if (k.startsWith("stable:")) assertTrue(seen.add(k), "returned twice: " + k);
    assertEquals(n, seen.size(), "every stable key must be returned");
  }

  @Test
  void randomkey() throws Exception {
    d.both("RANDOMKEY");
    d.both("SET", "only", "1");
    d.both("RANDOMKEY");
    d.both("SET", "gone", "1", "PX", "1");
    awaitGone("gone");
    for (int i = 0; i < 20; i++) d.both("RANDOMKEY");
    d.both("RANDOMKEY", "x");
    d.hello(3);
    d.both("DEL", "only");
    d.both("RANDOMKEY");
  }

  @Test
  void flushdbAndSwapdb() throws Exception {
    d.both("SET", "a", "1");
    d.both("SELECT", "1");
    d.both("SET", "b", "2", "EX", "100");
    d.both("RPUSH", "l", "x");
    d.both("SWAPDB", "0", "1");
    d.both("DBSIZE");
    d.both("GET", "a");
    d.both("SELECT", "0");
    d.both("GET", "b");
    d.both("TTL", "b");
    d.both("TYPE", "l");
    d.both("SWAPDB", "0", "0");
    d.both("GET", "b");
    for (String[] bad : new String[][] {{"0", "x"}, {"x", "0"}, {"0", "16"}, {"-1", "0"}, {"1.5", "0"},
        {"99999999999", "0"}, {"0", "99999999999"}}) {
      d.both(prepend(bad, "SWAPDB"));
    }
    d.both("SWAPDB", "0");
    d.both("FLUSHDB", "x");
    d.both("FLUSHDB", "async", "x");
    d.both("FLUSHDB", "SYNC");
    d.both("DBSIZE");
    d.both("SET", "a", "1");
    d.both("FLUSHDB", "ASYNC");
    d.both("DBSIZE");
    d.both("FLUSHDB");
  }

  @Test
  void watchIsTouchedByKeyCommands() throws Exception {
    for (String[] change : new String[][] {{"DEL", "w"}, {"EXPIRE", "w", "100"}, {"RENAME", "w", "w2"},
        {"FLUSHDB"}, {"SWAPDB", "0", "1"}, {"COPY", "x", "w", "REPLACE"}, {"PERSIST", "w"}, {"APPEND", "w", "x"},
        {"INCRBYFLOAT", "n", "1"}, {"SETRANGE", "w", "0", "z"}}) {
      d.both("SET", "w", "1", "EX", "100");
      d.both("SET", "x", "1");
      d.both("SET", "n", "1");
      d.both("WATCH", "w", "n");
      try (RespClient other = d.ours.client(); RespClient other2 = d.theirs.client()) {
        other.call(change);
        other2.call(change);
      }
      d.both("MULTI");
      d.both("PING");
      d.both("EXEC");
      d.reset();
    }
  }

  @Test
  void move() throws Exception {
    d.both("SET", "a", "1", "EX", "100");
    d.both("MOVE", "a", "0");
    d.both("MOVE", "a", "x");
    d.both("MOVE", "a", "16");
    d.both("MOVE", "a", "-1");
    d.both("MOVE", "nokey", "1");
    d.both("MOVE", "a", "1");
    d.both("EXISTS", "a");
    d.both("SET", "a", "2");
    d.both("MOVE", "a", "1");
    d.both("SELECT", "1");
    d.both("GET", "a");
    d.both("TTL", "a");
    d.both("MOVE", "a");
    d.both("SELECT", "0");
    d.both("RPUSH", "l", "x");
    d.both("MOVE", "l", "1");
    d.both("TYPE", "l");
    d.both("SELECT", "1");
    d.both("LRANGE", "l", "0", "-1");
  }

  @Test
  void copyAcrossDatabasesWithReplace() throws Exception {
    d.both("SET", "a", "hello", "EX", "100");
    d.both("COPY", "a", "b");
    d.both("GET", "b");
    d.both("TTL", "b");
    d.both("COPY", "a", "b");
    d.both("COPY", "a", "b", "REPLACE");
    d.both("COPY", "nokey", "b", "REPLACE");
    d.both("COPY", "a", "a");
    d.both("COPY", "a", "a", "DB", "0");
    d.both("COPY", "a", "a", "DB", "1");
    d.both("COPY", "a", "b", "DB", "2", "replace");
    for (String[] bad : new String[][] {{"DB"}, {"DB", "x"}, {"DB", "16"}, {"DB", "-1"}, {"FOO"}, {"DB", "1", "FOO"},
        {"DB", "99999999999"}, {"REPLACE", "REPLACE", "DB"}}) {
      d.both(prepend(bad, "COPY", "a", "c"));
    }
    d.both("SELECT", "1");
    d.both("GET", "a");
    d.both("TTL", "a");
    d.both("SELECT", "2");
    d.both("GET", "b");
    d.both("SELECT", "0");
    d.both("APPEND", "r", "xy");
    d.both("APPEND", "r", "z");
    d.both("COPY", "r", "r2");
    d.both("OBJECT", "ENCODING", "r2");
    d.both("APPEND", "r2", "!");
    d.both("GET", "r");
    d.both("GET", "r2");
    d.both("INCRBYFLOAT", "f", "3");
    d.both("COPY", "f", "f2");
    d.both("OBJECT", "ENCODING", "f2");
    d.both("COPY");
    d.both("COPY", "a");
  }

  @Test
  void objectSubcommands() throws Exception {
    d.both("OBJECT", "HELP");
    d.both("OBJECT", "help", "extra");
    d.both("OBJECT");
    d.both("OBJECT", "FOO");
    d.both("OBJECT", "ENCODING");
    d.both("OBJECT", "ENCODING", "nokey");
    d.both("OBJECT", "REFCOUNT", "nokey");
    d.both("OBJECT", "IDLETIME", "nokey");
    d.both("OBJECT", "FREQ", "nokey");
    d.both("SET", "k", "v");
    d.both("OBJECT", "IDLETIME", "k");
    d.both("OBJECT", "FREQ", "k");
    d.both("OBJECT", "REFCOUNT", "k");
    d.hello(3);
    d.both("OBJECT", "ENCODING", "nokey");
    d.both("OBJECT", "HELP");
    try (Differential lfu = new Differential("--maxmemory-policy", "allkeys-lfu", "--maxmemory", "100mb")) {
      lfu.both("SET", "k", "5");
      lfu.both("OBJECT", "IDLETIME", "k");
      lfu.both("OBJECT", "FREQ", "k");
      lfu.both("OBJECT", "REFCOUNT", "k");
      lfu.both("OBJECT", "ENCODING", "k");
    }
  }

  @Test
  void activeExpiryDeletesUnaccessedKeys() throws Exception {
    d.a.call("SET", "keep", "1");
    for (int i = 0; i < 200; i++) d.a.call("SET", "short:" + i, "v", "PX", "300");
    assertTrue(((Reply.Int) d.a.call("DBSIZE")).value() > 1);
    long deadline = System.currentTimeMillis() + 10_000;
    long size;
    do {
      size = ((Reply.Int) d.a.call("DBSIZE")).value(); // DBSIZE does not look keys up
    } while (size > 1 && System.currentTimeMillis() < deadline);
    assertEquals(1, size, "the cron should have expired the 200 short-lived keys without any access");
    assertTrue(Info.field(d.a, "stats", "expired_keys") >= 200);
  }

  /** Read lookups count keyspace hits and misses as in Redis; write lookups do not. */
  @Test
  void keyspaceHitsAndMissesCountLikeRedis() throws Exception {
    String[][] cmds = {{"SET", "a", "1"}, {"GET", "a"}, {"GET", "x"}, {"EXISTS", "a", "x"}, {"TYPE", "a"},
        {"TTL", "a"}, {"PTTL", "x"}, {"EXPIRETIME", "a"}, {"OBJECT", "ENCODING", "a"}, {"TOUCH", "a"}, {"SCAN", "0"},
        {"SCAN", "0", "TYPE", "string"}, {"KEYS", "*"}, {"STRLEN", "a"}, {"GETRANGE", "a", "0", "1"},
        {"MGET", "a", "x"}, {"INCR", "a"}, {"APPEND", "a", "1"}, {"SETRANGE", "a", "0", "1"}, {"COPY", "a", "b"},
        {"RENAME", "b", "c"}, {"DEL", "c"}, {"EXPIRE", "a", "100"}, {"PERSIST", "a"}, {"GETEX", "a"},
        {"GETDEL", "a"}, {"SET", "a", "1", "GET"}, {"GETSET", "a", "2"}, {"LCS", "a", "x"}, {"RANDOMKEY"},
        {"SETNX", "a", "1"}, {"INCRBYFLOAT", "a", "1"}, {"MOVE", "a", "1"}, {"MSETNX", "a", "1"}};
    String[] fields = {"keyspace_hits", "keyspace_misses"};
    long[] ours = new long[2];
    long[] theirs = new long[2];
    for (int i = 0; i < 2; i++) {
      ours[i] = -Info.field(d.a, "stats", fields[i]);
      theirs[i] = -Info.field(d.b, "stats", fields[i]);
    }
    for (String[] c : cmds) {
      d.a.call(c);
      d.b.call(c);
    }
    for (int i = 0; i < 2; i++) {
      ours[i] += Info.field(d.a, "stats", fields[i]);
      theirs[i] += Info.field(d.b, "stats", fields[i]);
      assertEquals(theirs[i], ours[i], fields[i]);
    }
    assertTrue(theirs[0] > 0 && theirs[1] > 0, "the commands should both hit and miss");
  }

  /** Polls until the key has expired (checked without touching it, through its TTL). */
  private static void awaitGone(String key) throws IOException {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      if (((Reply.Int) d.b.call("PTTL", key)).value() == -2 && ((Reply.Int) d.a.call("PTTL", key)).value() == -2) return;
    }
    throw new AssertionError(key + " did not expire");
  }

  // ---------------------------------------------------------------- the key table itself
  // These tests use KeyTable directly on purpose: they check the structure, which no command exposes.

  @Test
  void keyTableBehavesLikeAHashMapUnderRandomOperations() {
    Random rnd = new Random(42);
    KeyTable t = new KeyTable();
    Map<Key, Object> ref = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      Key k = Key.of("k" + rnd.nextInt(step < 100_000 ? 5000 : 300));
      int op = rnd.nextInt(10);
      if (op < 5) {
        Object v = "v" + step;
        assertEquals(ref.put(k, v), t.put(k, v));
      } else if (op < 9) {
        assertEquals(ref.remove(k), t.remove(k));
      } else {
        assertEquals(ref.get(k), t.get(k));
        assertEquals(ref.containsKey(k), t.containsKey(k));
      }
      assertEquals(ref.size(), t.size());
    }
    assertEquals(ref, new HashMap<>(t));
    // Removing through the iterator visits every entry once.
    int visited = 0;
    for (Iterator<Map.Entry<Key, Object>> it = t.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Object> e = it.next();
      visited++;
      assertEquals(ref.get(e.getKey()), e.getValue());
      if (visited % 2 == 0) {
        it.remove();
        ref.remove(e.getKey());
      }
    }
    assertEquals(ref, new HashMap<>(t));
    t.clear();
    assertEquals(0, t.size());
    assertNull(t.randomKey(rnd));
  }

  @Test
  void keyTableSpreadsSequentialKeys() {
    // Such keys have nearly sequential hashCodes; unmixed, linear probing would cluster them.
    KeyTable t = new KeyTable();
    for (int i = 0; i < 300_000; i++) t.put(Key.of("key:" + i), 1);
    assertTrue(t.meanDisplacement() < 3, "mean displacement " + t.meanDisplacement());
    KeyTable u = new KeyTable();
    for (int i = 0; i < 300_000; i++) u.put(new Key(java.nio.ByteBuffer.allocate(4).putInt(i * 64).array()), 1);
    assertTrue(u.meanDisplacement() < 3, "mean displacement " + u.meanDisplacement());
  }

  @Test
  void keyTableSurvivesIdenticalHashCodes() {
    // "Aa" and "BB" have the same String-style hash, so do all their concatenations.
    KeyTable t = new KeyTable();
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < 8; b++) sb.append((i >> b & 1) == 0 ? "Aa" : "BB");
      keys.add(Key.of(sb.toString()));
    }
    for (Key k : keys) t.put(k, k);
    assertEquals(256, t.size());
    Set<Key> scanned = new HashSet<>();
    long cursor = 0;
    do {
      cursor = t.scan(cursor, 10, k -> assertTrue(scanned.add(k)));
    } while (cursor != 0);
    assertEquals(new HashSet<>(keys), scanned);
    for (Key k : keys) assertEquals(k, t.remove(k));
    assertEquals(0, t.size());
    assertFalse(t.containsKey(keys.get(0)));
  }

  @Test
  void keyTableScanIsExactAcrossResizes() {
    Random rnd = new Random(7);
    KeyTable t = new KeyTable();
    Set<Key> stable = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Key k = Key.of("s" + i);
      t.put(k, 1);
      stable.add(k);
    }
    List<Key> returned = new ArrayList<>();
    long cursor = 0;
    int extra = 0;
    do {
      cursor = t.scan(cursor, 1 + rnd.nextInt(50), returned::add);
      int burst = rnd.nextInt(3000);
      if (rnd.nextBoolean()) {
        for (int i = 0; i < burst; i++) t.put(Key.of("x" + extra++), 1);
      } else {
        for (int i = 0; i < burst && extra > 0; i++) t.remove(Key.of("x" + --extra));
      }
    } while (cursor != 0);
    Set<Key> seen = new HashSet<>();
    for (Key k : returned) assertTrue(seen.add(k), "returned twice: " + k);
    assertTrue(seen.containsAll(stable));
  }
}
