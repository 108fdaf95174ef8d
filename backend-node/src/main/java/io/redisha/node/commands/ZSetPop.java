package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.ZSetValue;
import io.redisha.resp.ReplyWriter;
import java.util.ArrayList;
import java.util.List;

/** ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX, BZMPOP. */
final class ZSetPop {
  private ZSetPop() {}

  /** How a pop answers: the shapes differ between the commands, not just the protocols. */
  private enum Shape {
    /** ZPOPMIN/ZPOPMAX: flat pairs, nested only under RESP3 when a count was given. */
    ZPOP,
    /** BZPOPMIN/BZPOPMAX: [key, member, score]. */
    BZPOP,
    /** ZMPOP/BZMPOP: [key, [[member, score], ...]] in both protocols. */
    MPOP
  }

  static void register(Node node, Commands commands) {
    commands.register("zpopmin", (c, argv) -> zpop(node, c, argv, false));
    commands.register("zpopmax", (c, argv) -> zpop(node, c, argv, true));
    commands.register("bzpopmin", (c, argv) -> bzpop(node, c, argv, false));
    commands.register("bzpopmax", (c, argv) -> bzpop(node, c, argv, true));
    commands.register("zmpop", (c, argv) -> mpop(node, c, argv, 1, -1));
    commands.register("bzmpop", (c, argv) -> mpop(node, c, argv, 2, timeout(argv[1])));
  }

  static long timeout(byte[] arg) {
    return ZSetNumbers.timeoutMs(arg);
  }

  private static void zpop(Node node, Client c, byte[][] argv, boolean max) {
    if (argv.length > 3) throw new CommandError(Args.SYNTAX);
    long count = 1;
    boolean counted = argv.length == 3;
    if (counted) {
      Long n = Args.parseLong(argv[2]);
      if (n == null || n < 0) throw new CommandError("ERR value is out of range, must be positive");
      count = n;
    }
    Key key = new Key(argv[1]);
    ZSetValue z = ZSetCommands.lookup(c, key);
    if (z == null || count == 0) {
      c.reply().array(0);
      return;
    }
    List<ZSetValue.Node> popped = pop(node, c, key, z, max, count);
    ReplyWriter w = c.reply();
    boolean nested = counted && c.protocol() == 3;
    w.array(nested ? popped.size() : popped.size() * 2);
    for (ZSetValue.Node n : popped) {
      if (nested) w.array(2);
      w.bulk(n.bytes()).doubleValue(n.score());
    }
  }

  /** Removes up to count members from the low (or high) end; deletes the key if emptied. */
  private static List<ZSetValue.Node> pop(Node node, Client c, Key key, ZSetValue z, boolean max, long count) {
    int n = (int) Math.min(count, z.size());
    List<ZSetValue.Node> popped = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ZSetValue.Node x = z.byRank(max ? z.size() - 1 : 0);
      z.remove(x.member);
      popped.add(x);
    }
    ZSetCommands.changed(c, key, z);
    node.dirty += n;
    return popped;
  }

  private static void bzpop(Node node, Client c, byte[][] argv, boolean max) {
    long timeoutMs = timeout(argv[argv.length - 1]);
    List<Key> keys = new ArrayList<>();
    for (int i = 1; i < argv.length - 1; i++) keys.add(new Key(argv[i]));
    popOrBlock(node, c, keys, max, 1, timeoutMs, Shape.BZPOP);
  }

  /** ZMPOP and BZMPOP: numkeys at argv[numkeysIdx], keys, MIN|MAX, [COUNT n]. */
  private static void mpop(Node node, Client c, byte[][] argv, int numkeysIdx, long timeoutMs) {
    Long numkeys = Args.parseLong(argv[numkeysIdx]);
    if (numkeys == null || numkeys < 1) throw new CommandError("ERR numkeys should be greater than 0");
    long whereIdx = numkeysIdx + numkeys + 1;
    if (whereIdx >= argv.length) throw new CommandError(Args.SYNTAX);
    boolean max;
    if (Args.is(argv[(int) whereIdx], "min")) max = false;
    else if (Args.is(argv[(int) whereIdx], "max")) max = true;
    else throw new CommandError(Args.SYNTAX);
    long count = -1;
    for (int j = (int) whereIdx + 1; j < argv.length; j++) {
      boolean more = j < argv.length - 1;
      if (count == -1 && Args.is(argv[j], "count") && more) {
        Long n = Args.parseLong(argv[++j]);
        if (n == null || n < 1) throw new CommandError("ERR count should be greater than 0");
        count = n;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    if (count == -1) count = 1;
    List<Key> keys = new ArrayList<>();
    for (int i = numkeysIdx + 1; i < whereIdx; i++) keys.add(new Key(argv[i]));
    if (timeoutMs < 0) {
      // ZMPOP never blocks: it answers what a blocked BZMPOP would time out with.
      if (!tryPop(node, c, keys, max, count, Shape.MPOP, true)) c.reply().nullArray();
      return;
    }
    popOrBlock(node, c, keys, max, count, timeoutMs, Shape.MPOP);
  }

  private static void popOrBlock(Node node, Client c, List<Key> keys, boolean max, long count, long timeoutMs, Shape shape) {
    if (tryPop(node, c, keys, max, count, shape, true)) return;
    if (c.inExec) {
      c.reply().nullArray();
      return;
    }
    node.blocking.block(c, keys, timeoutMs,
        cl -> tryPop(node, cl, keys, max, count, shape, false),
        () -> c.reply().nullArray());
  }

  /**
   * Pops from the first key, in order, that holds a non-empty sorted set, and replies.
   * When strict, a key of another type met before that is a WRONGTYPE error, as in the
   * command itself; a blocked client retrying just skips it.
   */
  private static boolean tryPop(Node node, Client c, List<Key> keys, boolean max, long count, Shape shape, boolean strict) {
    for (Key key : keys) {
      Object v = c.db.get(key);
      if (v == null) continue;
      if (!(v instanceof ZSetValue z)) {
        if (strict) throw new CommandError(Args.WRONGTYPE);
        continue;
      }
      if (z.size() == 0) continue;
      List<ZSetValue.Node> popped = pop(node, c, key, z, max, count);
      // Replayed as the non-blocking pop of what was taken, as Redis rewrites BZPOP*/[B]ZMPOP.
      String name = max ? "ZPOPMAX" : "ZPOPMIN";
      c.propagateAs(shape == Shape.BZPOP ? io.redisha.node.Propagation.cmd(name, key.bytes)
          : io.redisha.node.Propagation.cmd(name, key.bytes, popped.size()));
      ReplyWriter w = c.reply();
      if (shape == Shape.BZPOP) {
        ZSetValue.Node n = popped.get(0);
        w.array(3).bulk(key.bytes).bulk(n.bytes()).doubleValue(n.score());
      } else {
        w.array(2).bulk(key.bytes).array(popped.size());
        for (ZSetValue.Node n : popped) w.array(2).bulk(n.bytes()).doubleValue(n.score());
      }
      return true;
    }
    return false;
  }
}
