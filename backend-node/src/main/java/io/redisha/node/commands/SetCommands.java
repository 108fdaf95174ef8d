package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.SetValue;
import io.redisha.resp.ReplyWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** The set commands, SADD to SSCAN, with redis-server 7.0's replies and errors. */
public final class SetCommands {
  private SetCommands() {}

  /** The set at key, null if there is none; WRONGTYPE if the key holds something else. */
  static SetValue lookup(Client c, Key key) {
    Object v = c.db.get(key);
    if (v == null) return null;
    if (v instanceof SetValue s) return s;
    throw new CommandError(Args.WRONGTYPE);
  }

  private static int maxIntset(Node node) {
    return node.config.getInt("set-max-intset-entries");
  }

  public static void register(Node node, Commands commands) {
    commands.register("sadd", (c, argv) -> {
      Key key = new Key(argv[1]);
      SetValue s = lookup(c, key);
      boolean created = s == null;
      if (created) s = new SetValue();
      int max = maxIntset(node);
      int added = 0;
      for (int i = 2; i < argv.length; i++) if (s.add(argv[i], max)) added++;
      if (created) c.db.set(key, s);
      else if (added > 0) c.db.modified(key);
      node.dirty += added;
      c.reply().integer(added);
    });

    commands.register("srem", (c, argv) -> {
      Key key = new Key(argv[1]);
      SetValue s = lookup(c, key);
      int removed = 0;
      if (s != null) {
        for (int i = 2; i < argv.length && s.size() > 0; i++) if (s.remove(argv[i])) removed++;
        if (removed > 0) changed(c, key, s);
      }
      node.dirty += removed;
      c.reply().integer(removed);
    });

    commands.register("smembers", (c, argv) -> {
      SetValue s = lookup(c, new Key(argv[1]));
      replySet(c, s);
    });

    commands.register("sismember", (c, argv) -> {
      SetValue s = lookup(c, new Key(argv[1]));
      c.reply().integer(s != null && s.contains(argv[2]) ? 1 : 0);
    });

    commands.register("smismember", (c, argv) -> {
      SetValue s = lookup(c, new Key(argv[1]));
      c.reply().array(argv.length - 2);
      for (int i = 2; i < argv.length; i++) c.reply().integer(s != null && s.contains(argv[i]) ? 1 : 0);
    });

    commands.register("scard", (c, argv) -> {
      SetValue s = lookup(c, new Key(argv[1]));
      c.reply().integer(s == null ? 0 : s.size());
    });

    commands.register("spop", (c, argv) -> {
      Key key = new Key(argv[1]);
      if (argv.length == 2) {
        SetValue s = lookup(c, key);
        if (s == null) {
          c.reply().nullBulk();
          return;
        }
        byte[] m = s.random(node.random);
        s.remove(m);
        changed(c, key, s);
        node.dirty++;
        // The pick is random: the stream says which member went.
        c.propagateAs(io.redisha.node.Propagation.cmd("SREM", key.bytes, m));
        c.reply().bulk(m);
        return;
      }
      if (argv.length > 3) throw new CommandError(Args.SYNTAX);
      Long n = Args.parseLong(argv[2]);
      if (n == null || n < 0) throw new CommandError("ERR value is out of range, must be positive");
      SetValue s = lookup(c, key);
      if (s == null || n == 0) {
        c.reply().set(0);
        return;
      }
      if (n >= s.size()) {
        replySet(c, s);
        node.dirty += s.size();
        c.db.delete(key);
        c.propagateAs(io.redisha.node.Propagation.cmd("DEL", key.bytes));
        return;
      }
      int count = (int) (long) n;
      List<byte[]> popped = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] m = s.random(node.random);
        s.remove(m);
        popped.add(m);
      }
      c.db.modified(key);
      node.dirty += count;
      byte[][] srem = new byte[count + 2][];
      srem[0] = io.redisha.node.Propagation.bytes("SREM");
      srem[1] = key.bytes;
      for (int i = 0; i < count; i++) srem[i + 2] = popped.get(i);
      c.propagateAs(srem);
      c.reply().set(count);
      for (byte[] m : popped) c.reply().bulk(m);
    });

    commands.register("srandmember", (c, argv) -> {
      Key key = new Key(argv[1]);
      if (argv.length == 2) {
        SetValue s = lookup(c, key);
        if (s == null) c.reply().nullBulk();
        else c.reply().bulk(s.random(node.random));
        return;
      }
      if (argv.length > 3) throw new CommandError(Args.SYNTAX);
      long n = Args.toLong(argv[2]);
      if (n == Long.MIN_VALUE) {
        throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      }
      SetValue s = lookup(c, key);
      if (s == null || n == 0) {
        c.reply().array(0);
        return;
      }
      randomMembers(c, s, n, node.random);
    });

    commands.register("smove", (c, argv) -> {
      Key src = new Key(argv[1]);
      Key dst = new Key(argv[2]);
      Object sv = c.db.get(src);
      Object dv = c.db.get(dst);
      if (sv == null) {
        c.reply().integer(0);
        return;
      }
      if (!(sv instanceof SetValue from) || (dv != null && !(dv instanceof SetValue))) {
        throw new CommandError(Args.WRONGTYPE);
      }
      SetValue to = (SetValue) dv;
      if (from == to) {
        c.reply().integer(from.contains(argv[3]) ? 1 : 0);
        return;
      }
      if (!from.remove(argv[3])) {
        c.reply().integer(0);
        return;
      }
      changed(c, src, from);
      node.dirty++;
      if (to == null) {
        to = new SetValue();
        to.add(argv[3], maxIntset(node));
        c.db.set(dst, to);
        node.dirty++;
      } else if (to.add(argv[3], maxIntset(node))) {
        c.db.modified(dst);
        node.dirty++;
      }
      c.reply().integer(1);
    });

    commands.register("sinter", (c, argv) -> {
      SetValue r = inter(c, argv, 1, argv.length, 0, node);
      replySet(c, r);
    });
    commands.register("sinterstore", (c, argv) -> store(c, node, argv, inter(c, argv, 2, argv.length, 0, node)));
    commands.register("sunion", (c, argv) -> replySet(c, unionDiff(c, argv, 1, false, node)));
    commands.register("sunionstore", (c, argv) -> store(c, node, argv, unionDiff(c, argv, 2, false, node)));
    commands.register("sdiff", (c, argv) -> replySet(c, unionDiff(c, argv, 1, true, node)));
    commands.register("sdiffstore", (c, argv) -> store(c, node, argv, unionDiff(c, argv, 2, true, node)));

    commands.register("sintercard", (c, argv) -> {
      Long numkeys = Args.parseLong(argv[1]);
      if (numkeys == null || numkeys <= 0) throw new CommandError("ERR numkeys should be greater than 0");
      if (numkeys > argv.length - 2) throw new CommandError("ERR Number of keys can't be greater than number of args");
      int end = 2 + (int) (long) numkeys;
      long limit = 0;
      for (int i = end; i < argv.length; i++) {
        if (Args.is(argv[i], "limit") && i + 1 < argv.length) {
          Long l = Args.parseLong(argv[++i]);
          if (l == null || l < 0) throw new CommandError("ERR LIMIT can't be negative");
          limit = l;
        } else {
          throw new CommandError(Args.SYNTAX);
        }
      }
      SetValue r = inter(c, argv, 2, end, limit, node);
      c.reply().integer(r == null ? 0 : r.size());
    });

    commands.register("sscan", (c, argv) -> {
      SetScan opts = SetScan.parse(argv);
      SetValue s = lookup(c, new Key(argv[1]));
      List<byte[]> found = new ArrayList<>();
      long next = s == null ? 0 : s.scan(opts.cursor, opts.count, m -> {
        if (opts.matches(m)) found.add(m);
      });
      ReplyWriter w = c.reply();
      w.array(2).bulk(Long.toUnsignedString(next));
      w.array(found.size());
      for (byte[] m : found) w.bulk(m);
    });
  }

  /** After removals: deletes the key if the set became empty, else marks it modified. */
  private static void changed(Client c, Key key, SetValue s) {
    if (s.size() == 0) c.db.delete(key);
    else c.db.modified(key);
  }

  private static void replySet(Client c, SetValue s) {
    if (s == null) {
      c.reply().set(0);
      return;
    }
    ReplyWriter w = c.reply();
    w.set(s.size());
    s.forEach(w::bulk);
  }

  private static void store(Client c, Node node, byte[][] argv, SetValue result) {
    Key dst = new Key(argv[1]);
    if (result == null || result.size() == 0) {
      c.db.delete(dst);
      c.reply().integer(0);
    } else {
      c.db.set(dst, result);
      c.reply().integer(result.size());
    }
    node.dirty++;
  }

  /** The sets at argv[from..to), WRONGTYPE if any key holds another type; nulls for missing keys. */
  private static SetValue[] sets(Client c, byte[][] argv, int from, int to) {
    SetValue[] sets = new SetValue[to - from];
    for (int i = from; i < to; i++) sets[i - from] = lookup(c, new Key(argv[i]));
    return sets;
  }

  /**
   * The intersection of the sets at argv[from..to), built from the smallest set, or null
   * if a key is missing. With a limit > 0 it stops once it holds that many members.
   */
  private static SetValue inter(Client c, byte[][] argv, int from, int to, long limit, Node node) {
    SetValue[] sets = sets(c, argv, from, to);
    for (SetValue s : sets) if (s == null) return null;
    SetValue[] sorted = sets.clone();
    Arrays.sort(sorted, Comparator.comparingInt(SetValue::size));
    SetValue r = new SetValue();
    int max = maxIntset(node);
    sorted[0].forEach(m -> {
      if (limit > 0 && r.size() >= limit) return;
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] != sorted[0] && !sorted[i].contains(m)) return;
      }
      r.add(m, max);
    });
    return r;
  }

  private static SetValue unionDiff(Client c, byte[][] argv, int from, boolean diff, Node node) {
    SetValue[] sets = sets(c, argv, from, argv.length);
    SetValue r = new SetValue();
    int max = maxIntset(node);
    if (!diff) {
      for (SetValue s : sets) if (s != null) s.forEach(m -> r.add(m, max));
      return r;
    }
    if (sets[0] == null) return r;
    sets[0].forEach(m -> {
      for (int i = 1; i < sets.length; i++) {
        if (sets[i] != null && sets[i].contains(m)) return;
      }
      r.add(m, max);
    });
    return r;
  }

  /** SRANDMEMBER with a count: distinct members if positive, with repetitions if negative. */
  private static void randomMembers(Client c, SetValue s, long n, Random rnd) {
    ReplyWriter w = c.reply();
    if (n < 0) {
      // Redis would stream billions of members; one reply cannot hold more than this.
      int k = (int) Math.min(-n, Integer.MAX_VALUE - 8);
      w.array(k);
      for (int i = 0; i < k; i++) w.bulk(s.random(rnd));
      return;
    }
    if (n >= s.size()) {
      w.array(s.size());
      s.forEach(w::bulk);
      return;
    }
    int count = (int) n;
    if (count * 3L > s.size()) {
      // Most of the set: copy it and drop random members, cheaper than rejecting repeats.
      SetValue copy = s.copy();
      while (copy.size() > count) copy.remove(copy.random(rnd));
      w.array(count);
      copy.forEach(w::bulk);
      return;
    }
    SetValue picked = new SetValue();
    List<byte[]> out = new ArrayList<>(count);
    while (out.size() < count) {
      byte[] m = s.random(rnd);
      if (picked.add(m, 0)) out.add(m);
    }
    w.array(count);
    for (byte[] m : out) w.bulk(m);
  }
}
