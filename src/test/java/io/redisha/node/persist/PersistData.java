package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbReader;
import io.redisha.node.rdb.RdbValue;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A data set with every type and every encoding boundary of redis-server 7.0's default
 * settings, spread over the 16 databases, and a canonical text dump of what a server
 * holds, read over the wire, so two servers can be compared line by line; and the same
 * canonical form of a dump file, so two dumps can.
 */
final class PersistData {
  private PersistData() {}

  static final long EXPIRE_AT = 4_102_444_800_000L; // 2100-01-01, far enough to never pass during a test

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void ok(RespClient c, byte[]... args) throws IOException {
    Reply r = c.call(args);
    if (r instanceof Reply.Error e) throw new AssertionError(new String(args[0]) + ": " + e.text());
  }

  private static void ok(RespClient c, String... args) throws IOException {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = b(args[i]);
    ok(c, a);
  }

  /** Sends one command with many members: name key m1 m2 ... (or pairs). */
  private static void multi(RespClient c, String cmd, String key, List<byte[]> rest) throws IOException {
    byte[][] a = new byte[rest.size() + 2][];
    a[0] = b(cmd);
    a[1] = b(key);
    for (int i = 0; i < rest.size(); i++) a[i + 2] = rest.get(i);
    ok(c, a);
  }

