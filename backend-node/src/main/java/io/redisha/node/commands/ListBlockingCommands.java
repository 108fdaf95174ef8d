package io.redisha.node.commands;

import io.redisha.node.Blocking;
import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.Propagation;
import io.redisha.node.types.ListValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;

/**
 * BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP: each first tries to act at once like
 * its non-blocking twin; only when every key is missing does it block the client (see
 * {@link Blocking}), unless it runs inside EXEC, where it answers as a timeout would.
 *
 * <p>A served client pops from the key that became ready, as redis-server does, and
 * falls back to its keys in order.
 */
final class ListBlockingCommands {

  /** Timeouts above this many milliseconds (about 3000 years) just never fire. */
  private static final long FOREVER_MS = 100_000_000_000_000L;

  private ListBlockingCommands() {}

  static void register(Node node, Commands commands) {
    commands.register("blpop", (c, a) -> bpop(c, a, true));
    commands.register("brpop", (c, a) -> bpop(c, a, false));
    commands.register("blmove", (c, a) -> bmove(c, a, ListCommands.side(a[3]), ListCommands.side(a[4]), a[5]));
    commands.register("brpoplpush", (c, a) -> bmove(c, a, false, true, a[3]));
    commands.register("blmpop", ListBlockingCommands::blmpop);
  }

  /**
   * A blocking timeout in seconds (a float) as milliseconds, 0 for none, with Redis's
   * errors. Redis reads it as a long double (so hex and 1e400 are floats), rounds the
   * milliseconds up and casts them to a 64-bit integer; what overflows the cast comes
   * out negative on x86, hence "is negative" for inf and 1e400.
   */
  static long timeoutMs(byte[] arg) {
    if (arg.length == 1 && arg[0] == '0') return 0;
    HashFloats.LongDouble t = HashFloats.parse(arg);
    if (t == null) throw new CommandError("ERR timeout is not a float or out of range");
    if (t.isInfinite()) throw new CommandError(NEGATIVE);
    BigDecimal ms = HashFloats.round(t.value().multiply(THOUSAND)).value().setScale(0, RoundingMode.CEILING);
    if (ms.signum() < 0 || ms.compareTo(LONG_LIMIT) >= 0) throw new CommandError(NEGATIVE);
    return ms.longValueExact();
  }

  private static final String NEGATIVE = "ERR timeout is negative";
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal LONG_LIMIT = new BigDecimal(BigInteger.ONE.shiftLeft(63));

  private static void block(Client c, List<Key> keys, long timeoutMs, Blocking.Attempt attempt) {
    c.node.blocking.block(c, keys, timeoutMs > FOREVER_MS ? 0 : timeoutMs, attempt, () -> c.reply().nullArray());
  }

  /** The list to serve a blocked client from: the ready key's if it can, else the first non-empty one. */
  private static Key readyKey(Client c, List<Key> keys) {
    Key k = c.node.blocking.servingKey();
    if (k != null && keys.contains(k) && c.db.get(k) instanceof ListValue) return k;
    for (Key key : keys) {
      if (c.db.get(key) instanceof ListValue) return key;
    }
    return null;
  }

  // ---------------------------------------------------------------- BLPOP, BRPOP

  private static void bpop(Client c, byte[][] a, boolean left) {
    long timeout = timeoutMs(a[a.length - 1]);
    Key[] keys = new Key[a.length - 2];
    for (int i = 0; i < keys.length; i++) keys[i] = new Key(a[i + 1]);
    for (Key k : keys) {
      ListValue l = ListCommands.list(c, k);
      if (l != null) {
        popOne(c, k, l, left);
        return;
      }
    }
    if (c.inExec) {
      c.reply().nullArray();
      return;
    }
    List<Key> keyList = Arrays.asList(keys);
    block(c, keyList, timeout, cl -> {
      Key k = readyKey(cl, keyList);
      if (k == null) return false;
      popOne(cl, k, (ListValue) cl.db.get(k), left);
      return true;
    });
  }

  private static void popOne(Client c, Key k, ListValue l, boolean left) {
    c.propagateAs(Propagation.cmd(left ? "LPOP" : "RPOP", k.bytes));
    c.reply().array(2).bulk(k.bytes).bulk(l.pop(left));
    ListCommands.afterPop(c, k, l, 1);
  }

  // ---------------------------------------------------------------- BLMOVE, BRPOPLPUSH

  private static void bmove(Client c, byte[][] a, boolean fromLeft, boolean toLeft, byte[] timeoutArg) {
    long timeout = timeoutMs(timeoutArg);
    Key src = new Key(a[1]);
    Key dst = new Key(a[2]);
    ListValue s = ListCommands.list(c, src);
    if (s != null) {
      c.reply().bulk(ListCommands.move(c, src, s, dst, fromLeft, toLeft));
      c.propagateAs(moved(a));
      return;
    }
    if (c.inExec) {
      c.reply().nullBulk();
      return;
    }
    block(c, List.of(src), timeout, cl -> {
      if (!(cl.db.get(src) instanceof ListValue l)) return false;
      try {
        cl.reply().bulk(ListCommands.move(cl, src, l, dst, fromLeft, toLeft));
        cl.propagateAs(moved(a));
      } catch (CommandError e) {
        // The destination changed type while we waited: the client gets the error.
        cl.error(e.getMessage());
      }
      return true;
    });
  }

  /** What a served BLMOVE or BRPOPLPUSH replays as: its non-blocking twin. */
  private static byte[][] moved(byte[][] a) {
    return a.length == 4 ? Propagation.cmd("RPOPLPUSH", a[1], a[2]) : Propagation.cmd("LMOVE", a[1], a[2], a[3], a[4]);
  }

  // ---------------------------------------------------------------- BLMPOP

  private static void blmpop(Client c, byte[][] a) {
    long timeout = timeoutMs(a[1]);
    ListCommands.MultiPop m = ListCommands.parseMultiPop(a, 2);
    if (ListCommands.tryMultiPop(c, m)) return;
    if (c.inExec) {
      c.reply().nullArray();
      return;
    }
    List<Key> keyList = Arrays.asList(m.keys());
    block(c, keyList, timeout, cl -> {
      Key k = readyKey(cl, keyList);
      if (k == null) return false;
      ListCommands.replyMultiPop(cl, k, (ListValue) cl.db.get(k), m);
      return true;
    });
  }
}
