package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.ZSetValue;
import io.redisha.resp.Doubles;
import io.redisha.resp.ReplyWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The sorted-set commands with redis-server 7.0's replies and errors. The ZRANGE
 * family and ZRANDMEMBER live in {@link ZSetQuery} (bounds in {@link ZSetRange}, number
 * parsing in {@link ZSetNumbers}), the set algebra in {@link ZSetAlgebra}, the pops and
 * their blocking forms in {@link ZSetPop}.
 */
public final class ZSetCommands {
  private ZSetCommands() {}

  static final String NAN_SCORE = "ERR resulting score is not a number (NaN)";

  /** The sorted set at key, null if there is none; WRONGTYPE if the key holds something else. */
  static ZSetValue lookup(Client c, Key key) {
    Object v = c.db.get(key);
    if (v == null) return null;
    if (v instanceof ZSetValue z) return z;
    throw new CommandError(Args.WRONGTYPE);
  }

  static int maxEntries(Node node) {
    return node.config.getInt("zset-max-listpack-entries");
  }

  static int maxValue(Node node) {
    return node.config.getInt("zset-max-listpack-value");
  }

  /** After removals: deletes the key if the set became empty, else marks it modified. */
  static void changed(Client c, Key key, ZSetValue z) {
    if (z.size() == 0) c.db.delete(key);
    else c.db.modified(key);
  }

  /** Member-score pairs: nested pairs under RESP3, a flat array under RESP2. */
  static void replyWithScores(Client c, List<ZSetValue.Node> nodes) {
    ReplyWriter w = c.reply();
    boolean nested = c.protocol() == 3;
    w.array(nested ? nodes.size() : nodes.size() * 2);
    for (ZSetValue.Node n : nodes) {
      if (nested) w.array(2);
      w.bulk(n.bytes()).doubleValue(n.score());
    }
  }

  static void replyNodes(Client c, List<ZSetValue.Node> nodes, boolean withScores) {
    if (withScores) {
      replyWithScores(c, nodes);
      return;
    }
    c.reply().array(nodes.size());
    for (ZSetValue.Node n : nodes) c.reply().bulk(n.bytes());
  }