  static void populate(RespClient c) throws IOException {
    Random rnd = new Random(42);
    ok(c, "SELECT", "0");
    // Strings: int, embstr, raw, empty, binary, long, 512 KB compressible and not.
    ok(c, "SET", "s:int", "12345");
    ok(c, "SET", "s:neg", "-9");
    ok(c, "SET", "s:bigint", "12345678901234567890");
    ok(c, "SET", "s:emb", "hello");
    ok(c, "SET", "s:raw", "x".repeat(100));
    ok(c, "SET", "s:empty", "");
    ok(c, b("SET"), b("s:bin"), new byte[] {0, (byte) 0xff, 'a', 0, (byte) 0x80});
    ok(c, b("SET"), new byte[] {'k', 0, (byte) 0xff}, new byte[] {(byte) 0xff, 0});
    ok(c, "SET", "s:big", "abc".repeat(512 * 1024 / 3));
    byte[] noise = new byte[512 * 1024];
    rnd.nextBytes(noise);
    ok(c, b("SET"), b("s:noise"), noise);
    ok(c, "SET", "s:app", "12");
    ok(c, "APPEND", "s:app", "34");
    ok(c, "INCRBYFLOAT", "s:float", "1.5");
    ok(c, "SET", "s:ttl", "v");
    ok(c, "PEXPIREAT", "s:ttl", Long.toString(EXPIRE_AT));
    // Lists.
    ok(c, "RPUSH", "l:small", "a", "1", "-2", "");
    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) many.add(b(i % 3 == 0 ? Integer.toString(i) : "el-" + i));
    multi(c, "RPUSH", "l:many", many);
    ok(c, b("RPUSH"), b("l:bin"), new byte[] {0}, new byte[] {(byte) 0xff}, new byte[20_000]);
    ok(c, "PEXPIREAT", "l:many", Long.toString(EXPIRE_AT + 1));
    // Hashes at the listpack limits: 512 entries and 64-byte values stay listpack.
    for (int n : new int[] {512, 513}) {
      List<byte[]> pairs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pairs.add(b("f" + i));
        pairs.add(b(Integer.toString(i * 7)));
      }
      multi(c, "HSET", "h:" + n, pairs);
    }
    ok(c, "HSET", "h:v64", "f", "v".repeat(64));
    ok(c, "HSET", "h:v65", "f", "v".repeat(65));
    ok(c, "HSET", "h:f65", "f".repeat(65), "v");
    ok(c, b("HSET"), b("h:bin"), new byte[] {0, (byte) 0xff}, new byte[] {(byte) 0xff}, b("x"), new byte[0]);
    // Sets: intset up to 512 integers, hashtable beyond or with a non-integer.
    for (int n : new int[] {512, 513}) {
      List<byte[]> m = new ArrayList<>();
      for (int i = 0; i < n; i++) m.add(b(Integer.toString(i * 1000 - 100_000)));
      multi(c, "SADD", "set:int" + n, m);
    }
    ok(c, "SADD", "set:mixed", "1", "2", "three");
    ok(c, "SADD", "set:big", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007");
    ok(c, b("SADD"), b("set:bin"), new byte[] {0}, new byte[] {(byte) 0xff, 0});
    // Sorted sets: listpack up to 128 members of at most 64 bytes.
    for (int n : new int[] {128, 129, 2000}) {
      List<byte[]> m = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        m.add(b(Double.toString(rnd.nextInt(500) / 4.0)));
        m.add(b("m" + i));
      }
      multi(c, "ZADD", "z:" + n, m);
    }
    ok(c, "ZADD", "z:m64", "1", "m".repeat(64));
    ok(c, "ZADD", "z:m65", "1", "m".repeat(65));
    ok(c, "ZADD", "z:special", "inf", "a", "-inf", "b", "0", "c", "-0", "d", "3.141592653589793", "e", "1e-300", "f");
    ok(c, b("ZADD"), b("z:bin"), b("2"), new byte[] {0, (byte) 0xff});
    ok(c, "PEXPIREAT", "z:129", Long.toString(EXPIRE_AT + 2));
    // The other databases.
    for (int db = 1; db < 16; db++) {
      ok(c, "SELECT", Integer.toString(db));
      ok(c, "SET", "k" + db, "v" + db);
      ok(c, "RPUSH", "list" + db, "a" + db, "b");
      ok(c, "HSET", "hash" + db, "f", Integer.toString(db));
      ok(c, "SADD", "set" + db, Integer.toString(db), "x");
      ok(c, "ZADD", "zset" + db, Integer.toString(db), "m");
      ok(c, "SET", "ttl" + db, "t");
      ok(c, "PEXPIREAT", "ttl" + db, Long.toString(EXPIRE_AT + db));
    }
    ok(c, "SELECT", "0");
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String show(Reply r) {
    if (r instanceof Reply.Bulk bk) return "$" + hex(bk.bytes());
    if (r instanceof Reply.Agg a) {
      List<String> s = new ArrayList<>();
      for (Reply x : a.items()) s.add(show(x));
      return s.toString();
    }
    return r.toString();
  }

  private static List<Reply> items(Reply r) {
    return ((Reply.Agg) r).items();
  }

  /**
   * Every key of every database: type, absolute expiry, value (unordered collections
   * sorted) and, if asked, OBJECT ENCODING; one line per key, keys sorted.
   */
  static List<String> dump(RespClient c, boolean encodings) throws IOException {
    List<String> out = new ArrayList<>();
    for (int db = 0; db < 16; db++) {
      assertEquals("+OK", c.call("SELECT", Integer.toString(db)).toString());
      List<byte[]> keys = new ArrayList<>();
      for (Reply k : items(c.call("KEYS", "*"))) keys.add(((Reply.Bulk) k).bytes());
      keys.sort(java.util.Arrays::compareUnsigned);
      for (byte[] k : keys) {
        String type = c.call(b("TYPE"), k).toString();
        StringBuilder line = new StringBuilder().append(db).append(' ').append(hex(k)).append(' ').append(type);
        line.append(" exp=").append(c.call(b("PEXPIRETIME"), k));
        String value = switch (type) {
          case "+string" -> show(c.call(b("GET"), k));
          case "+list" -> show(c.call(b("LRANGE"), k, b("0"), b("-1")));
          case "+hash" -> {
            List<Reply> kv = items(c.call(b("HGETALL"), k));
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < kv.size(); i += 2) pairs.add(show(kv.get(i)) + "=" + show(kv.get(i + 1)));
            pairs.sort(null);
            yield pairs.toString();
          }
          case "+set" -> {
            List<String> m = new ArrayList<>();
            for (Reply x : items(c.call(b("SMEMBERS"), k))) m.add(show(x));
            m.sort(null);
            yield m.toString();
          }
          case "+zset" -> show(c.call(b("ZRANGE"), k, b("0"), b("-1"), b("WITHSCORES")));
          default -> throw new AssertionError("type " + type);
        };
        line.append(' ').append(value.length() > 200 ? value.length() + ":" + Integer.toHexString(value.hashCode()) : value);
        if (encodings) line.append(" enc=").append(c.call(b("OBJECT"), b("ENCODING"), k));
        out.add(line.toString());
      }
    }
    assertEquals("+OK", c.call("SELECT", "0").toString());
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }

  /** A dump file's entries by db and key, collections in a canonical order, for comparing two dumps. */
  static TreeMap<String, String> canonicalDump(Path file) throws Exception {
    TreeMap<String, String> m = new TreeMap<>();
    for (RdbEntry e : RdbReader.readAll(file)) {
      String v;
      if (e.value() instanceof RdbValue.SetOf s) v = "set" + sortedHex(s.members());
      else if (e.value() instanceof RdbValue.HashOf h) {
        List<byte[]> pairs = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) pairs.add(concat(h.fields().get(i), new byte[] {'='}, h.values().get(i)));
        v = "hash" + sortedHex(pairs);
      } else v = e.value().toString();
      m.put(e.db() + ":" + HexFormat.of().formatHex(e.key()), e.expireAtMs() + " " + v);
    }
    return m;
  }

  private static List<String> sortedHex(List<byte[]> l) {
    List<String> s = new ArrayList<>();
    for (byte[] b : l) s.add(HexFormat.of().formatHex(b));
    s.sort(null);
    return s;
  }
}
