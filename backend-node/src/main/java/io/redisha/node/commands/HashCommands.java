package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.HashValue;
import io.redisha.resp.ReplyWriter;
import io.redisha.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The hash commands. A hash's encoding (see {@link HashValue}) follows the
 * hash-max-listpack-* settings in force when it is written, as in redis-server; a
 * hash that a delete empties is deleted.
 */
public final class HashCommands {

  private HashCommands() {}

  public static void register(Node node, Commands commands) {
    commands.register("hset", (c, a) -> hset(c, a, false));
    commands.register("hmset", (c, a) -> hset(c, a, true));
    commands.register("hsetnx", HashCommands::hsetnx);
    commands.register("hget", (c, a) -> {
      HashValue h = hash(c, new Key(a[1]));
      c.reply().bulk(h == null ? null : h.get(a[2]));
    });
    commands.register("hmget", HashCommands::hmget);
    commands.register("hdel", HashCommands::hdel);
    commands.register("hlen", (c, a) -> {
      HashValue h = hash(c, new Key(a[1]));
      c.reply().integer(h == null ? 0 : h.size());
    });
    commands.register("hstrlen", (c, a) -> {
      HashValue h = hash(c, new Key(a[1]));
      byte[] v = h == null ? null : h.get(a[2]);
      c.reply().integer(v == null ? 0 : v.length);
    });
    commands.register("hexists", (c, a) -> {
      HashValue h = hash(c, new Key(a[1]));
      c.reply().integer(h != null && h.containsKey(a[2]) ? 1 : 0);
    });
    commands.register("hkeys", (c, a) -> getAll(c, a, true, false));
    commands.register("hvals", (c, a) -> getAll(c, a, false, true));
    commands.register("hgetall", (c, a) -> getAll(c, a, true, true));
    commands.register("hincrby", HashCommands::hincrby);
    commands.register("hincrbyfloat", HashCommands::hincrbyfloat);
    commands.register("hrandfield", HashCommands::hrandfield);
    commands.register("hscan", HashCommands::hscan);
  }

  // ---------------------------------------------------------------- helpers

  /** The hash at key, null if there is none; WRONGTYPE if it holds something else. */
  static HashValue hash(Client c, Key key) {
    Object v = c.db.get(key);
    if (v == null) return null;
    if (v instanceof HashValue h) return h;
    throw new CommandError(Args.WRONGTYPE);
  }

  /** Stores a new hash or signals the change of an existing one. */
  private static void written(Client c, Key key, HashValue h, boolean isNew) {
    if (isNew) c.db.add(key, h);
    else c.db.modified(key);
  }

  private static boolean put(Client c, HashValue h, byte[] field, byte[] value) {
    return h.put(field, value, c.node.config.getInt("hash-max-listpack-entries"),
        c.node.config.getInt("hash-max-listpack-value"));
  }

  // ---------------------------------------------------------------- writes

