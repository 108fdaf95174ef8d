package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.KeyTable;
import io.redisha.node.Node;
import io.redisha.node.types.Encoded;
import io.redisha.node.types.ValueType;
import io.redisha.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generic key commands (DEL, EXPIRE and friends, RENAME, KEYS, SCAN, COPY, MOVE,
 * OBJECT, SWAPDB...) as redis-server 7.0 answers them. DBSIZE and FLUSHALL live in
 * ServerCommands.
 */
public final class KeyCommands {
  private KeyCommands() {}

  private static final int EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;

  public static void register(Node node, Commands commands) {
    commands.register("del", (c, argv) -> c.reply().integer(delete(node, c, argv)));
    commands.register("unlink", (c, argv) -> c.reply().integer(delete(node, c, argv)));
    commands.register("exists", (c, argv) -> c.reply().integer(countExisting(c, argv)));
    commands.register("touch", (c, argv) -> c.reply().integer(countExisting(c, argv)));
    commands.register("expire", (c, argv) -> expire(node, c, argv, true, false, "expire"));
    commands.register("pexpire", (c, argv) -> expire(node, c, argv, false, false, "pexpire"));
    commands.register("expireat", (c, argv) -> expire(node, c, argv, true, true, "expireat"));
    commands.register("pexpireat", (c, argv) -> expire(node, c, argv, false, true, "pexpireat"));
    commands.register("ttl", (c, argv) -> ttl(node, c, argv, false, false));
    commands.register("pttl", (c, argv) -> ttl(node, c, argv, true, false));
    commands.register("expiretime", (c, argv) -> ttl(node, c, argv, false, true));
    commands.register("pexpiretime", (c, argv) -> ttl(node, c, argv, true, true));
    commands.register("persist", (c, argv) -> {
      Key k = new Key(argv[1]);
      if (c.db.get(k) != null && c.db.persist(k)) {
        node.dirty++;
        c.reply().integer(1);
      } else {
        c.reply().integer(0);
      }
    });
    commands.register("type", (c, argv) -> {
      Object v = StringCommands.read(c, new Key(argv[1]));
      c.reply().simple(v == null ? "none" : ValueType.of(v).typeName);
    });
    commands.register("rename", (c, argv) -> rename(node, c, argv, false));
    commands.register("renamenx", (c, argv) -> rename(node, c, argv, true));
    commands.register("keys", (c, argv) -> keys(node, c, argv[1]));
    commands.register("scan", (c, argv) -> scan(c, argv));
    commands.register("randomkey", (c, argv) -> {
      KeyTable t = c.db.table();
      for (int tries = 1; ; tries++) {
        Key k = t.randomKey(node.random);
        if (k == null) {
          c.reply().nullBulk();
          return;
        }
        // An expired pick is deleted on the way and we draw again, as Redis does. A
        // replica deletes nothing, so when every key is volatile it could draw expired
        // keys forever: like Redis it settles for one after 100 tries.
        boolean giveUp = tries >= 100 && !node.expiresLocally() && c.db.expiresSize() == c.db.size();
        if (giveUp || c.db.get(k) != null) {
          c.reply().bulk(k.bytes);
          return;
        }
      }
    });
    commands.register("copy", (c, argv) -> copy(node, c, argv));
    commands.register("move", (c, argv) -> move(node, c, argv));
    commands.register("swapdb", (c, argv) -> {
      long a = intArg(argv[1], "ERR invalid first DB index");
      long b = intArg(argv[2], "ERR invalid second DB index");
      if (a < 0 || a >= node.databases() || b < 0 || b >= node.databases()) {
        throw new CommandError("ERR DB index is out of range");
      }
      Db da = node.db((int) a), dbb = node.db((int) b);
      da.swapWith(dbb);
      node.dirty++;
      // Clients blocked on a key that now holds a list or zset may be served.
      if (node.blocking.blockedClients() > 0) {
        for (Db d : new Db[] {da, dbb}) {
          for (Map.Entry<Key, Object> e : d.entries()) signalIfBlocking(node, d, e.getKey(), e.getValue());
        }
      }
      c.reply().ok();
    });
    registerObject(node, commands);
  }

  // ---------------------------------------------------------------- existence