  public static void register(Node node, Commands commands) {
    commands.register("zadd", (c, argv) -> zadd(node, c, argv));

    commands.register("zincrby", (c, argv) -> {
      Key key = new Key(argv[1]);
      double incr = score(argv[2]);
      ZSetValue z = lookup(c, key);
      boolean created = z == null;
      if (created) z = new ZSetValue();
      Key member = new Key(argv[3]);
      Double cur = z.score(member);
      double score = cur == null ? incr : cur + incr;
      if (Double.isNaN(score)) throw new CommandError(NAN_SCORE);
      z.add(member, score, maxEntries(node), maxValue(node));
      if (created) c.db.set(key, z);
      else c.db.modified(key);
      node.dirty++;
      node.blocking.signalReady(c.db, key);
      c.reply().doubleValue(score);
    });

    commands.register("zrem", (c, argv) -> {
      Key key = new Key(argv[1]);
      ZSetValue z = lookup(c, key);
      int removed = 0;
      if (z != null) {
        for (int i = 2; i < argv.length && z.size() > 0; i++) if (z.remove(new Key(argv[i]))) removed++;
        if (removed > 0) changed(c, key, z);
      }
      node.dirty += removed;
      c.reply().integer(removed);
    });

    commands.register("zcard", (c, argv) -> {
      ZSetValue z = lookup(c, new Key(argv[1]));
      c.reply().integer(z == null ? 0 : z.size());
    });

    commands.register("zscore", (c, argv) -> {
      ZSetValue z = lookup(c, new Key(argv[1]));
      Double s = z == null ? null : z.score(new Key(argv[2]));
      if (s == null) c.reply().nullBulk();
      else c.reply().doubleValue(s);
    });

    commands.register("zmscore", (c, argv) -> {
      ZSetValue z = lookup(c, new Key(argv[1]));
      c.reply().array(argv.length - 2);
      for (int i = 2; i < argv.length; i++) {
        Double s = z == null ? null : z.score(new Key(argv[i]));
        if (s == null) c.reply().nullBulk();
        else c.reply().doubleValue(s);
      }
    });

    commands.register("zrank", (c, argv) -> rank(c, argv, false));
    commands.register("zrevrank", (c, argv) -> rank(c, argv, true));

    commands.register("zcount", (c, argv) -> {
      ZSetRange.ScoreBound min = ZSetRange.score(argv[2]);
      ZSetRange.ScoreBound max = ZSetRange.score(argv[3]);
      ZSetValue z = lookup(c, new Key(argv[1]));
      if (z == null) {
        c.reply().integer(0);
        return;
      }
      long[] r = ZSetRange.ranks(z, min, max);
      c.reply().integer(r[1] - r[0]);
    });

    commands.register("zlexcount", (c, argv) -> {
      ZSetRange.LexBound min = ZSetRange.lex(argv[2]);
      ZSetRange.LexBound max = ZSetRange.lex(argv[3]);
      ZSetValue z = lookup(c, new Key(argv[1]));
      if (z == null) {
        c.reply().integer(0);
        return;
      }
      long[] r = ZSetRange.ranks(z, min, max);
      c.reply().integer(r[1] - r[0]);
    });

    commands.register("zrange", (c, argv) -> ZSetQuery.range(node, c, argv, 1, null, null, false));
    commands.register("zrangestore", (c, argv) -> ZSetQuery.range(node, c, argv, 2, null, null, true));
    commands.register("zrevrange", (c, argv) -> ZSetQuery.range(node, c, argv, 1, ZSetQuery.Kind.RANK, true, false));
    commands.register("zrangebyscore", (c, argv) -> ZSetQuery.range(node, c, argv, 1, ZSetQuery.Kind.SCORE, false, false));
    commands.register("zrevrangebyscore", (c, argv) -> ZSetQuery.range(node, c, argv, 1, ZSetQuery.Kind.SCORE, true, false));
    commands.register("zrangebylex", (c, argv) -> ZSetQuery.range(node, c, argv, 1, ZSetQuery.Kind.LEX, false, false));
    commands.register("zrevrangebylex", (c, argv) -> ZSetQuery.range(node, c, argv, 1, ZSetQuery.Kind.LEX, true, false));

    commands.register("zremrangebyrank", (c, argv) -> {
      long start = Args.toLong(argv[2]);
      long end = Args.toLong(argv[3]);
      removeRange(node, c, argv, z -> ZSetRange.byRank(start, end, z.size()));
    });
    commands.register("zremrangebyscore", (c, argv) -> {
      ZSetRange.ScoreBound min = ZSetRange.score(argv[2]);
      ZSetRange.ScoreBound max = ZSetRange.score(argv[3]);
      removeRange(node, c, argv, z -> ZSetRange.ranks(z, min, max));
    });
    commands.register("zremrangebylex", (c, argv) -> {
      ZSetRange.LexBound min = ZSetRange.lex(argv[2]);
      ZSetRange.LexBound max = ZSetRange.lex(argv[3]);
      removeRange(node, c, argv, z -> ZSetRange.ranks(z, min, max));
    });

    commands.register("zrandmember", (c, argv) -> ZSetQuery.randomMember(node, c, argv));

    commands.register("zscan", (c, argv) -> {
      SetScan opts = SetScan.parse(argv);
      ZSetValue z = lookup(c, new Key(argv[1]));
      List<ZSetValue.Node> found = new ArrayList<>();
      long next = z == null ? 0 : z.scan(opts.cursor, opts.count, n -> {
        if (opts.matches(n.bytes())) found.add(n);
      });
      ReplyWriter w = c.reply();
      w.array(2).bulk(Long.toUnsignedString(next));
      w.array(found.size() * 2);
      for (ZSetValue.Node n : found) w.bulk(n.bytes()).bulk(Doubles.format17g(n.score()));
    });

    ZSetAlgebra.register(node, commands);
    ZSetPop.register(node, commands);
  }

