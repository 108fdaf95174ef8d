package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.ListValue;
import io.redisha.resp.ReplyWriter;
import java.util.Arrays;

/**
 * The list commands. Each checks its arguments in redis-server's order (some parse
 * numbers before looking the key up, some after), since that order decides which
 * error a bad call gets. Blocking variants are in {@link ListBlockingCommands}.
 *
 * <p>Every push signals the key ready, so that clients blocked on it are served once
 * the pushing command returns; a list that a pop empties is deleted.
 */
public final class ListCommands {

  static final String OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive";

  private ListCommands() {}

  public static void register(Node node, Commands commands) {
    commands.register("lpush", (c, a) -> push(c, a, true, false));
    commands.register("rpush", (c, a) -> push(c, a, false, false));
    commands.register("lpushx", (c, a) -> push(c, a, true, true));
    commands.register("rpushx", (c, a) -> push(c, a, false, true));
    commands.register("lpop", (c, a) -> pop(c, a, true));
    commands.register("rpop", (c, a) -> pop(c, a, false));
    commands.register("llen", ListCommands::llen);
    commands.register("lindex", ListCommands::lindex);
    commands.register("lset", ListCommands::lset);
    commands.register("lrange", ListCommands::lrange);
    commands.register("ltrim", ListCommands::ltrim);
    commands.register("lrem", ListCommands::lrem);
    commands.register("linsert", ListCommands::linsert);
    commands.register("lpos", ListCommands::lpos);
    commands.register("lmove", (c, a) -> lmove(c, a[1], a[2], side(a[3]), side(a[4])));
    commands.register("rpoplpush", (c, a) -> lmove(c, a[1], a[2], false, true));
    commands.register("lmpop", (c, a) -> lmpop(c, a));
    ListBlockingCommands.register(node, commands);
  }

  // ---------------------------------------------------------------- helpers

  /** The list at key, null if there is none; WRONGTYPE if it holds something else. */
  static ListValue list(Client c, Key key) {
    Object v = c.db.get(key);
    if (v == null) return null;
    if (v instanceof ListValue l) return l;
    throw new CommandError(Args.WRONGTYPE);
  }

  /** LEFT is true, RIGHT false; anything else is a syntax error. */
  static boolean side(byte[] arg) {
    if (is(arg, "left")) return true;
    if (is(arg, "right")) return false;
    throw new CommandError(Args.SYNTAX);
  }

  /** After a pop: a list left empty is deleted, else the change is signalled. */
  static void afterPop(Client c, Key key, ListValue l, int popped) {
    if (popped == 0) return; // LPOP key 0 changes nothing, so it must not break a WATCH
    c.node.dirty += popped;
    if (l.isEmpty()) c.db.delete(key);
    else c.db.modified(key);
  }

  /** Pushes onto the list at key, creating it if needed; the caller checked its type. */
  static void pushOne(Client c, Key key, ListValue l, byte[] v, boolean first) {
    if (l == null) {
      l = new ListValue();
      l.push(v, first);
      c.db.add(key, l);
    } else {
      l.push(v, first);
      c.db.modified(key);
    }
    c.node.dirty++;
    c.node.blocking.signalReady(c.db, key);
  }

  /** Replies count elements popped from one end as an array. */
  static void popAndReply(Client c, Key key, ListValue l, boolean first, long count) {
    int n = (int) Math.min(count, l.size());
    ReplyWriter r = c.reply();
    r.array(n);
    for (int i = 0; i < n; i++) r.bulk(l.pop(first));
    afterPop(c, key, l, n);
  }

  // ---------------------------------------------------------------- push and pop