  private static void hset(Client c, byte[][] a, boolean hmset) {
    if (a.length % 2 != 0) {
      throw new CommandError("ERR wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
    }
    Key key = new Key(a[1]);
    HashValue old = hash(c, key);
    HashValue h = old == null ? new HashValue() : old;
    int added = 0;
    for (int i = 2; i < a.length; i += 2) {
      if (put(c, h, a[i], a[i + 1])) added++;
    }
    written(c, key, h, old == null);
    c.node.dirty += (a.length - 2) / 2;
    if (hmset) c.reply().ok();
    else c.reply().integer(added);
  }

  private static void hsetnx(Client c, byte[][] a) {
    Key key = new Key(a[1]);
    HashValue old = hash(c, key);
    if (old != null && old.containsKey(a[2])) {
      c.reply().integer(0);
      return;
    }
    HashValue h = old == null ? new HashValue() : old;
    put(c, h, a[2], a[3]);
    written(c, key, h, old == null);
    c.node.dirty++;
    c.reply().integer(1);
  }

  private static void hdel(Client c, byte[][] a) {
    Key key = new Key(a[1]);
    HashValue h = hash(c, key);
    int deleted = 0;
    if (h != null) {
      for (int i = 2; i < a.length && !h.isEmpty(); i++) {
        if (h.remove(a[i])) deleted++;
      }
      if (deleted > 0) {
        if (h.isEmpty()) c.db.delete(key);
        else c.db.modified(key);
        c.node.dirty += deleted;
      }
    }
    c.reply().integer(deleted);
  }

  private static void hincrby(Client c, byte[][] a) {
    long incr = Args.toLong(a[3]);
    Key key = new Key(a[1]);
    HashValue old = hash(c, key);
    HashValue h = old == null ? new HashValue() : old;
    long value = 0;
    byte[] cur = h.get(a[2]);
    if (cur != null) {
      Long v = Args.parseLong(cur);
      if (v == null) throw new CommandError("ERR hash value is not an integer");
      value = v;
    }
    if (incr < 0 ? value < Long.MIN_VALUE - incr : value > Long.MAX_VALUE - incr) {
      throw new CommandError("ERR increment or decrement would overflow");
    }
    value += incr;
    put(c, h, a[2], Args.bytes(value));
    written(c, key, h, old == null);
    c.node.dirty++;
    c.reply().integer(value);
  }

  private static void hincrbyfloat(Client c, byte[][] a) {
    HashFloats.LongDouble incr = HashFloats.parse(a[3]);
    if (incr == null) throw new CommandError(Args.NOT_FLOAT);
    if (incr.isInfinite()) throw new CommandError("ERR value is NaN or Infinity");
    Key key = new Key(a[1]);
    HashValue old = hash(c, key);
    HashValue h = old == null ? new HashValue() : old;
    HashFloats.LongDouble value = HashFloats.ZERO;
    byte[] cur = h.get(a[2]);
    if (cur != null) {
      value = HashFloats.parse(cur);
      if (value == null) throw new CommandError("ERR hash value is not a float");
    }
    HashFloats.LongDouble sum = HashFloats.add(value, incr);
    if (sum == null || sum.isInfinite()) throw new CommandError("ERR increment would produce NaN or Infinity");
    byte[] out = HashFloats.format(sum).getBytes(StandardCharsets.US_ASCII);
    put(c, h, a[2], out);
    written(c, key, h, old == null);
    c.node.dirty++;
    c.propagateAs(io.redisha.node.Propagation.cmd("HSET", key.bytes, a[2], out));
    c.reply().bulk(out);
  }

  // ---------------------------------------------------------------- reads

  private static void hmget(Client c, byte[][] a) {
    HashValue h = hash(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    r.array(a.length - 2);
    for (int i = 2; i < a.length; i++) r.bulk(h == null ? null : h.get(a[i]));
  }

  private static void getAll(Client c, byte[][] a, boolean fields, boolean values) {
    HashValue h = hash(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    int n = h == null ? 0 : h.size();
    if (fields && values) r.map(n);
    else r.array(n);
    if (h == null) return;
    h.forEach((f, v) -> {
      if (fields) r.bulk(f);
      if (values) r.bulk(v);
    });
  }

  // ---------------------------------------------------------------- HRANDFIELD

  private static void hrandfield(Client c, byte[][] a) {
    if (a.length == 2) {
      HashValue h = hash(c, new Key(a[1]));
      c.reply().bulk(h == null ? null : h.randomEntry(c.node.random)[0]);
      return;
    }
    long count = Args.toLong(a[2]);
    if (count == Long.MIN_VALUE) {
      throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    boolean withValues = a.length == 4 && is(a[3], "withvalues");
    if (a.length >= 4 && !withValues) throw new CommandError(Args.SYNTAX);
    if (withValues && count < -Long.MAX_VALUE / 2) throw new CommandError("ERR value is out of range");
    HashValue h = hash(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    if (h == null) {
      r.array(0);
      return;
    }
    // Pairs are nested arrays in RESP3 and follow each other flat in RESP2.
    boolean nested = withValues && c.protocol() == 3;
    if (count < 0) {
      long n = -count;
      if (n > Integer.MAX_VALUE / 2) throw new CommandError("ERR value is out of range");
      r.array((int) (withValues && !nested ? n * 2 : n));
      for (long i = 0; i < n; i++) randomReply(r, h.randomEntry(c.node.random), withValues, nested);
      return;
    }
    if (count == 0) {
      r.array(0);
      return;
    }
    if (count >= h.size()) {
      r.array(withValues && !nested ? h.size() * 2 : h.size());
      h.forEach((f, v) -> randomReply(r, new byte[][] {f, v}, withValues, nested));
      return;
    }
    int n = (int) count;
    r.array(withValues && !nested ? n * 2 : n);
    if ((long) n * 3 <= h.size()) {
      // Few of many: random picks until n distinct ones, cheap because repeats are rare.
      HashSet<Key> picked = new HashSet<>();
      while (picked.size() < n) {
        byte[][] e = h.randomEntry(c.node.random);
        if (picked.add(new Key(e[0]))) randomReply(r, e, withValues, nested);
      }
      return;
    }
    // Most of them: a partial shuffle of all entries.
    List<byte[][]> all = new ArrayList<>(h.size());
    h.forEach((f, v) -> all.add(new byte[][] {f, v}));
    for (int i = 0; i < n; i++) {
      int j = i + c.node.random.nextInt(all.size() - i);
      byte[][] t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
      randomReply(r, all.get(i), withValues, nested);
    }
  }

  private static void randomReply(ReplyWriter r, byte[][] e, boolean withValues, boolean nested) {
    if (nested) r.array(2);
    r.bulk(e[0]);
    if (withValues) r.bulk(e[1]);
  }

  // ---------------------------------------------------------------- HSCAN

  private static void hscan(Client c, byte[][] a) {
    long cursor = parseCursor(a[2]);
    HashValue h = hash(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    if (h == null) {
      r.array(2).bulk("0").array(0);
      return;
    }
    long count = 10;
    byte[] pattern = null;
    for (int j = 3; j < a.length; j++) {
      boolean more = j + 1 < a.length;
      if (is(a[j], "count") && more) {
        count = Args.toLong(a[++j]);
        if (count < 1) throw new CommandError(Args.SYNTAX);
      } else if (is(a[j], "match") && more) {
        pattern = a[++j];
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    List<byte[]> found = new ArrayList<>();
    if (h.isListpack()) {
      h.forEach((f, v) -> {
        found.add(f);
        found.add(v);
      });
      cursor = 0;
    } else {
      long budget = count * 10;
      do {
        cursor = h.scanStep(cursor, (f, v) -> {
          found.add(f);
          found.add(v);
        });
      } while (cursor != 0 && budget-- > 0 && found.size() / 2 < count);
    }
    if (pattern != null && !(pattern.length == 1 && pattern[0] == '*')) {
      List<byte[]> kept = new ArrayList<>(found.size());
      for (int i = 0; i < found.size(); i += 2) {
        if (Glob.match(pattern, found.get(i), false)) {
          kept.add(found.get(i));
          kept.add(found.get(i + 1));
        }
      }
      found.clear();
      found.addAll(kept);
    }
    r.array(2).bulk(Long.toUnsignedString(cursor)).array(found.size());
    for (byte[] b : found) r.bulk(b);
  }

  /** A SCAN cursor as strtoul reads it (a sign is allowed, -1 wraps), or "ERR invalid cursor". */
  static long parseCursor(byte[] b) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      if (b.length == 0) return 0;
      throw new CommandError("ERR invalid cursor");
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') throw new CommandError("ERR invalid cursor");
    }
    try {
      long v = Long.parseUnsignedLong(s);
      return neg ? -v : v;
    } catch (NumberFormatException e) {
      throw new CommandError("ERR invalid cursor");
    }
  }
}