  /** A score argument (ZADD, ZINCRBY) as Redis's getDoubleFromObject reads it. */
  static double score(byte[] arg) {
    Double d = ZSetNumbers.score(arg);
    if (d == null) throw new CommandError(Args.NOT_FLOAT);
    return d;
  }

  private static void rank(Client c, byte[][] argv, boolean rev) {
    ZSetValue z = lookup(c, new Key(argv[1]));
    long r = z == null ? -1 : z.rank(new Key(argv[2]));
    if (r < 0) c.reply().nullBulk();
    else c.reply().integer(rev ? z.size() - 1 - r : r);
  }

  private static void removeRange(Node node, Client c, byte[][] argv, java.util.function.Function<ZSetValue, long[]> ranks) {
    Key key = new Key(argv[1]);
    ZSetValue z = lookup(c, key);
    long[] r = z == null ? null : ranks.apply(z);
    if (r == null || r[0] >= r[1]) {
      c.reply().integer(0);
      return;
    }
    List<ZSetValue.Node> doomed = z.range(r[0], r[1]);
    for (ZSetValue.Node n : doomed) z.remove(n.member);
    changed(c, key, z);
    node.dirty += doomed.size();
    c.reply().integer(doomed.size());
  }

  // ---------------------------------------------------------------- ZADD

  private static void zadd(Node node, Client c, byte[][] argv) {
    boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
    int i = 2;
    for (; i < argv.length; i++) {
      byte[] a = argv[i];
      if (Args.is(a, "nx")) nx = true;
      else if (Args.is(a, "xx")) xx = true;
      else if (Args.is(a, "gt")) gt = true;
      else if (Args.is(a, "lt")) lt = true;
      else if (Args.is(a, "ch")) ch = true;
      else if (Args.is(a, "incr")) incr = true;
      else break;
    }
    int elements = argv.length - i;
    if (elements % 2 != 0 || elements == 0) throw new CommandError(Args.SYNTAX);
    elements /= 2;
    if (nx && xx) throw new CommandError("ERR XX and NX options at the same time are not compatible");
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (incr && elements > 1) throw new CommandError("ERR INCR option supports a single increment-element pair");
    double[] scores = new double[elements];
    for (int j = 0; j < elements; j++) scores[j] = score(argv[i + 2 * j]);

    Key key = new Key(argv[1]);
    ZSetValue z = lookup(c, key);
    boolean created = false;
    if (z == null) {
      if (xx) {
        if (incr) c.reply().nullBulk();
        else c.reply().integer(0);
        return;
      }
      z = new ZSetValue();
      created = true;
    }
    int maxEntries = maxEntries(node), maxValue = maxValue(node);
    int added = 0, updated = 0;
    boolean nop = false;
    double result = 0;
    for (int j = 0; j < elements; j++) {
      double score = scores[j];
      byte[] m = argv[i + 2 * j + 1];
      Key member = new Key(m);
      ZSetValue.Node cur = z.get(member);
      if (cur != null) {
        if (nx) {
          nop = true;
          continue;
        }
        double old = cur.score();
        if (incr) {
          score = old + score;
          // INCR takes a single pair, so nothing was applied before this error.
          if (Double.isNaN(score)) throw new CommandError(NAN_SCORE);
        }
        if ((lt && score >= old) || (gt && score <= old)) {
          nop = true;
          continue;
        }
        result = score;
        if (score != old) {
          z.put(member, score);
          updated++;
        }
      } else {
        if (xx) {
          nop = true;
          continue;
        }
        z.add(member, score, maxEntries, maxValue);
        result = score;
        added++;
      }
    }
    if (created) {
      if (z.size() > 0) c.db.set(key, z);
    } else if (added + updated > 0) {
      c.db.modified(key);
    }
    node.dirty += added + updated;
    if (added + updated > 0) node.blocking.signalReady(c.db, key);
    if (incr) {
      if (nop) c.reply().nullBulk();
      else c.reply().doubleValue(result);
    } else {
      c.reply().integer(ch ? added + updated : added);
    }
  }
}
