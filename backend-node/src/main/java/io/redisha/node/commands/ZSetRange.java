package io.redisha.node.commands;

import io.redisha.node.Client.CommandError;
import io.redisha.node.types.ZSetValue;
import java.util.Arrays;

/**
 * A score or lex interval as the ZRANGE family parses it, turned into a half-open
 * interval of ranks [from, to) over one sorted set.
 */
final class ZSetRange {

  static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
  static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";

  private ZSetRange() {}

  /** A score bound: the value and whether "(" made it exclusive. */
  record ScoreBound(double value, boolean exclusive) {}

  /** A lex bound: null bytes with minusInf/plusInf for "-" and "+". */
  record LexBound(byte[] bytes, boolean exclusive, boolean minusInf, boolean plusInf) {}

  static ScoreBound score(byte[] b) {
    boolean excl = b.length > 0 && b[0] == '(';
    byte[] num = excl ? Arrays.copyOfRange(b, 1, b.length) : b;
    double v;
    if (num.length == 0) {
      // strtod of "" consumes nothing and returns 0, which Redis then accepts.
      v = 0;
    } else {
      Double d = Args.parseDouble(num);
      if (d == null) throw new CommandError(NOT_FLOAT_RANGE);
      v = d;
    }
    return new ScoreBound(v, excl);
  }

  static LexBound lex(byte[] b) {
    if (b.length == 0) throw new CommandError(NOT_LEX_RANGE);
    switch (b[0]) {
      case '+':
        if (b.length != 1) throw new CommandError(NOT_LEX_RANGE);
        return new LexBound(null, false, false, true);
      case '-':
        if (b.length != 1) throw new CommandError(NOT_LEX_RANGE);
        return new LexBound(null, false, true, false);
      case '(':
        return new LexBound(Arrays.copyOfRange(b, 1, b.length), true, false, false);
      case '[':
        return new LexBound(Arrays.copyOfRange(b, 1, b.length), false, false, false);
      default:
        throw new CommandError(NOT_LEX_RANGE);
    }
  }

  /** Ranks [from, to) of the members scoring within [min, max]. */
  static long[] ranks(ZSetValue z, ScoreBound min, ScoreBound max) {
    long from = z.countBelowScore(min.value(), min.exclusive());
    long to = z.countBelowScore(max.value(), !max.exclusive());
    return new long[] {from, Math.max(from, to)};
  }

  /** Ranks [from, to) of the members within [min, max] by bytes. */
  static long[] ranks(ZSetValue z, LexBound min, LexBound max) {
    long from = below(z, min, min.exclusive());
    long to = below(z, max, !max.exclusive());
    return new long[] {from, Math.max(from, to)};
  }

  private static long below(ZSetValue z, LexBound b, boolean inclusive) {
    if (b.minusInf()) return 0;
    if (b.plusInf()) return z.size();
    return z.countBelowMember(b.bytes(), inclusive);
  }

  /**
   * Z[REV]RANGE's start and stop as ranks [from, to), counted from the top when
   * reversed, clamped as Redis clamps them; null for an empty range.
   */
  static long[] byRank(long start, long end, long len) {
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) return null;
    if (end >= len) end = len - 1;
    return new long[] {start, end + 1};
  }
}
