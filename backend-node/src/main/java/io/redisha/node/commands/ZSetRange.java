package io.redisha.node.commands;

import io.redisha.node.Client.CommandError;
import io.redisha.node.types.ZSetValue;
import java.util.Arrays;
import java.util.List;

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
    Double v = ZSetNumbers.bound(b, excl ? 1 : 0);
    if (v == null || v.isNaN()) throw new CommandError(NOT_FLOAT_RANGE);
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

  /** Ranks [from, to) of the members within [min, max] by bytes, scanning upwards. */
  static long[] ranks(ZSetValue z, LexBound min, LexBound max) {
    return ranks(z, min, max, false);
  }

  /**
   * Ranks [from, to) of the members within [min, max] by bytes. The lex commands are
   * meant for sets whose scores are all equal; when they are not, Redis's answer depends
   * on how it walks its encoding. For a listpack that is a linear scan from one end
   * (from the tail when reversed), which we reproduce so small sets answer the same.
   */
  static long[] ranks(ZSetValue z, LexBound min, LexBound max, boolean rev) {
    if (z.encoding().equals("listpack")) return scan(z, min, max, rev);
    long from = below(z, min, min.exclusive());
    long to = below(z, max, !max.exclusive());
    return new long[] {from, Math.max(from, to)};
  }

  private static long[] scan(ZSetValue z, LexBound min, LexBound max, boolean rev) {
    List<ZSetValue.Node> all = z.range(0, z.size());
    int n = all.size();
    // Redis first rules out ranges that cannot hold anything, looking at both ends only.
    if (n == 0 || emptyRange(min, max) || !gteMin(all.get(n - 1).bytes(), min) || !lteMax(all.get(0).bytes(), max)) {
      return new long[] {0, 0};
    }
    if (!rev) {
      int i = 0;
      while (i < n && !gteMin(all.get(i).bytes(), min)) i++;
      if (i == n || !lteMax(all.get(i).bytes(), max)) return new long[] {0, 0};
      int j = i + 1;
      while (j < n && lteMax(all.get(j).bytes(), max)) j++;
      return new long[] {i, j};
    }
    int j = n - 1;
    while (j >= 0 && !lteMax(all.get(j).bytes(), max)) j--;
    if (j < 0 || !gteMin(all.get(j).bytes(), min)) return new long[] {0, 0};
    int i = j - 1;
    while (i >= 0 && gteMin(all.get(i).bytes(), min)) i--;
    return new long[] {i + 1, j + 1};
  }

  /** min above max, or equal with an exclusive end; "-" and "+" sort below and above all. */
  private static boolean emptyRange(LexBound min, LexBound max) {
    int c;
    if (min.minusInf() || max.plusInf()) {
      c = (min.minusInf() && max.minusInf()) || (min.plusInf() && max.plusInf()) ? 0 : -1;
    } else if (min.plusInf() || max.minusInf()) {
      c = 1;
    } else {
      c = Arrays.compareUnsigned(min.bytes(), max.bytes());
    }
    return c > 0 || (c == 0 && (min.exclusive() || max.exclusive()));
  }

  private static boolean gteMin(byte[] m, LexBound min) {
    if (min.minusInf()) return true;
    if (min.plusInf()) return false;
    int c = Arrays.compareUnsigned(m, min.bytes());
    return min.exclusive() ? c > 0 : c >= 0;
  }

  private static boolean lteMax(byte[] m, LexBound max) {
    if (max.plusInf()) return true;
    if (max.minusInf()) return false;
    int c = Arrays.compareUnsigned(m, max.bytes());
    return max.exclusive() ? c < 0 : c <= 0;
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
