package io.redisha.node.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A data set that touches every type and every encoding boundary of Redis 7.0, how to put
 * it into a real redis-server, and how to compare what a server (or a parsed dump) holds
 * with it. Order does not matter for sets and hashes, so values are compared in a
 * canonical text form.
 */
final class RedisData {

  private RedisData() {}

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static List<byte[]> bs(String... s) {
    List<byte[]> l = new ArrayList<>();
    for (String x : s) l.add(b(x));
    return l;
  }

  /** Every key, with expiries from {@code now} on. Deterministic. */
  static List<RdbEntry> generate(long now) {
    Random r = new Random(42);
    List<RdbEntry> l = new ArrayList<>();
    // --- db 0: strings
    str(l, 0, "str:empty", new byte[0]);
    str(l, 0, "str:hello", b("hello"));
    long[] ints = {0, 1, -1, 12, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
        2147483647L, 2147483648L, -2147483648L, -2147483649L, 99999999999L, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long v : ints) str(l, 0, "str:int:" + v, b(Long.toString(v)));
    for (String s : new String[] {"007", "-0", " 1", "1 ", "+1", "1.5", "0x10", "9223372036854775808", "12345678901"}) {
      str(l, 0, "str:notint:" + s, b(s));
    }
    str(l, 0, "str:20", b("a".repeat(20)));
    str(l, 0, "str:21", b("a".repeat(21)));
    str(l, 0, "str:lzf", b("the quick brown fox ".repeat(20)));
    str(l, 0, "str:random", random(r, 1000));
    str(l, 0, "str:512k:text", b(("0123456789abcdef".repeat(4) + "\n").repeat(8192)).clone());
    str(l, 0, "str:512k:random", random(r, 512 * 1024));
    l.add(new RdbEntry(0, b("bin\0key\u00ff\r\n"), -1, new RdbValue.Str(b("v\0\u00ff\r\nz"))));
    l.add(new RdbEntry(0, new byte[] {0}, -1, new RdbValue.Str(new byte[] {(byte) 0xff})));
    // --- db 0: lists (listpack entries of every encoding; many nodes; a big element)
    List<byte[]> mixed = new ArrayList<>();
    for (long v : ints) mixed.add(b(Long.toString(v)));
    for (long v : new long[] {-4096, 4095, -4097, 4096, 8388607, 8388608, -8388608, -8388609}) mixed.add(b(Long.toString(v)));
    mixed.addAll(bs("", "a", "x".repeat(63), "y".repeat(64), "z".repeat(4095), "w".repeat(4096), "-0", "007"));
    mixed.add(b("bin\0\u00ff"));
    list(l, 0, "list:mixed", mixed);
    list(l, 0, "list:one", bs("only"));
    List<byte[]> large = new ArrayList<>();
    for (int i = 0; i < 20000; i++) large.add(i % 4 == 0 ? b("element-" + i) : b(Integer.toString(i * 37 - 5000)));
    list(l, 0, "list:large", large);
    List<byte[]> big = new ArrayList<>();
    for (int i = 0; i < 5; i++) big.add(i % 2 == 0 ? b(("big" + i).repeat(4000)) : b("small" + i));
    list(l, 0, "list:bigelements", big);
    // --- db 0: hashes
    hash(l, 0, "hash:small", "f1", "v1", "n", "123", "neg", "-5", "empty", "", "", "emptyfield", "big", "9999999999999");
    hash(l, 0, "hash:512", fields(512, 10));
    hash(l, 0, "hash:513", fields(513, 10));
    hash(l, 0, "hash:value64", "a", "v".repeat(64), "b", "1");
    hash(l, 0, "hash:value65", "a", "v".repeat(65), "b", "1");
    hash(l, 0, "hash:field65", "f".repeat(65), "v");
    // --- db 0: sets
    set(l, 0, "set:int16", "1", "2", "-3", "32767", "-32768");
    set(l, 0, "set:int32", "1", "70000", "-2147483648", "2147483647");
    set(l, 0, "set:int64", "1", "2147483648", "-9223372036854775808", "9223372036854775807");
    set(l, 0, "set:512", numbers(512));
    set(l, 0, "set:513", numbers(513));
    set(l, 0, "set:strings", "a", "b", "", "bin\0\u00ff", "007");
    set(l, 0, "set:mixed", "1", "a");
    // --- db 0: sorted sets
    zset(l, 0, "zset:small", new String[] {"a", "b", "c", "d", "e", "f", "g", "h", "i"},
        new double[] {1, 1.5, -2.25, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, 3.141592653589793,
            100000000000.0, 0.1});
    zset(l, 0, "zset:128", zmembers(128), zscores(128));
    zset(l, 0, "zset:129", zmembers(129), zscores(129));
    zset(l, 0, "zset:member65", new String[] {"m".repeat(65), "n"}, new double[] {1, 2});
    // --- TTLs on every type
    long t = now + 3_600_000;
    l.add(new RdbEntry(0, b("ttl:str"), t + 1, new RdbValue.Str(b("v"))));
    l.add(new RdbEntry(0, b("ttl:list"), t + 2, new RdbValue.ListOf(bs("a", "1"))));
    l.add(new RdbEntry(0, b("ttl:set"), t + 3, new RdbValue.SetOf(bs("a"))));
    l.add(new RdbEntry(0, b("ttl:hash"), t + 4, new RdbValue.HashOf(bs("f"), bs("v"))));
    l.add(new RdbEntry(0, b("ttl:zset"), t + 5, new RdbValue.ZSetOf(bs("m"), new double[] {2})));
    l.add(new RdbEntry(0, b("ttl:far"), now + 100L * 365 * 86_400_000, new RdbValue.Str(b("v"))));
    // --- other dbs
    str(l, 1, "db1:str", b("one"));
    l.add(new RdbEntry(1, b("db1:ttl"), t + 6, new RdbValue.ListOf(bs("x"))));
    str(l, 5, "str:hello", b("same key name, other db"));
    hash(l, 15, "db15:hash", "a", "b");
    return l;
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String[] fields(int n, int valueLen) {
    String[] s = new String[2 * n];
    for (int i = 0; i < n; i++) {
      s[2 * i] = "field" + i;
      s[2 * i + 1] = i % 3 == 0 ? Integer.toString(i * 1000) : ("v" + i + "-".repeat(valueLen)).substring(0, valueLen);
    }
    return s;
  }

  private static String[] numbers(int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) s[i] = Integer.toString(i * 3 - 100);
    return s;
  }

