package io.redisha.resp;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number formats that must match C's printf as redis-server 7.0 uses it. */
public final class Doubles {

  private static final MathContext SIG17 = new MathContext(17, RoundingMode.HALF_EVEN);

  private Doubles() {}

  /** C's {@code %.17g}: 17 significant digits, trailing zeros removed, inf/-inf/nan. */
  public static String format17g(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return (1 / d < 0) ? "-0" : "0";
    BigDecimal bd = new BigDecimal(d).round(SIG17);
    int exp = bd.precision() - bd.scale() - 1; // the decimal exponent of the first digit
    if (exp < -4 || exp >= 17) {
      BigDecimal mant = bd.movePointLeft(exp);
      String m = stripZeros(mant.setScale(16, RoundingMode.HALF_EVEN).toPlainString());
      String e = Integer.toString(Math.abs(exp));
      return m + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    return stripZeros(bd.setScale(Math.max(0, 16 - exp), RoundingMode.HALF_EVEN).toPlainString());
  }

  /**
   * INCRBYFLOAT's and HINCRBYFLOAT's format: long double printed with 17 decimals
   * ("%.17Lf"), then trailing zeros (and a trailing point) removed, applied to a double:
   * values needing more than a double's precision can differ in the last digits. The
   * exact path is {@link #parseLongDouble}, {@link #addLongDouble} and
   * {@link #formatHumanLong(BigDecimal)}, which INCRBYFLOAT uses.
   */
  public static String formatHumanLong(double d) {
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    BigDecimal bd = new BigDecimal(Double.toString(d));
    if (bd.scale() > 17) bd = bd.setScale(17, RoundingMode.HALF_EVEN);
    String s = bd.toPlainString();
    return stripZeros(s);
  }

  /**
   * INCRBYFLOAT's and HINCRBYFLOAT's arithmetic. redis-server parses with strtold, adds
   * and prints in the x87 80-bit long double (64-bit significand), which is why
   * "0.1 + 0.2" gives "0.3" there and not double's "0.30000000000000004". We emulate
   * it exactly with BigDecimals holding only values that format can represent.
   * Returns null when the sum overflows the format (the caller's "increment would
   * produce NaN or Infinity").
   */
  public static BigDecimal addLongDouble(BigDecimal a, BigDecimal b) {
    return roundLongDouble(a.add(b));
  }

  /**
   * Redis's string2ld: no leading space, nothing trailing, decimal or hex as strtold
   * reads them; "inf"/"infinity" give {@link #LD_INFINITY} or {@link #LD_NEG_INFINITY};
   * NaN, overflow, underflow to zero and non-numbers give null.
   */
  public static BigDecimal parseLongDouble(byte[] b) {
    if (b.length == 0 || b.length >= 5 * 1024) return null;
    String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    char c0 = s.charAt(0);
    if (c0 == ' ' || (c0 >= '\t' && c0 <= '\r')) return null;
    int p = 0;
    boolean neg = false;
    if (c0 == '+' || c0 == '-') {
      neg = c0 == '-';
      p = 1;
    }
    String body = s.substring(p).toLowerCase(java.util.Locale.ROOT);
    if (body.equals("inf") || body.equals("infinity")) return neg ? LD_NEG_INFINITY : LD_INFINITY;
    BigDecimal v = body.startsWith("0x") ? parseHex(body.substring(2)) : parseDecimal(body);
    if (v == null || v == UNDERFLOW) return null;
    if (v.signum() == 0) return BigDecimal.ZERO;
    BigDecimal r = roundLongDouble(v);
    if (r == null || r.signum() == 0) return null; // ERANGE
    return neg ? r.negate() : r;
  }

  /** Markers for parsed infinities; any arithmetic with them is an error in Redis. */
  public static final BigDecimal LD_INFINITY = new BigDecimal("1E+99999");
  public static final BigDecimal LD_NEG_INFINITY = new BigDecimal("-1E+99999");
  private static final BigDecimal UNDERFLOW = new BigDecimal("0.0");

  private static BigDecimal parseDecimal(String s) {
    if (s.isEmpty() || s.charAt(0) == '+' || s.charAt(0) == '-') return null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-')) return null;
    }
    try {
      BigDecimal v = new BigDecimal(s);
      if (v.signum() == 0) return BigDecimal.ZERO;
      long exp = (long) v.precision() - v.scale(); // the decimal exponent, roughly
      if (exp > 4940) return null; // beyond 1.19e4932: overflow
      if (exp < -4960) return UNDERFLOW; // below the smallest subnormal
      return v;
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /** strtold's hex form: hex digits, an optional point, an optional binary exponent p[+-]n. */
  private static BigDecimal parseHex(String s) {
    int pi = s.indexOf('p');
    String mant = pi < 0 ? s : s.substring(0, pi);
    long exp = 0;
    if (pi >= 0) {
      String e = s.substring(pi + 1);
      if (e.startsWith("+")) e = e.substring(1);
      if (e.isEmpty() || e.length() > 7 || !e.replaceFirst("^-", "").chars().allMatch(Character::isDigit)) return null;
      exp = Long.parseLong(e);
    }
    int dot = mant.indexOf('.');
    String digits = dot < 0 ? mant : mant.substring(0, dot) + mant.substring(dot + 1);
    if (digits.isEmpty() || (dot >= 0 && mant.indexOf('.', dot + 1) >= 0)) return null;
    for (int i = 0; i < digits.length(); i++) if (Character.digit(digits.charAt(i), 16) < 0) return null;
    if (digits.length() > 1300) return null;
    BigInteger m = new BigInteger(digits, 16);
    if (m.signum() == 0) return BigDecimal.ZERO;
    exp -= 4L * (dot < 0 ? 0 : mant.length() - dot - 1);
    if (exp + m.bitLength() > 16400) return null;
    if (exp + m.bitLength() < -16500) return UNDERFLOW;
    return exp >= 0 ? new BigDecimal(m.shiftLeft((int) exp))
        : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow((int) -exp)), (int) -exp);
  }