  private static void push(Client c, byte[][] a, boolean first, boolean onlyIfExists) {
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) {
      if (onlyIfExists) {
        c.reply().integer(0);
        return;
      }
      l = new ListValue();
      for (int i = 2; i < a.length; i++) l.push(a[i], first);
      c.db.add(key, l);
    } else {
      for (int i = 2; i < a.length; i++) l.push(a[i], first);
      c.db.modified(key);
    }
    c.node.dirty += a.length - 2;
    c.node.blocking.signalReady(c.db, key);
    c.reply().integer(l.size());
  }

  private static void pop(Client c, byte[][] a, boolean first) {
    if (a.length > 3) throw new CommandError("ERR wrong number of arguments for '" + (first ? "lpop" : "rpop") + "' command");
    long count = -1;
    if (a.length == 3) {
      Long n = Args.parseLong(a[2]);
      if (n == null || n < 0) throw new CommandError(OUT_OF_RANGE_POSITIVE);
      count = n;
    }
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) {
      // With a count the reply is an array, so its absence is a null array.
      if (count >= 0) c.reply().nullArray();
      else c.reply().nullBulk();
      return;
    }
    if (count < 0) {
      c.reply().bulk(l.pop(first));
      afterPop(c, key, l, 1);
      return;
    }
    popAndReply(c, key, l, first, count);
  }

  private static void llen(Client c, byte[][] a) {
    ListValue l = list(c, new Key(a[1]));
    c.reply().integer(l == null ? 0 : l.size());
  }

  // ---------------------------------------------------------------- by index

  private static void lindex(Client c, byte[][] a) {
    ListValue l = list(c, new Key(a[1]));
    if (l == null) {
      c.reply().nullBulk();
      return;
    }
    long i = Args.toLong(a[2]);
    if (i < 0) i += l.size();
    c.reply().bulk(i < 0 || i >= l.size() ? null : l.get((int) i));
  }

  private static void lset(Client c, byte[][] a) {
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) throw new CommandError("ERR no such key");
    long i = Args.toLong(a[2]);
    if (i < 0) i += l.size();
    if (i < 0 || i >= l.size()) throw new CommandError("ERR index out of range");
    l.set((int) i, a[3]);
    c.db.modified(key);
    c.node.dirty++;
    c.reply().ok();
  }

  private static void lrange(Client c, byte[][] a) {
    long start = Args.toLong(a[2]);
    long end = Args.toLong(a[3]);
    ListValue l = list(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    if (l == null) {
      r.array(0);
      return;
    }
    long len = l.size();
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
      r.array(0);
      return;
    }
    if (end >= len) end = len - 1;
    r.array((int) (end - start + 1));
    for (int i = (int) start; i <= end; i++) r.bulk(l.get(i));
  }

  private static void ltrim(Client c, byte[][] a) {
    long start = Args.toLong(a[2]);
    long end = Args.toLong(a[3]);
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) {
      c.reply().ok();
      return;
    }
    long len = l.size();
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    long removed;
    if (start > end || start >= len) {
      removed = len;
      l.clear();
    } else {
      if (end >= len) end = len - 1;
      removed = len - (end - start + 1);
      l.retain((int) start, (int) end);
    }
    c.node.dirty += removed;
    if (l.isEmpty()) c.db.delete(key);
    else c.db.modified(key);
    c.reply().ok();
  }

  private static void lrem(Client c, byte[][] a) {
    long toRemove = Args.toLong(a[2]);
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) {
      c.reply().integer(0);
      return;
    }
    boolean fromTail = toRemove < 0;
    if (fromTail) toRemove = -toRemove; // Long.MIN_VALUE stays negative and so never stops the loop: all go
    byte[] target = a[3];
    int n = l.size();
    boolean[] marked = null;
    long removed = 0;
    for (int k = 0; k < n; k++) {
      int i = fromTail ? n - 1 - k : k;
      if (Arrays.equals(l.get(i), target)) {
        if (marked == null) marked = new boolean[n];
        marked[i] = true;
        removed++;
        if (toRemove != 0 && removed == toRemove) break;
      }
    }
    if (removed > 0) {
      l.removeMarked(marked);
      c.node.dirty += removed;
      if (l.isEmpty()) c.db.delete(key);
      else c.db.modified(key);
    }
    c.reply().integer(removed);
  }

  private static void linsert(Client c, byte[][] a) {
    boolean after;
    if (is(a[2], "after")) after = true;
    else if (is(a[2], "before")) after = false;
    else throw new CommandError(Args.SYNTAX);
    Key key = new Key(a[1]);
    ListValue l = list(c, key);
    if (l == null) {
      c.reply().integer(0);
      return;
    }
    int n = l.size();
    for (int i = 0; i < n; i++) {
      if (Arrays.equals(l.get(i), a[3])) {
        l.insert(after ? i + 1 : i, a[4]);
        c.db.modified(key);
        c.node.dirty++;
        c.reply().integer(l.size());
        return;
      }
    }
    c.reply().integer(-1);
  }

  private static void lpos(Client c, byte[][] a) {
    long rank = 1;
    long count = -1; // not given: reply one index, not an array
    long maxlen = 0;
    for (int j = 3; j < a.length; j++) {
      boolean more = j + 1 < a.length;
      if (is(a[j], "rank") && more) {
        rank = Args.toLong(a[++j]);
        if (rank == 0) {
          throw new CommandError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
              + "... or use negative to start from the end of the list");
        }
      } else if (is(a[j], "count") && more) {
        Long n = Args.parseLong(a[++j]);
        if (n == null || n < 0) throw new CommandError("ERR COUNT can't be negative");
        count = n;
      } else if (is(a[j], "maxlen") && more) {
        Long n = Args.parseLong(a[++j]);
        if (n == null || n < 0) throw new CommandError("ERR MAXLEN can't be negative");
        maxlen = n;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    ListValue l = list(c, new Key(a[1]));
    ReplyWriter r = c.reply();
    if (l == null) {
      if (count >= 0) r.array(0);
      else r.nullBulk();
      return;
    }
    boolean fromTail = rank < 0;
    if (fromTail) rank = -rank; // as in Redis, Long.MIN_VALUE stays negative and matches the first hit
    long want = count < 0 ? 1 : count;
    int n = l.size();
    long[] found = new long[(int) Math.min(want == 0 ? 16 : want, 16)];
    int nfound = 0;
    long matches = 0;
    byte[] target = a[2];
    for (int k = 0; k < n && (maxlen == 0 || k < maxlen); k++) {
      int i = fromTail ? n - 1 - k : k;
      if (Arrays.equals(l.get(i), target) && ++matches >= rank) {
        if (nfound == found.length) found = Arrays.copyOf(found, found.length * 2);
        found[nfound++] = i;
        if (want != 0 && nfound >= want) break;
      }
    }
    if (count < 0) {
      if (nfound == 0) r.nullBulk();
      else r.integer(found[0]);
      return;
    }
    r.array(nfound);
    for (int k = 0; k < nfound; k++) r.integer(found[k]);
  }

  // ---------------------------------------------------------------- moves

  private static void lmove(Client c, byte[] srcName, byte[] dstName, boolean fromLeft, boolean toLeft) {
    Key src = new Key(srcName);
    ListValue s = list(c, src);
    if (s == null) {
      c.reply().nullBulk();
      return;
    }
    c.reply().bulk(move(c, src, s, new Key(dstName), fromLeft, toLeft));
  }

  /**
   * Moves one element from the non-empty list s at src to dst and returns it; throws
   * WRONGTYPE, before changing anything, when dst holds another type.
   */
  static byte[] move(Client c, Key src, ListValue s, Key dst, boolean fromLeft, boolean toLeft) {
    ListValue d = list(c, dst);
    byte[] v = s.pop(fromLeft);
    // Pushing first keeps a one-element rotation (src == dst) from deleting the key.
    pushOne(c, dst, d, v, toLeft);
    if (s.isEmpty()) c.db.delete(src);
    else if (!src.equals(dst)) c.db.modified(src);
    return v;
  }

  // ---------------------------------------------------------------- LMPOP

  /** LMPOP's and BLMPOP's arguments from numkeys on. */
  record MultiPop(Key[] keys, boolean left, long count) {}

  static MultiPop parseMultiPop(byte[][] a, int numkeysAt) {
    Long numkeys = Args.parseLong(a[numkeysAt]);
    if (numkeys == null || numkeys <= 0) throw new CommandError("ERR numkeys should be greater than 0");
    int firstKey = numkeysAt + 1;
    if (numkeys > a.length - firstKey - 1) throw new CommandError(Args.SYNTAX);
    Key[] keys = new Key[(int) (long) numkeys];
    for (int i = 0; i < keys.length; i++) keys[i] = new Key(a[firstKey + i]);
    int j = firstKey + keys.length;
    boolean left = side(a[j++]);
    long count = -1;
    for (; j < a.length; j++) {
      if (is(a[j], "count") && j + 1 < a.length && count < 0) {
        Long n = Args.parseLong(a[++j]);
        if (n == null || n <= 0) throw new CommandError("ERR count should be greater than 0");
        count = n;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    return new MultiPop(keys, left, count < 0 ? 1 : count);
  }

  /** Pops from the first non-empty list of the request; false if there is none. */
  static boolean tryMultiPop(Client c, MultiPop m) {
    for (Key k : m.keys()) {
      ListValue l = list(c, k);
      if (l != null) {
        replyMultiPop(c, k, l, m);
        return true;
      }
    }
    return false;
  }

  static void replyMultiPop(Client c, Key k, ListValue l, MultiPop m) {
    // Replayed as LPOP/RPOP with the count that was actually taken, as Redis rewrites [B]LMPOP.
    long n = Math.min(m.count() < 0 ? 1 : m.count(), l.size());
    c.propagateAs(io.redisha.node.Propagation.cmd(m.left() ? "LPOP" : "RPOP", k.bytes, n));
    c.reply().array(2).bulk(k.bytes);
    popAndReply(c, k, l, m.left(), m.count());
  }

  private static void lmpop(Client c, byte[][] a) {
    MultiPop m = parseMultiPop(a, 1);
    if (!tryMultiPop(c, m)) c.reply().nullArray();
  }
}
