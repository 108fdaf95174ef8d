package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.RawString;
import io.redisha.resp.Doubles;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string family, as redis-server 7.0 answers it. A string value is a {@code byte[]}
 * (what SET stored, never modified in place) or a {@link RawString} (what APPEND,
 * SETRANGE and INCRBYFLOAT produced), so that OBJECT ENCODING can tell the encodings
 * apart as Redis does; see {@link #encoding}.
 */
public final class StringCommands {
  private StringCommands() {}

  // SET/GETEX option flags, as Redis's parseExtendedStringArgumentsOrReply knows them.
  private static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256;
  private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

  public static void register(Node node, Commands commands) {
    commands.register("get", (c, argv) -> {
      Object v = readString(c, new Key(argv[1]));
      if (v == null) c.reply().nullBulk();
      else c.reply().bulk(Db.stringBytes(v));
    });
    commands.register("set", (c, argv) -> set(node, c, argv));
    commands.register("setnx", (c, argv) -> {
      Key k = new Key(argv[1]);
      if (c.db.get(k) != null) {
        c.reply().integer(0);
        return;
      }
      c.db.set(k, argv[2]);
      node.dirty++;
      c.reply().integer(1);
    });
    commands.register("setex", (c, argv) -> setWithTtl(node, c, argv, true, "setex"));
    commands.register("psetex", (c, argv) -> setWithTtl(node, c, argv, false, "psetex"));
    commands.register("getset", (c, argv) -> {
      Key k = new Key(argv[1]);
      Object old = readString(c, k);
      c.db.set(k, argv[2]);
      node.dirty++;
      if (old == null) c.reply().nullBulk();
      else c.reply().bulk(Db.stringBytes(old));
    });
    commands.register("getdel", (c, argv) -> {
      Key k = new Key(argv[1]);
      Object v = readString(c, k);
      if (v == null) {
        c.reply().nullBulk();
        return;
      }
      c.db.delete(k);
      node.dirty++;
      c.propagateAs(io.redisha.node.Propagation.cmd("DEL", k.bytes));
      c.reply().bulk(Db.stringBytes(v));
    });
    commands.register("getex", (c, argv) -> getex(node, c, argv));
    commands.register("mget", (c, argv) -> {
      c.reply().array(argv.length - 1);
      for (int i = 1; i < argv.length; i++) {
        Object v = read(c, new Key(argv[i]));
        if (v instanceof byte[] b) c.reply().bulk(b);
        else if (v instanceof RawString r) c.reply().bulk(r.bytes);
        else c.reply().nullBulk();
      }
    });
    commands.register("mset", (c, argv) -> {
      checkPairs(argv, "mset");
      for (int i = 1; i < argv.length; i += 2) c.db.set(new Key(argv[i]), argv[i + 1]);
      node.dirty += (argv.length - 1) / 2;
      c.reply().ok();
    });
    commands.register("msetnx", (c, argv) -> {
      checkPairs(argv, "msetnx");
      for (int i = 1; i < argv.length; i += 2) {
        if (c.db.get(new Key(argv[i])) != null) {
          c.reply().integer(0);
          return;
        }
      }
      for (int i = 1; i < argv.length; i += 2) c.db.set(new Key(argv[i]), argv[i + 1]);
      node.dirty += (argv.length - 1) / 2;
      c.reply().integer(1);
    });
    commands.register("incr", (c, argv) -> incrBy(node, c, argv[1], 1));
    commands.register("decr", (c, argv) -> incrBy(node, c, argv[1], -1));
    commands.register("incrby", (c, argv) -> incrBy(node, c, argv[1], Args.toLong(argv[2])));
    commands.register("decrby", (c, argv) -> {
      long by = Args.toLong(argv[2]);
      if (by == Long.MIN_VALUE) throw new CommandError("ERR decrement would overflow");
      incrBy(node, c, argv[1], -by);
    });
    commands.register("incrbyfloat", (c, argv) -> incrByFloat(node, c, argv));
    commands.register("append", (c, argv) -> {
      Key k = new Key(argv[1]);
      Object v = lookupString(c.db, k);
      long len;
      if (v == null) {
        // A new key gets the argument as SET would store it (so "int" or "embstr").
        c.db.add(k, argv[2]);
        len = argv[2].length;
      } else {
        byte[] old = Db.stringBytes(v);
        checkLength(node, old.length, argv[2].length);
        byte[] b = Arrays.copyOf(old, old.length + argv[2].length);
        System.arraycopy(argv[2], 0, b, old.length, argv[2].length);
        c.db.setKeepTtl(k, new RawString(b));
        len = b.length;
      }
      node.dirty++;
      c.reply().integer(len);
    });
    commands.register("strlen", (c, argv) -> {
      Object v = readString(c, new Key(argv[1]));
      c.reply().integer(v == null ? 0 : Db.stringBytes(v).length);
    });
    commands.register("getrange", (c, argv) -> getrange(c, argv));
    commands.register("substr", (c, argv) -> getrange(c, argv));
    commands.register("setrange", (c, argv) -> setrange(node, c, argv));
    commands.register("lcs", (c, argv) -> lcs(node, c, argv));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A lookup for reading, as Redis's lookupKeyRead: it counts a keyspace hit or miss.
   * Db.get already counts every lookup of a read-only command (see Client.call); this
   * adds the read lookups that write commands make (GETDEL, GETEX, SET ... GET).
   */
  static Object read(Client c, Key k) {
    Object v = c.db.get(k);
    if (!c.node.countKeyspaceReads) {
      if (v == null) c.node.stats.keyspaceMisses++;
      else c.node.stats.keyspaceHits++;
    }
    return v;
  }

  /** The string at key read as {@link #read} does, or null if none; WRONGTYPE for another type. */
  static Object readString(Client c, Key k) {
    return checkString(read(c, k));
  }

  /** The string at key looked up for writing, or null if none; WRONGTYPE for another type. */
  static Object lookupString(Db db, Key k) {
    return checkString(db.get(k));
  }

  private static Object checkString(Object v) {
    if (v == null || v instanceof byte[] || v instanceof RawString) return v;
    throw new CommandError(Args.WRONGTYPE);
  }

  /**
   * OBJECT ENCODING of a string, by redis-server's rules: what SET stores is "int" when
   * it is a canonical 64-bit integer (at most 20 bytes), "embstr" up to 44 bytes, else
   * "raw"; APPEND/SETRANGE results are always "raw"; INCRBYFLOAT's are never "int".
   */
  public static String encoding(Object v) {
    if (v instanceof RawString r) return r.embstr && r.bytes.length <= 44 ? "embstr" : "raw";
    byte[] b = (byte[]) v;
    if (b.length <= 20 && Args.parseLong(b) != null) return "int";
    return b.length <= 44 ? "embstr" : "raw";
  }

  /**
   * OBJECT REFCOUNT of a string: redis-server shares the objects of the integers 0..9999
   * (refcount INT_MAX) unless an LRU/LFU maxmemory policy needs per-key access data.
   */
  public static long refcount(Node node, Object v) {
    if (!(v instanceof byte[] b) || b.length > 4) return 1;
    Long n = Args.parseLong(b);
    if (n == null || n < 0 || n >= 10000) return 1;
    String policy = node.config.getString("maxmemory-policy");
    boolean noShared = node.config.getLong("maxmemory") != 0 && (policy.endsWith("-lru") || policy.endsWith("-lfu"));
    return noShared ? 1 : Integer.MAX_VALUE;
  }

  /** A deep copy of a string value, keeping its encoding (COPY). */
  public static Object copy(Object v) {
    if (v instanceof RawString r) return new RawString(r.bytes.clone(), r.embstr);
    return ((byte[]) v).clone();
  }

  private static void checkPairs(byte[][] argv, String name) {
    if (argv.length % 2 == 0) throw new CommandError("ERR wrong number of arguments for '" + name + "' command");
  }

  /** Redis's checkStringLength: a result longer than proto-max-bulk-len is refused. */
  private static void checkLength(Node node, long size, long append) {
    long total = size + append;
    if (total > node.config.getLong("proto-max-bulk-len") || total < 0) {
      throw new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
  }

  // ---------------------------------------------------------------- SET family

  /** Parses SET's (getex=false) or GETEX's options from index 3 or 2; returns the flags, the time argument in {@code expireOut[0]}. */
  private static int parseOptions(byte[][] argv, int from, boolean getex, byte[][] expireOut) {
    int flags = 0;
    byte[] expireArg = null;
    for (int j = from; j < argv.length; j++) {
      byte[] o = argv[j];
      boolean hasNext = j + 1 < argv.length;
      if (!getex && Args.is(o, "nx") && (flags & XX) == 0) {
        flags |= NX;
      } else if (!getex && Args.is(o, "xx") && (flags & NX) == 0) {
        flags |= XX;
      } else if (!getex && Args.is(o, "get")) {
        flags |= GET;
      } else if (!getex && Args.is(o, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
        flags |= KEEPTTL;
      } else if (getex && Args.is(o, "persist") && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
        flags |= PERSIST;
      } else if (Args.is(o, "ex") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && hasNext) {
        flags |= EX;
        expireArg = argv[++j];
      } else if (Args.is(o, "px") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && hasNext) {
        flags |= PX;
        expireArg = argv[++j];
      } else if (Args.is(o, "exat") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && hasNext) {
        flags |= EXAT;
        expireArg = argv[++j];
      } else if (Args.is(o, "pxat") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && hasNext) {
        flags |= PXAT;
        expireArg = argv[++j];
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    expireOut[0] = expireArg;
    return flags;
  }

  private static long expireAt(Node node, byte[] arg, int flags, String cmd) {
    return expireAt(node, arg, (flags & (EX | EXAT)) != 0, (flags & (EX | PX)) != 0, cmd);
  }

  /** Redis's getExpireMillisecondsOrReply: a positive time, converted to absolute milliseconds. */
  private static long expireAt(Node node, byte[] arg, boolean seconds, boolean relative, String cmd) {
    long ms = Args.toLong(arg);
    if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) throw invalidExpire(cmd);
    if (seconds) ms *= 1000;
    if (relative) ms += node.clock.nowMs(); // may wrap negative, as in C
    if (ms <= 0) throw invalidExpire(cmd);
    return ms;
  }

  static CommandError invalidExpire(String cmd) {
    return new CommandError("ERR invalid expire time in '" + cmd + "' command");
  }

  private static void set(Node node, Client c, byte[][] argv) {
    int flags = 0;
    long at = -1;
    // A plain SET (nearly all of a replication stream) has no options: no holder to allocate.
    if (argv.length > 3) {
      byte[][] expireArg = new byte[1][];
      flags = parseOptions(argv, 3, false, expireArg);
      if (expireArg[0] != null) at = expireAt(node, expireArg[0], flags, "set");
    }
    Key k = new Key(argv[1]);
    boolean get = (flags & GET) != 0;
    Object old = get ? readString(c, k) : null;
    boolean found = get ? old != null : c.db.get(k) != null;
    if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) {
      // Not set: the reply is the old value with GET, else a null.
      replyValue(c, old);
      return;
    }
    store(node, c, k, argv[2], flags, at);
    // A relative time would replay differently: Redis 7.0 propagates SET key value PXAT <absolute ms>.
    if ((flags & (EX | PX | EXAT)) != 0) c.propagateAs(io.redisha.node.Propagation.cmd("SET", k.bytes, argv[2], "PXAT", at));
    if (get) replyValue(c, old);
    else c.reply().ok();
  }

  private static void replyValue(Client c, Object v) {
    if (v == null) c.reply().nullBulk();
    else c.reply().bulk(Db.stringBytes(v));
  }

  private static void store(Node node, Client c, Key k, byte[] value, int flags, long expireAtMs) {
    if ((flags & KEEPTTL) != 0) c.db.setKeepTtl(k, value);
    else c.db.set(k, value);
    node.dirty++;
    if (expireAtMs != -1) c.db.setExpire(k, expireAtMs);
  }

  private static void setWithTtl(Node node, Client c, byte[][] argv, boolean seconds, String cmd) {
    long at = expireAt(node, argv[2], seconds, true, cmd);
    store(node, c, new Key(argv[1]), argv[3], 0, at);
    c.propagateAs(io.redisha.node.Propagation.cmd("SET", argv[1], argv[3], "PXAT", at));
    c.reply().ok();
  }

  private static void getex(Node node, Client c, byte[][] argv) {
    byte[][] expireArg = new byte[1][];
    int flags = parseOptions(argv, 2, true, expireArg);
    Key k = new Key(argv[1]);
    Object v = readString(c, k);
    if (v == null) {
      c.reply().nullBulk();
      return;
    }
    // Unlike SET, GETEX looks the key up before it validates the time.
    long at = expireArg[0] == null ? -1 : expireAt(node, expireArg[0], flags, "getex");
    c.reply().bulk(Db.stringBytes(v));
    // A replica keeps the key with a past time and waits for its master's DEL.
    if (at != -1 && at <= node.clock.nowMs() && node.expiresLocally()) {
      c.db.delete(k);
      node.dirty++;
      c.propagateAs(io.redisha.node.Propagation.cmd("DEL", k.bytes));
    } else if (at != -1) {
      c.db.setExpire(k, at);
      node.dirty++;
      c.propagateAs(io.redisha.node.Propagation.cmd("PEXPIREAT", k.bytes, at));
    } else if ((flags & PERSIST) != 0 && c.db.persist(k)) {
      node.dirty++;
      c.propagateAs(io.redisha.node.Propagation.cmd("PERSIST", k.bytes));
    }
  }

  // ---------------------------------------------------------------- numbers

  private static void incrBy(Node node, Client c, byte[] key, long by) {
    Key k = new Key(key);
    Object v = lookupString(c.db, k);
    long cur = v == null ? 0 : Args.toLong(Db.stringBytes(v));
    long r = cur + by;
    if (((cur ^ r) & (by ^ r)) < 0) throw new CommandError("ERR increment or decrement would overflow");
    // INCR keeps the TTL: Redis updates the value in place or overwrites it.
    c.db.setKeepTtl(k, Args.bytes(r));
    node.dirty++;
    c.reply().integer(r);
  }

  private static void incrByFloat(Node node, Client c, byte[][] argv) {
    Key k = new Key(argv[1]);
    Object v = lookupString(c.db, k);
    BigDecimal cur = v == null ? BigDecimal.ZERO : Doubles.parseLongDouble(Db.stringBytes(v));
    BigDecimal by = cur == null ? null : Doubles.parseLongDouble(argv[2]);
    if (cur == null || by == null) throw new CommandError(Args.NOT_FLOAT);
    BigDecimal sum = isInfinite(cur) || isInfinite(by) ? null : Doubles.addLongDouble(cur, by);
    if (sum == null) throw new CommandError("ERR increment would produce NaN or Infinity");
    byte[] b = Doubles.formatHumanLong(sum).getBytes(StandardCharsets.US_ASCII);
    // Redis creates this value as a plain string object: "embstr" even for "11", never "int".
    Object stored = b.length <= 20 && Args.parseLong(b) != null ? new RawString(b, true) : b;
    if (v == null) c.db.add(k, stored);
    else c.db.setKeepTtl(k, stored);
    node.dirty++;
    // The sum's text, not the increment: replaying a float addition could round differently.
    c.propagateAs(io.redisha.node.Propagation.cmd("SET", k.bytes, b, "KEEPTTL"));
    c.reply().bulk(b);
  }

  private static boolean isInfinite(BigDecimal d) {
    return d == Doubles.LD_INFINITY || d == Doubles.LD_NEG_INFINITY;
  }

  // ---------------------------------------------------------------- ranges

  private static void getrange(Client c, byte[][] argv) {
    long start = Args.toLong(argv[2]);
    long end = Args.toLong(argv[3]);
    Object v = readString(c, new Key(argv[1]));
    if (v == null) {
      c.reply().bulk(EMPTY);
      return;
    }
    byte[] s = Db.stringBytes(v);
    long len = s.length;
    if (start < 0 && end < 0 && start > end) {
      c.reply().bulk(EMPTY);
      return;
    }
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) c.reply().bulk(EMPTY);
    else c.reply().bulk(s, (int) start, (int) (end - start + 1));
  }

  private static final byte[] EMPTY = new byte[0];

  private static void setrange(Node node, Client c, byte[][] argv) {
    long offset = Args.toLong(argv[2]);
    if (offset < 0) throw new CommandError("ERR offset is out of range");
    byte[] value = argv[3];
    Key k = new Key(argv[1]);
    Object v = lookupString(c.db, k);
    if (v == null && value.length == 0) {
      c.reply().integer(0);
      return;
    }
    byte[] old = v == null ? EMPTY : Db.stringBytes(v);
    if (value.length == 0) {
      c.reply().integer(old.length);
      return;
    }
    checkLength(node, offset, value.length);
    int newLen = (int) Math.max(old.length, offset + value.length);
    byte[] b = Arrays.copyOf(old, newLen);
    System.arraycopy(value, 0, b, (int) offset, value.length);
    if (v == null) c.db.add(k, new RawString(b));
    else c.db.setKeepTtl(k, new RawString(b));
    node.dirty++;
    c.reply().integer(b.length);
  }

  // ---------------------------------------------------------------- LCS

  /**
   * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the classic dynamic
   * programming table, then a walk back from its corner that yields the common string
   * and, for IDX, the matching ranges from the end towards the start, as Redis lists them.
   */
  private static void lcs(Node node, Client c, byte[][] argv) {
    Object va = read(c, new Key(argv[1]));
    Object vb = read(c, new Key(argv[2]));
    boolean badType = (va != null && !(va instanceof byte[] || va instanceof RawString))
        || (vb != null && !(vb instanceof byte[] || vb instanceof RawString));
    if (badType) throw new CommandError("ERR The specified keys must contain string values");
    byte[] a = va == null ? EMPTY : Db.stringBytes(va);
    byte[] b = vb == null ? EMPTY : Db.stringBytes(vb);
    boolean idx = false, len = false, withLen = false;
    long minLen = 0;
    for (int j = 3; j < argv.length; j++) {
      if (Args.is(argv[j], "idx")) {
        idx = true;
      } else if (Args.is(argv[j], "len")) {
        len = true;
      } else if (Args.is(argv[j], "withmatchlen")) {
        withLen = true;
      } else if (Args.is(argv[j], "minmatchlen") && j + 1 < argv.length) {
        minLen = Math.max(0, Args.toLong(argv[++j]));
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    if (idx && len) throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
    int alen = a.length, blen = b.length;
    long cells = (long) (alen + 1) * (blen + 1);
    if (cells * 4 > node.config.getLong("proto-max-bulk-len")) {
      throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    int[] dp;
    try {
      if (cells > Integer.MAX_VALUE - 8) throw new OutOfMemoryError(); // a Java array's limit
      dp = new int[(int) cells];
    } catch (OutOfMemoryError e) {
      throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
    }
    int w = blen + 1;
    for (int i = 1; i <= alen; i++) {
      for (int j = 1; j <= blen; j++) {
        dp[i * w + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * w + j - 1] + 1
            : Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
      }
    }
    int total = dp[alen * w + blen];
    if (len) {
      c.reply().integer(total);
      return;
    }
    byte[] common = new byte[total];
    // Ranges as {aStart, aEnd, bStart, bEnd}, found from the ends of the strings backwards.
    java.util.List<int[]> ranges = new java.util.ArrayList<>();
    int[] cur = null;
    int i = alen, j = blen, k = total;
    while (i > 0 && j > 0) {
      boolean close;
      if (a[i - 1] == b[j - 1]) {
        common[--k] = a[i - 1];
        if (cur == null) cur = new int[] {i - 1, i - 1, j - 1, j - 1};
        else {
          cur[0]--;
          cur[2]--;
        }
        i--;
        j--;
        close = cur[0] == 0 || cur[2] == 0;
      } else {
        if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--;
        else j--;
        close = cur != null;
      }
      if (close) {
        if (cur[1] - cur[0] + 1 >= minLen) ranges.add(cur);
        cur = null;
      }
    }
    if (!idx) {
      c.reply().bulk(common);
      return;
    }
    c.reply().map(2);
    c.reply().bulk("matches");
    c.reply().array(ranges.size());
    for (int[] r : ranges) {
      c.reply().array(withLen ? 3 : 2);
      c.reply().array(2).integer(r[0]).integer(r[1]);
      c.reply().array(2).integer(r[2]).integer(r[3]);
      if (withLen) c.reply().integer(r[1] - r[0] + 1);
    }
    c.reply().bulk("len");
    c.reply().integer(total);
  }
}
