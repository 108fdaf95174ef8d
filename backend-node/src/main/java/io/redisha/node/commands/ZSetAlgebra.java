package io.redisha.node.commands;

import io.redisha.node.Client;
import io.redisha.node.Client.CommandError;
import io.redisha.node.Commands;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.SetValue;
import io.redisha.node.types.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * ZUNION, ZINTER, ZDIFF and their STORE forms. Plain sets are accepted as inputs, each
 * member scoring 1, as in Redis.
 */
final class ZSetAlgebra {
  private ZSetAlgebra() {}

  /** INTERCARD is ZINTERCARD: an intersection that only counts, and takes LIMIT instead of WEIGHTS. */
  private enum Op { UNION, INTER, DIFF, INTERCARD }

  private enum Aggregate { SUM, MIN, MAX }

  /** One input: a sorted set, a set, or nothing (a missing key), and its weight. */
  private static final class Source {
    ZSetValue zset;
    SetValue set;
    double weight = 1;

    int size() {
      return zset != null ? zset.size() : set != null ? set.size() : 0;
    }

    /** The member's score in this input, or null. */
    Double score(Key m) {
      if (zset != null) return zset.score(m);
      if (set != null && set.contains(m.bytes)) return 1.0;
      return null;
    }

    void forEach(java.util.function.BiConsumer<Key, Double> action) {
      if (zset != null) zset.forEachNode(n -> action.accept(n.member, n.score()));
      else if (set != null) set.forEach(m -> action.accept(new Key(m), 1.0));
    }
  }

  static void register(Node node, Commands commands) {
    commands.register("zunion", (c, argv) -> run(node, c, argv, 1, null, Op.UNION));
    commands.register("zinter", (c, argv) -> run(node, c, argv, 1, null, Op.INTER));
    commands.register("zdiff", (c, argv) -> run(node, c, argv, 1, null, Op.DIFF));
    commands.register("zunionstore", (c, argv) -> run(node, c, argv, 2, new Key(argv[1]), Op.UNION));
    commands.register("zinterstore", (c, argv) -> run(node, c, argv, 2, new Key(argv[1]), Op.INTER));
    commands.register("zdiffstore", (c, argv) -> run(node, c, argv, 2, new Key(argv[1]), Op.DIFF));
    commands.register("zintercard", (c, argv) -> run(node, c, argv, 1, null, Op.INTERCARD));
  }

