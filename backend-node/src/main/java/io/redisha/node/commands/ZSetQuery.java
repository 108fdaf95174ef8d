package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.ZSetValue;
import io.redisha.resp.ReplyWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** ZRANGE in all its forms (and ZRANGESTORE), and ZRANDMEMBER. */
final class ZSetQuery {
  private ZSetQuery() {}

  enum Kind { RANK, SCORE, LEX }

  /**
   * Redis 7.0's one generic range command. The legacy forms (ZRANGEBYSCORE, ZREVRANGE...)
   * arrive with their kind and direction fixed, which is why repeating them as options
   * is a syntax error there; ZRANGE and ZRANGESTORE pass null for both.
   */
  static void range(Node node, Client c, byte[][] argv, int keyIdx, Kind kind, Boolean rev, boolean store) {
    boolean withScores = false;
    long offset = 0, limit = -1;
    boolean limitGiven = false;
    for (int j = keyIdx + 3; j < argv.length; j++) {
      int left = argv.length - j - 1;
      byte[] a = argv[j];
      if (!store && Args.is(a, "withscores")) {
        withScores = true;
      } else if (Args.is(a, "limit") && left >= 2) {
        offset = Args.toLong(argv[j + 1]);
        limit = Args.toLong(argv[j + 2]);
        limitGiven = true;
        j += 2;
      } else if (rev == null && Args.is(a, "rev")) {
        rev = true;
      } else if (kind == null && Args.is(a, "bylex")) {
        kind = Kind.LEX;
      } else if (kind == null && Args.is(a, "byscore")) {
        kind = Kind.SCORE;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    if (rev == null) rev = false;
    if (kind == null) kind = Kind.RANK;
    // Redis checks "limit != -1", so an explicit LIMIT 0 -1 passes with a rank range.
    if (limitGiven && limit != -1 && kind == Kind.RANK) {
      throw new CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if (withScores && kind == Kind.LEX) {
      throw new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    byte[] minArg = argv[keyIdx + 1], maxArg = argv[keyIdx + 2];
    if (rev && kind != Kind.RANK) {
      byte[] t = minArg;
      minArg = maxArg;
      maxArg = t;
    }
    long start = 0, end = 0;
    ZSetRange.ScoreBound smin = null, smax = null;
    ZSetRange.LexBound lmin = null, lmax = null;
    switch (kind) {
      case RANK -> {
        start = Args.toLong(minArg);
        end = Args.toLong(maxArg);
      }
      case SCORE -> {
        try {
          smin = ZSetRange.score(minArg);
          smax = ZSetRange.score(maxArg);
        } catch (CommandError e) {
          throw new CommandError(ZSetRange.NOT_FLOAT_RANGE);
        }
      }
      case LEX -> {
        lmin = ZSetRange.lex(minArg);
        lmax = ZSetRange.lex(maxArg);
      }
    }

    Key key = new Key(argv[keyIdx]);
    ZSetValue z = ZSetCommands.lookup(c, key);
    List<ZSetValue.Node> nodes;
    if (z == null) {
      nodes = List.of();
    } else if (kind == Kind.RANK) {
      long len = z.size();
      long[] r = ZSetRange.byRank(start, end, len);
      if (r == null) {
        nodes = List.of();
      } else if (!rev) {
        nodes = z.range(r[0], r[1]);
      } else {
        nodes = z.range(len - r[1], len - r[0]);
        Collections.reverse(nodes);
      }
    } else {
      long[] r = kind == Kind.SCORE ? ZSetRange.ranks(z, smin, smax) : ZSetRange.ranks(z, lmin, lmax, rev);
      nodes = window(z, r[0], r[1], offset, limit, rev);
    }

    if (store) {
      store(node, c, new Key(argv[1]), nodes);
    } else {
      ZSetCommands.replyNodes(c, nodes, withScores);
    }
  }

  /**
   * LIMIT over the ranks [from, to): a negative offset gives nothing and a negative
   * count means all, as Redis's countdown loops make them.
   */
  private static List<ZSetValue.Node> window(ZSetValue z, long from, long to, long offset, long limit, boolean rev) {
    if (offset < 0 || from >= to) return new ArrayList<>();
    long n = to - from - offset;
    if (n <= 0) return new ArrayList<>();
    if (limit >= 0) n = Math.min(n, limit);
    if (!rev) return z.range(from + offset, from + offset + n);
    List<ZSetValue.Node> nodes = z.range(to - offset - n, to - offset);
    Collections.reverse(nodes);
    return nodes;
  }

  private static void store(Node node, Client c, Key dst, List<ZSetValue.Node> nodes) {
    if (nodes.isEmpty()) {
      c.db.delete(dst);
    } else {
      ZSetValue out = ZSetValue.skiplist();
      for (ZSetValue.Node n : nodes) out.put(n.member, n.score());
      out.decideEncoding(ZSetCommands.maxEntries(node), ZSetCommands.maxValue(node));
      c.db.set(dst, out);
      node.blocking.signalReady(c.db, dst);
    }
    node.dirty++;
    c.reply().integer(nodes.size());
  }

  static void randomMember(Node node, Client c, byte[][] argv) {
    Key key = new Key(argv[1]);
    if (argv.length == 2) {
      ZSetValue z = ZSetCommands.lookup(c, key);
      if (z == null) c.reply().nullBulk();
      else c.reply().bulk(z.random(node.random).bytes());
      return;
    }
    long l = Args.toLong(argv[2]);
    if (l == Long.MIN_VALUE) {
      throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    boolean withScores = false;
    if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withscores"))) {
      throw new CommandError(Args.SYNTAX);
    } else if (argv.length == 4) {
      withScores = true;
      if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) throw new CommandError("ERR value is out of range");
    }
    ZSetValue z = ZSetCommands.lookup(c, key);
    if (z == null || l == 0) {
      c.reply().array(0);
      return;
    }
    Random rnd = node.random;
    List<ZSetValue.Node> out;
    if (l < 0) {
      long k = Math.min(-l, Integer.MAX_VALUE / 2);
      out = new ArrayList<>((int) Math.min(k, 1 << 16));
      for (long i = 0; i < k; i++) out.add(z.random(rnd));
    } else if (l >= z.size()) {
      // The whole set, which Redis 7.0 sends from the highest score down.
      out = z.range(0, z.size());
      Collections.reverse(out);
    } else {
      int count = (int) l;
      java.util.HashSet<Key> picked = new java.util.HashSet<>();
      out = new ArrayList<>(count);
      while (out.size() < count) {
        ZSetValue.Node n = z.random(rnd);
        if (picked.add(n.member)) out.add(n);
      }
    }
    if (withScores) {
      ZSetCommands.replyWithScores(c, out);
    } else {
      ReplyWriter w = c.reply();
      w.array(out.size());
      for (ZSetValue.Node n : out) w.bulk(n.bytes());
    }
  }
}