  private static String[] zmembers(int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) s[i] = i % 5 == 0 ? Integer.toString(i) : "member" + i;
    return s;
  }

  private static double[] zscores(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = i % 2 == 0 ? i : i / 7.0 - 3;
    return d;
  }

  private static void str(List<RdbEntry> l, int db, String key, byte[] v) {
    l.add(new RdbEntry(db, b(key), -1, new RdbValue.Str(v)));
  }

  private static void list(List<RdbEntry> l, int db, String key, List<byte[]> v) {
    l.add(new RdbEntry(db, b(key), -1, new RdbValue.ListOf(v)));
  }

  private static void set(List<RdbEntry> l, int db, String key, String... members) {
    l.add(new RdbEntry(db, b(key), -1, new RdbValue.SetOf(bs(members))));
  }

  private static void hash(List<RdbEntry> l, int db, String key, String... pairs) {
    List<byte[]> f = new ArrayList<>(), v = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      f.add(b(pairs[i]));
      v.add(b(pairs[i + 1]));
    }
    l.add(new RdbEntry(db, b(key), -1, new RdbValue.HashOf(f, v)));
  }

  private static void zset(List<RdbEntry> l, int db, String key, String[] members, double[] scores) {
    l.add(new RdbEntry(db, b(key), -1, new RdbValue.ZSetOf(bs(members), scores)));
  }

  // ---------------------------------------------------------------------------------------
  // Into a server
  // ---------------------------------------------------------------------------------------

  /** Creates every entry with commands, pipelined, and checks that none failed. */
  static void load(RespClient c, List<RdbEntry> entries) throws IOException {
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    int pending = 0;
    for (RdbEntry e : entries) {
      List<byte[][]> cmds = commands(e);
      for (byte[][] cmd : cmds) {
        batch.writeBytes(RespClient.encode(cmd));
        pending++;
      }
      if (batch.size() > 256 * 1024) {
        flush(c, batch, pending);
        pending = 0;
      }
    }
    flush(c, batch, pending);
  }

  private static void flush(RespClient c, ByteArrayOutputStream batch, int pending) throws IOException {
    c.sendRaw(batch.toByteArray());
    batch.reset();
    for (int i = 0; i < pending; i++) {
      Reply r = c.read();
      if (r instanceof Reply.Error err) fail("loading test data: " + err);
    }
  }

  private static List<byte[][]> commands(RdbEntry e) {
    List<byte[][]> out = new ArrayList<>();
    out.add(new byte[][] {b("SELECT"), b(Integer.toString(e.db()))});
    RdbValue v = e.value();
    if (v instanceof RdbValue.Str s) {
      out.add(new byte[][] {b("SET"), e.key(), s.bytes()});
    } else if (v instanceof RdbValue.ListOf l) {
      chunks(out, "RPUSH", e.key(), l.elements(), 1);
    } else if (v instanceof RdbValue.SetOf s) {
      chunks(out, "SADD", e.key(), s.members(), 1);
    } else if (v instanceof RdbValue.HashOf h) {
      List<byte[]> flat = new ArrayList<>();
      for (int i = 0; i < h.size(); i++) {
        flat.add(h.fields().get(i));
        flat.add(h.values().get(i));
      }
      chunks(out, "HSET", e.key(), flat, 2);
    } else if (v instanceof RdbValue.ZSetOf z) {
      List<byte[]> flat = new ArrayList<>();
      for (int i = 0; i < z.size(); i++) {
        flat.add(b(score(z.scores()[i])));
        flat.add(z.members().get(i));
      }
      chunks(out, "ZADD", e.key(), flat, 2);
    }
    if (e.expireAtMs() >= 0) out.add(new byte[][] {b("PEXPIREAT"), e.key(), b(Long.toString(e.expireAtMs()))});
    return out;
  }

  private static void chunks(List<byte[][]> out, String cmd, byte[] key, List<byte[]> args, int step) {
    for (int from = 0; from < args.size(); from += 1000 * step) {
      List<byte[]> part = args.subList(from, Math.min(args.size(), from + 1000 * step));
      byte[][] c = new byte[2 + part.size()][];
      c[0] = b(cmd);
      c[1] = key;
      for (int i = 0; i < part.size(); i++) c[2 + i] = part.get(i);
      out.add(c);
    }
  }

  static String score(double d) {
    if (d == Double.POSITIVE_INFINITY) return "inf";
    if (d == Double.NEGATIVE_INFINITY) return "-inf";
    return Double.toString(d);
  }

  // ---------------------------------------------------------------------------------------
  // Out of a server
  // ---------------------------------------------------------------------------------------

  /** What the server holds at {@code key} in the selected db, or null if nothing. */
  static RdbValue fetch(RespClient c, byte[] key) throws IOException {
    String type = Reply.str(c.call(b("TYPE"), key));
    switch (type) {
      case "none":
        return null;
      case "string":
        return new RdbValue.Str(((Reply.Bulk) c.call(b("GET"), key)).bytes());
      case "list":
        return new RdbValue.ListOf(bulks(c.call(b("LRANGE"), key, b("0"), b("-1"))));
      case "set":
        return new RdbValue.SetOf(bulks(c.call(b("SMEMBERS"), key)));
      case "hash": {
        List<byte[]> flat = bulks(c.call(b("HGETALL"), key));
        List<byte[]> f = new ArrayList<>(), v = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 2) {
          f.add(flat.get(i));
          v.add(flat.get(i + 1));
        }
        return new RdbValue.HashOf(f, v);
      }
      case "zset": {
        List<byte[]> flat = bulks(c.call(b("ZRANGE"), key, b("0"), b("-1"), b("WITHSCORES")));
        List<byte[]> m = new ArrayList<>();
        double[] s = new double[flat.size() / 2];
        for (int i = 0; i < flat.size(); i += 2) {
          m.add(flat.get(i));
          s[i / 2] = RdbReader.parseScore(flat.get(i + 1));
        }
        return new RdbValue.ZSetOf(m, s);
      }
      default:
        throw new AssertionError("unexpected type " + type);
    }
  }

  private static List<byte[]> bulks(Reply r) {
    List<byte[]> out = new ArrayList<>();
    for (Reply x : ((Reply.Agg) r).items()) out.add(((Reply.Bulk) x).bytes());
    return out;
  }

  /** A text form equal for equal values whatever the order of set members and hash fields. */
  static String canon(RdbValue v) {
    HexFormat hex = HexFormat.of();
    if (v instanceof RdbValue.Str s) return "string:" + hex.formatHex(s.bytes());
    if (v instanceof RdbValue.ListOf l) return "list:" + l.elements().stream().map(hex::formatHex).toList();
    if (v instanceof RdbValue.SetOf s) {
      TreeSet<String> t = new TreeSet<>();
      for (byte[] m : s.members()) assertTrue(t.add(hex.formatHex(m)), "duplicate set member");
      return "set:" + t;
    }
    if (v instanceof RdbValue.HashOf h) {
      TreeMap<String, String> t = new TreeMap<>();
      for (int i = 0; i < h.size(); i++) {
        assertEquals(null, t.put(hex.formatHex(h.fields().get(i)), hex.formatHex(h.values().get(i))), "duplicate field");
      }
      return "hash:" + t;
    }
    RdbValue.ZSetOf z = (RdbValue.ZSetOf) v;
    TreeMap<String, Double> t = new TreeMap<>();
    for (int i = 0; i < z.size(); i++) assertEquals(null, t.put(hex.formatHex(z.members().get(i)), z.scores()[i]), "duplicate member");
    return "zset:" + t;
  }

  static String keyText(RdbEntry e) {
    return e.db() + ":" + HexFormat.of().formatHex(e.key());
  }

  /** Compares two key sets entry by entry; expiries may differ by {@code ttlSlackMs}. */
  static void assertSameData(List<RdbEntry> expected, List<RdbEntry> actual, long ttlSlackMs) {
    Map<String, RdbEntry> want = new TreeMap<>(), got = new TreeMap<>();
    for (RdbEntry e : expected) assertEquals(null, want.put(keyText(e), e), "duplicate key " + e);
    for (RdbEntry e : actual) assertEquals(null, got.put(keyText(e), e), "duplicate key " + e);
    assertEquals(want.keySet(), got.keySet());
    for (Map.Entry<String, RdbEntry> w : want.entrySet()) {
      RdbEntry a = got.get(w.getKey());
      RdbEntry x = w.getValue();
      assertEquals(canon(x.value()), canon(a.value()), "value of " + x);
      if (x.expireAtMs() < 0) {
        assertEquals(-1, a.expireAtMs(), "expiry of " + x);
      } else {
        assertTrue(Math.abs(x.expireAtMs() - a.expireAtMs()) <= ttlSlackMs,
            "expiry of " + x + ": expected " + x.expireAtMs() + ", got " + a.expireAtMs());
      }
    }
  }

  /**
   * Reads back, over the wire, every key a server holds in the dbs of {@code like} (using
   * their keys plus a DBSIZE check), as entries with absolute expiries from PTTL.
   */
  static List<RdbEntry> fetchAll(RespClient c, List<RdbEntry> like) throws IOException {
    List<RdbEntry> out = new ArrayList<>();
    Map<Integer, Integer> perDb = new TreeMap<>();
    for (RdbEntry e : like) perDb.merge(e.db(), 1, Integer::sum);
    for (Map.Entry<Integer, Integer> db : perDb.entrySet()) {
      c.call("SELECT", Integer.toString(db.getKey()));
      assertEquals(new Reply.Int(db.getValue()), c.call("DBSIZE"), "DBSIZE of db " + db.getKey());
    }
    for (RdbEntry e : like) {
      c.call("SELECT", Integer.toString(e.db()));
      long now = System.currentTimeMillis();
      RdbValue v = fetch(c, e.key());
      if (v == null) fail("server has no key " + e);
      long pttl = ((Reply.Int) c.call(b("PTTL"), e.key())).value();
      out.add(new RdbEntry(e.db(), e.key(), pttl < 0 ? -1 : now + pttl, v));
    }
    return out;
  }
}
