package io.redisha.node.commands;

import io.redisha.node.Client.CommandError;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Argument parsing with redis-server's error texts. */
public final class Args {

  public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
  public static final String NOT_FLOAT = "ERR value is not a valid float";
  public static final String SYNTAX = "ERR syntax error";
  public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

  private Args() {}

  /** Parses a 64-bit integer exactly as Redis's string2ll, or throws NOT_INTEGER. */
  public static long toLong(byte[] b) {
    Long v = parseLong(b);
    if (v == null) throw new CommandError(NOT_INTEGER);
    return v;
  }

  /** Redis's string2ll: no spaces, no '+', no leading zeros, fits in 64 bits; else null. */
  public static Long parseLong(byte[] b) {
    int n = b.length;
    if (n == 0 || n > 20) return null;
    if (n == 1 && b[0] == '0') return 0L;
    int p = 0;
    boolean neg = false;
    if (b[0] == '-') {
      neg = true;
      p = 1;
      if (n == 1) return null;
    }
    if (b[p] < '1' || b[p] > '9') return null;
    long v = 0;
    for (; p < n; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) return null;
      if (v > (Long.MAX_VALUE - d) / 10 + (neg ? 1 : 0)) {
        // Possible overflow: let Long.parseLong decide the edge.
        try {
          return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          return null;
        }
      }
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  /** Parses a double as Redis's getDoubleFromObject (strtod, no NaN), or throws NOT_FLOAT. */
  public static double toDouble(byte[] b) {
    Double d = parseDouble(b);
    if (d == null) throw new CommandError(NOT_FLOAT);
    return d;
  }

  public static Double parseDouble(byte[] b) {
    if (b.length == 0 || b.length > 5000) return null;
    String s = new String(b, StandardCharsets.US_ASCII);
    if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) return null;
    String l = s.toLowerCase(Locale.ROOT);
    switch (l) {
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (l.contains("nan") || l.endsWith("d") || l.endsWith("f") || l.startsWith("0x") || l.startsWith("-0x")) return null;
    try {
      double d = Double.parseDouble(s);
      return Double.isNaN(d) ? null : d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static boolean is(byte[] arg, String lowerName) {
    if (arg.length != lowerName.length()) return false;
    for (int i = 0; i < arg.length; i++) {
      int c = arg[i];
      if (c >= 'A' && c <= 'Z') c += 32;
      if (c != lowerName.charAt(i)) return false;
    }
    return true;
  }

  public static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] bytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