  private static long delete(Node node, Client c, byte[][] argv) {
    long n = 0;
    for (int i = 1; i < argv.length; i++) {
      Key k = new Key(argv[i]);
      // An expired key is deleted by the lookup but does not count.
      if (c.db.get(k) != null && c.db.delete(k)) n++;
    }
    node.dirty += n;
    return n;
  }

  private static long countExisting(Client c, byte[][] argv) {
    long n = 0;
    for (int i = 1; i < argv.length; i++) if (StringCommands.read(c, new Key(argv[i])) != null) n++;
    return n;
  }

  // ---------------------------------------------------------------- expiry

  private static void expire(Node node, Client c, byte[][] argv, boolean seconds, boolean absolute, String cmd) {
    long when = Args.toLong(argv[2]);
    int flags = 0;
    for (int j = 3; j < argv.length; j++) {
      if (Args.is(argv[j], "nx")) flags |= EXPIRE_NX;
      else if (Args.is(argv[j], "xx")) flags |= EXPIRE_XX;
      else if (Args.is(argv[j], "gt")) flags |= EXPIRE_GT;
      else if (Args.is(argv[j], "lt")) flags |= EXPIRE_LT;
      else throw new CommandError("ERR Unsupported option " + Args.str(argv[j]));
    }
    if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
      throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
      throw new CommandError("ERR GT and LT options at the same time are not compatible");
    }
    // Negative times are allowed (they delete the key); only overflow is an error.
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) throw StringCommands.invalidExpire(cmd);
      when *= 1000;
    }
    long now = node.clock.nowMs();
    long base = absolute ? 0 : now;
    if (when > Long.MAX_VALUE - base) throw StringCommands.invalidExpire(cmd);
    when += base;
    Key k = new Key(argv[1]);
    if (c.db.get(k) == null) {
      c.reply().integer(0);
      return;
    }
    if (flags != 0) {
      long current = c.db.getExpire(k);
      boolean refused = ((flags & EXPIRE_NX) != 0 && current != -1)
          || ((flags & EXPIRE_XX) != 0 && current == -1)
          // No TTL counts as an infinite one: GT always fails on it, LT always passes.
          || ((flags & EXPIRE_GT) != 0 && (current == -1 || when <= current))
          || ((flags & EXPIRE_LT) != 0 && current != -1 && when >= current);
      if (refused) {
        c.reply().integer(0);
        return;
      }
    }
    if (when <= now && node.expiresLocally()) {
      c.db.delete(k);
      c.propagateAs(io.redisha.node.Propagation.cmd("DEL", k.bytes));
    } else {
      c.db.setExpire(k, when);
      // Relative times would replay later and differently: always the absolute milliseconds.
      c.propagateAs(io.redisha.node.Propagation.cmd("PEXPIREAT", k.bytes, when));
    }
    node.dirty++;
    c.reply().integer(1);
  }

  private static void ttl(Node node, Client c, byte[][] argv, boolean ms, boolean absolute) {
    Key k = new Key(argv[1]);
    if (StringCommands.read(c, k) == null) {
      c.reply().integer(-2);
      return;
    }
    long when = c.db.getExpire(k);
    if (when == -1) {
      c.reply().integer(-1);
      return;
    }
    long t = absolute ? when : Math.max(0, when - node.clock.nowMs());
    c.reply().integer(ms ? t : (t + 500) / 1000);
  }

  // ---------------------------------------------------------------- rename and copy

  private static void rename(Node node, Client c, byte[][] argv, boolean nx) {
    Key src = new Key(argv[1]);
    Key dst = new Key(argv[2]);
    Object v = c.db.get(src);
    if (v == null) throw new CommandError("ERR no such key");
    if (src.equals(dst)) {
      if (nx) c.reply().integer(0);
      else c.reply().ok();
      return;
    }
    long expire = c.db.getExpire(src);
    if (c.db.get(dst) != null) {
      if (nx) {
        c.reply().integer(0);
        return;
      }
      c.db.delete(dst);
    }
    c.db.add(dst, v);
    if (expire != -1) c.db.setExpire(dst, expire);
    c.db.delete(src);
    signalIfBlocking(node, c.db, dst, v);
    node.dirty++;
    if (nx) c.reply().integer(1);
    else c.reply().ok();
  }

  private static void copy(Node node, Client c, byte[][] argv) {
    Db dst = c.db;
    boolean replace = false;
    for (int j = 3; j < argv.length; j++) {
      if (Args.is(argv[j], "replace")) {
        replace = true;
      } else if (Args.is(argv[j], "db") && j + 1 < argv.length) {
        long id = intArg(argv[++j], null);
        if (id < 0 || id >= node.databases()) throw new CommandError("ERR DB index is out of range");
        dst = node.db((int) id);
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    Key src = new Key(argv[1]);
    Key to = new Key(argv[2]);
    if (dst == c.db && src.equals(to)) throw new CommandError("ERR source and destination objects are the same");
    Object v = StringCommands.read(c, src);
    if (v == null) {
      c.reply().integer(0);
      return;
    }
    long expire = c.db.getExpire(src);
    if (dst.get(to) != null) {
      if (!replace) {
        c.reply().integer(0);
        return;
      }
      dst.delete(to);
    }
    Object copy = copyValue(v);
    dst.add(to, copy);
    if (expire != -1) dst.setExpire(to, expire);
    signalIfBlocking(node, dst, to, copy);
    node.dirty++;
    c.reply().integer(1);
  }

  private static void move(Node node, Client c, byte[][] argv) {
    long id = intArg(argv[2], null);
    if (id < 0 || id >= node.databases()) throw new CommandError("ERR DB index is out of range");
    Db dst = node.db((int) id);
    if (dst == c.db) throw new CommandError("ERR source and destination objects are the same");
    Key k = new Key(argv[1]);
    Object v = c.db.get(k);
    if (v == null || dst.get(k) != null) {
      c.reply().integer(0);
      return;
    }
    long expire = c.db.getExpire(k);
    dst.add(k, v);
    if (expire != -1) dst.setExpire(k, expire);
    c.db.delete(k);
    signalIfBlocking(node, dst, k, v);
    node.dirty++;
    c.reply().integer(1);
  }

  /**
   * A deep copy of any value, for COPY: strings here, collections by their own
   * {@link Encoded#copy()}; a type without one answers "ERR not implemented".
   */
  public static Object copyValue(Object v) {
    if (ValueType.of(v) == ValueType.STRING) return StringCommands.copy(v);
    if (v instanceof Encoded e) return e.copy();
    throw new CommandError("ERR not implemented");
  }

  /** A list or zset arriving at a key (RENAME, COPY, SWAPDB) may serve blocked clients. */
  private static void signalIfBlocking(Node node, Db db, Key k, Object v) {
    ValueType t = ValueType.of(v);
    if (t == ValueType.LIST || t == ValueType.ZSET) node.blocking.signalReady(db, k);
  }

  /** Redis's getIntFromObjectOrReply: a long that fits an int; the error given replaces both of its own. */
  private static long intArg(byte[] b, String error) {
    Long v = Args.parseLong(b);
    if (v == null) throw new CommandError(error == null ? Args.NOT_INTEGER : error);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new CommandError(error != null ? error
          : "ERR value is out of range, value must between -2147483648 and 2147483647");
    }
    return v;
  }

  // ---------------------------------------------------------------- KEYS and SCAN

  private static void keys(Node node, Client c, byte[] pattern) {
    boolean all = pattern.length == 1 && pattern[0] == '*';
    long now = node.clock.nowMs();
    List<byte[]> out = new ArrayList<>();
    for (Map.Entry<Key, Object> e : c.db.entries()) {
      Key k = e.getKey();
      if (!all && !Glob.match(pattern, k.bytes, false)) continue;
      // Expired keys are hidden but not deleted here: we are iterating the key space.
      long when = c.db.getExpire(k);
      if (when != -1 && when <= now) continue;
      out.add(k.bytes);
    }
    c.reply().array(out.size());
    for (byte[] k : out) c.reply().bulk(k);
  }

  /**
   * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a point of
   * the key table's hash space (see {@link KeyTable}): a full iteration returns every
   * key that existed throughout it exactly once, even across table resizes. A cursor
   * too large for that space continues from its low 32 bits.
   */
  private static void scan(Client c, byte[][] argv) {
    long cursor = parseCursor(argv[1]);
    long count = 10;
    byte[] pattern = null;
    byte[] type = null;
    for (int i = 2; i < argv.length; ) {
      int left = argv.length - i;
      if (Args.is(argv[i], "count") && left >= 2) {
        count = Args.toLong(argv[i + 1]);
        if (count < 1) throw new CommandError(Args.SYNTAX);
        i += 2;
      } else if (Args.is(argv[i], "match") && left >= 2) {
        byte[] p = argv[i + 1];
        pattern = p.length == 1 && p[0] == '*' ? null : p;
        i += 2;
      } else if (Args.is(argv[i], "type") && left >= 2) {
        type = argv[i + 1];
        i += 2;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    List<Key> found = new ArrayList<>();
    long next = c.db.table().scan(cursor, count, found::add);
    List<Key> out = new ArrayList<>(found.size());
    String typeName = type == null ? null : new String(type, StandardCharsets.UTF_8);
    for (Key k : found) {
      if (pattern != null && !Glob.match(pattern, k.bytes, false)) continue;
      // Deletes it if expired, as Redis's scan does; only the TYPE check counts as a read.
      Object v = typeName == null ? c.db.get(k) : StringCommands.read(c, k);
      if (v == null) continue;
      if (typeName != null && !ValueType.of(v).typeName.equalsIgnoreCase(typeName)) continue;
      out.add(k);
    }
    c.reply().array(2);
    c.reply().bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
    c.reply().array(out.size());
    for (Key k : out) c.reply().bulk(k.bytes);
  }

  /** strtoul as Redis's parseScanCursorOrReply uses it: optional sign, digits, no spaces, fits 64 bits. */
  static long parseCursor(byte[] b) {
    int p = 0;
    boolean neg = false;
    if (b.length > 0 && (b[0] == '+' || b[0] == '-')) {
      neg = b[0] == '-';
      p = 1;
    }
    if (b.length == 0) return 0; // strtoul converts nothing and the end is reached
    if (p == b.length) throw new CommandError("ERR invalid cursor");
    for (int i = p; i < b.length; i++) {
      if (b[i] < '0' || b[i] > '9') throw new CommandError("ERR invalid cursor");
    }
    long v;
    try {
      v = Long.parseUnsignedLong(new String(b, p, b.length - p, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new CommandError("ERR invalid cursor"); // ERANGE
    }
    return neg ? -v : v;
  }

  // ---------------------------------------------------------------- OBJECT

  private static final String[] OBJECT_HELP = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };

  private static void registerObject(Node node, Commands commands) {
    commands.register("object|help", (c, argv) -> {
      c.reply().array(OBJECT_HELP.length);
      for (String line : OBJECT_HELP) c.reply().simple(line);
    });
    commands.register("object|encoding", (c, argv) -> {
      Object v = StringCommands.read(c, new Key(argv[2]));
      if (v == null) c.reply().nullBulk();
      else c.reply().bulk(encoding(v));
    });
    commands.register("object|refcount", (c, argv) -> {
      Object v = StringCommands.read(c, new Key(argv[2]));
      if (v == null) c.reply().nullBulk();
      else c.reply().integer(StringCommands.refcount(node, v));
    });
    commands.register("object|idletime", (c, argv) -> {
      Object v = StringCommands.read(c, new Key(argv[2]));
      if (v == null) {
        c.reply().nullBulk();
      } else if (lfu(node)) {
        c.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
            + "between policies at runtime LRU and LFU data will take some time to adjust.");
      } else {
        // We keep no per-key access clock (it would cost memory on every key).
        c.reply().integer(0);
      }
    });
    commands.register("object|freq", (c, argv) -> {
      Object v = StringCommands.read(c, new Key(argv[2]));
      if (v == null) {
        c.reply().nullBulk();
      } else if (!lfu(node)) {
        c.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
            + "switching between policies at runtime LRU and LFU data will take some time to adjust.");
      } else {
        // No per-key counter either: answer the initial LFU value a new key has.
        c.reply().integer(5);
      }
    });
  }

  private static boolean lfu(Node node) {
    return node.config.getString("maxmemory-policy").endsWith("-lfu");
  }

  /** OBJECT ENCODING of any value. */
  public static String encoding(Object v) {
    if (ValueType.of(v) == ValueType.STRING) return StringCommands.encoding(v);
    if (v instanceof Encoded e) return e.encoding();
    throw new CommandError("ERR not implemented");
  }
}
