package io.redisha.node.commands;

import java.nio.charset.StandardCharsets;

/**
 * Scores as redis-server 7.0 reads them, which is C's strtod: decimal or hexadecimal
 * ("0x10", "0x1p3"), "inf" and "infinity" in any case, an optional sign. Two callers
 * differ in what else they accept:
 *
 * <ul>
 *   <li>a score (ZADD, ZINCRBY, WEIGHTS) rejects leading space, NaN, and values that
 *       overflow to infinity or underflow to zero;
 *   <li>a range bound (ZRANGEBYSCORE, ZCOUNT...) is strtod's raw result: leading space
 *       is skipped, and 1e400 simply is infinity.
 * </ul>
 *
 * <p>{@link Args#toDouble} is stricter than both (it refuses hexadecimal), so the
 * sorted-set commands use these.
 */
final class ZSetNumbers {
  private ZSetNumbers() {}

  /** A score, or null where Redis says "value is not a valid float". */
  static Double score(byte[] b) {
    if (b.length == 0 || isSpace(b[0])) return null;
    return parse(b, true);
  }

  /** A range bound's number, or null where Redis says "min or max is not a float". */
  static Double bound(byte[] b, int from) {
    int p = from;
    while (p < b.length && isSpace(b[p])) p++;
    if (p == b.length) {
      // strtod consumed nothing, so the end pointer is at the start: "" and "(" pass as 0.
      return p == from ? 0.0 : null;
    }
    byte[] rest = new byte[b.length - p];
    System.arraycopy(b, p, rest, 0, rest.length);
    return parse(rest, false);
  }

  /**
   * A blocking timeout in seconds as Redis 7.0 reads it (strtold, no leading space),
   * in whole ms rounded up; 0 means forever. Redis converts to a 64-bit integer
   * unchecked, so anything too big for one comes out negative, and says so.
   */
  static long timeoutMs(byte[] b) {
    if (b.length == 0 || isSpace(b[0])) throw new io.redisha.node.Client.CommandError("ERR timeout is not a float or out of range");
    Double secs = parse(b, false);
    if (secs == null) throw new io.redisha.node.Client.CommandError("ERR timeout is not a float or out of range");
    // A long double holds what underflows a double: such a timeout is still positive.
    if (secs == 0 && b[0] != '-' && nonZeroDigit(b)) return 1;
    double ms = Math.ceil(secs * 1000.0);
    if (!(ms > -1) || ms >= 0x1p63) throw new io.redisha.node.Client.CommandError("ERR timeout is negative");
    // Beyond a few decades the wait is forever in practice; spare the timer wheel.
    return ms > 1e12 ? 0 : (long) ms;
  }

  private static boolean nonZeroDigit(byte[] b) {
    for (byte c : b) {
      if (c == 'e' || c == 'E' || c == 'p' || c == 'P') return false;
      if (c >= '1' && c <= '9') return true;
    }
    return false;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
  }

  /** The whole of b as one strtod number; null if strtod would stop early or gives NaN. */
  private static Double parse(byte[] b, boolean rangeErrors) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int p = 0;
    boolean neg = false;
    if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
      neg = s.charAt(p) == '-';
      p++;
    }
    String body = s.substring(p);
    String lower = body.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    boolean hex = lower.startsWith("0x");
    String digits = hex ? lower.substring(2) : lower;
    int i = 0;
    int mantissaDigits = 0;
    boolean nonZero = false;
    while (i < digits.length() && isDigit(digits.charAt(i), hex)) {
      nonZero |= digits.charAt(i) != '0';
      i++;
      mantissaDigits++;
    }
    if (i < digits.length() && digits.charAt(i) == '.') {
      i++;
      while (i < digits.length() && isDigit(digits.charAt(i), hex)) {
        nonZero |= digits.charAt(i) != '0';
        i++;
        mantissaDigits++;
      }
    }
    if (mantissaDigits == 0) return null;
    boolean hasExp = false;
    if (i < digits.length() && digits.charAt(i) == (hex ? 'p' : 'e')) {
      int j = i + 1;
      if (j < digits.length() && (digits.charAt(j) == '+' || digits.charAt(j) == '-')) j++;
      int k = j;
      while (k < digits.length() && Character.isDigit(digits.charAt(k)) && digits.charAt(k) < 128) k++;
      // An exponent marker without digits is not part of the number: strtod stops before it.
      if (k == j) return null;
      i = k;
      hasExp = true;
    }
    if (i != digits.length()) return null;
    double v;
    try {
      v = Double.parseDouble(hex ? "0x" + digits + (hasExp ? "" : "p0") : digits);
    } catch (NumberFormatException e) {
      return null;
    }
    if (rangeErrors && (Double.isInfinite(v) || (v == 0 && nonZero))) return null;
    return neg ? -v : v;
  }

  private static boolean isDigit(char c, boolean hex) {
    return (c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f');
  }
}