  private static void run(Node node, Client c, byte[][] argv, int numkeysIdx, Key dst, Op op) {
    long setnum = Args.toLong(argv[numkeysIdx]);
    if (setnum < 1) {
      String name = Args.str(argv[0]).toLowerCase(java.util.Locale.ROOT);
      throw new CommandError("ERR at least 1 input key is needed for '" + name + "' command");
    }
    if (setnum > argv.length - (numkeysIdx + 1)) throw new CommandError(Args.SYNTAX);
    int n = (int) setnum;
    Source[] src = new Source[n];
    int j = numkeysIdx + 1;
    for (int i = 0; i < n; i++, j++) {
      Source s = new Source();
      Object v = c.db.get(new Key(argv[j]));
      if (v instanceof ZSetValue z) s.zset = z;
      else if (v instanceof SetValue sv) s.set = sv;
      else if (v != null) throw new CommandError(Args.WRONGTYPE);
      src[i] = s;
    }
    Aggregate agg = Aggregate.SUM;
    boolean withScores = false;
    long limit = 0;
    boolean algebra = op == Op.UNION || op == Op.INTER;
    while (j < argv.length) {
      int remaining = argv.length - j;
      if (op == Op.INTERCARD && remaining >= 2 && Args.is(argv[j], "limit")) {
        Long l = Args.parseLong(argv[j + 1]);
        if (l == null || l < 0) throw new CommandError("ERR LIMIT can't be negative");
        limit = l;
        j += 2;
      } else if (algebra && remaining >= n + 1 && Args.is(argv[j], "weights")) {
        j++;
        for (int i = 0; i < n; i++, j++) {
          Double w = ZSetNumbers.score(argv[j]);
          if (w == null) throw new CommandError("ERR weight value is not a float");
          src[i].weight = w;
        }
      } else if (algebra && remaining >= 2 && Args.is(argv[j], "aggregate")) {
        j++;
        if (Args.is(argv[j], "sum")) agg = Aggregate.SUM;
        else if (Args.is(argv[j], "min")) agg = Aggregate.MIN;
        else if (Args.is(argv[j], "max")) agg = Aggregate.MAX;
        else throw new CommandError(Args.SYNTAX);
        j++;
      } else if (dst == null && op != Op.INTERCARD && Args.is(argv[j], "withscores")) {
        j++;
        withScores = true;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }

    if (op == Op.INTERCARD) {
      c.reply().integer(interCard(src, limit));
      return;
    }
    ZSetValue result = switch (op) {
      case UNION -> union(src, agg);
      case INTER -> inter(src, agg);
      default -> diff(src);
    };

    if (dst == null) {
      ZSetCommands.replyNodes(c, result.range(0, result.size()), withScores);
      return;
    }
    if (result.size() == 0) {
      c.db.delete(dst);
    } else {
      result.decideEncoding(ZSetCommands.maxEntries(node), ZSetCommands.maxValue(node));
      c.db.set(dst, result);
      node.blocking.signalReady(c.db, dst);
    }
    node.dirty++;
    c.reply().integer(result.size());
  }

  /** A weighted score; 0 * inf is NaN, which Redis turns into 0. */
  private static double weighted(double score, double weight) {
    double v = score * weight;
    return Double.isNaN(v) ? 0 : v;
  }

  private static double aggregate(Aggregate agg, double acc, double v) {
    return switch (agg) {
      case SUM -> {
        double s = acc + v;
        // inf + -inf: Redis keeps the sum a number.
        yield Double.isNaN(s) ? 0 : s;
      }
      case MIN -> v < acc ? v : acc;
      case MAX -> v > acc ? v : acc;
    };
  }

  /** The inputs from the smallest to the largest, as Redis orders them before combining. */
  private static Source[] bySize(Source[] src) {
    Source[] sorted = src.clone();
    Arrays.sort(sorted, Comparator.comparingInt(Source::size));
    return sorted;
  }

  private static ZSetValue union(Source[] src, Aggregate agg) {
    ZSetValue r = ZSetValue.skiplist();
    for (Source s : bySize(src)) {
      s.forEach((m, score) -> {
        double v = weighted(score, s.weight);
        Double cur = r.score(m);
        r.put(m, cur == null ? v : aggregate(agg, cur, v));
      });
    }
    return r;
  }

  private static ZSetValue inter(Source[] src, Aggregate agg) {
    ZSetValue r = ZSetValue.skiplist();
    Source[] sorted = bySize(src);
    if (sorted[0].size() == 0) return r;
    List<Key> members = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    sorted[0].forEach((m, score) -> {
      double acc = weighted(score, sorted[0].weight);
      for (int i = 1; i < sorted.length; i++) {
        Double other = sorted[i].score(m);
        if (other == null) return;
        // Only the first input's product is cleaned of NaN; MIN and MAX then ignore a NaN.
        acc = aggregate(agg, acc, other * sorted[i].weight);
      }
      members.add(m);
      scores.add(acc);
    });
    for (int i = 0; i < members.size(); i++) r.put(members.get(i), scores.get(i));
    return r;
  }

  /** How many members all inputs share, counting no further than limit (0: no limit). */
  private static long interCard(Source[] src, long limit) {
    Source[] sorted = bySize(src);
    long[] count = {0};
    sorted[0].forEach((m, score) -> {
      if (limit > 0 && count[0] >= limit) return;
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i].score(m) == null) return;
      }
      count[0]++;
    });
    return count[0];
  }

  private static ZSetValue diff(Source[] src) {
    ZSetValue r = ZSetValue.skiplist();
    src[0].forEach((m, score) -> {
      for (int i = 1; i < src.length; i++) {
        if (src[i].score(m) != null) return;
      }
      r.put(m, score);
    });
    return r;
  }
}