  /**
   * The long double nearest to x (ties to even), subnormals included; null past the
   * largest finite value.
   */
  static BigDecimal roundLongDouble(BigDecimal x) {
    if (x.signum() == 0) return BigDecimal.ZERO;
    if (x == LD_INFINITY || x == LD_NEG_INFINITY) return null;
    BigInteger num = x.unscaledValue().abs();
    BigInteger den = BigInteger.ONE;
    if (x.scale() > 0) den = BigInteger.TEN.pow(x.scale());
    else if (x.scale() < 0) num = num.multiply(BigInteger.TEN.pow(-x.scale()));
    int e = num.bitLength() - den.bitLength(); // floor(log2(num/den)) is e or e-1
    if (comparePow2(num, den, e) < 0) e--;
    int q = Math.max(e, -16382) - 63; // the binary exponent of the last significand bit
    BigInteger n2 = q <= 0 ? num.shiftLeft(-q) : num;
    BigInteger d2 = q <= 0 ? den : den.shiftLeft(q);
    BigInteger[] qr = n2.divideAndRemainder(d2);
    BigInteger m = qr[0];
    int half = qr[1].shiftLeft(1).compareTo(d2);
    if (half > 0 || (half == 0 && m.testBit(0))) m = m.add(BigInteger.ONE);
    if (m.bitLength() > 64) {
      m = m.shiftRight(1);
      q++;
    }
    if (q + 63 > 16383) return null;
    if (m.signum() == 0) return BigDecimal.ZERO;
    BigDecimal r = q >= 0 ? new BigDecimal(m.shiftLeft(q))
        : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-q)), -q);
    return x.signum() < 0 ? r.negate() : r;
  }

  /** Compares num/den with 2^e. */
  private static int comparePow2(BigInteger num, BigInteger den, int e) {
    return e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
  }

  /** "%.17Lf" of an exact long double value, trailing zeros and point removed, "-0" as "0". */
  public static String formatHumanLong(BigDecimal exact) {
    String s = stripZeros(exact.setScale(17, RoundingMode.HALF_EVEN).toPlainString());
    return s.equals("-0") ? "0" : s;
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) return s;
    int e = s.length();
    while (s.charAt(e - 1) == '0') e--;
    if (s.charAt(e - 1) == '.') e--;
    String r = s.substring(0, e);
    return r.equals("-0") ? "-0" : r;
  }
}
