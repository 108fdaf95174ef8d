package io.redisha.node.commands;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * HINCRBYFLOAT's arithmetic. redis-server does it in the x86 80-bit long double (a
 * 64-bit significand) and prints the sum with "%.17Lf" minus trailing zeros, so that
 * 0.1 + 0.2 gives "0.3" where a Java double would give 0.30000000000000004, and
 * 1e308 + 1e308 is still finite. We emulate that type exactly: BigDecimal values
 * rounded to a 64-bit binary significand after parsing and after adding.
 *
 * <p>Blocking timeouts are long doubles in Redis too, so the list commands parse them here.
 */
final class HashFloats {

  /** A long double: a finite exact value, or an infinity when inf is +1 or -1. */
  record LongDouble(BigDecimal value, int inf) {
    boolean isInfinite() {
      return inf != 0;
    }
  }

  static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);

  private static final int SIGNIFICAND_BITS = 64;
  /** Exponent (of the significand's last bit) of the smallest denormal: 2^-16445. */
  private static final int MIN_EXP = -16382 - (SIGNIFICAND_BITS - 1);
  /** Values at or above 2^16384 overflow. */
  private static final int MAX_BIT_LENGTH = 16384;
  /** Redis refuses longer inputs (MAX_LONG_DOUBLE_CHARS). */
  private static final int MAX_CHARS = 5 * 1024;

  private HashFloats() {}

  /**
   * Parses as strtold with Redis's checks (no surrounding spaces, all input used, no
   * NaN, no overflow or underflow to zero); null if invalid.
   */
  static LongDouble parse(byte[] b) {
    if (b.length == 0 || b.length >= MAX_CHARS) return null;
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int p = 0;
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      p = 1;
    }
    String body = s.substring(p).toLowerCase(java.util.Locale.ROOT);
    if (body.equals("inf") || body.equals("infinity")) return new LongDouble(BigDecimal.ZERO, neg ? -1 : 1);
    BigDecimal v;
    if (body.startsWith("0x")) {
      v = parseHex(body.substring(2));
    } else {
      // BigDecimal takes what strtold takes, once letters other than an exponent are ruled out.
      if (body.isEmpty() || !Character.isDigit(body.charAt(0)) && body.charAt(0) != '.') return null;
      for (int i = 0; i < body.length(); i++) {
        char ch = body.charAt(i);
        if (!(ch >= '0' && ch <= '9' || ch == '.' || ch == 'e' || ch == '+' || ch == '-')) return null;
      }
      try {
        v = new BigDecimal(body);
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }
    if (v == null) return null;
    if (neg) v = v.negate();
    LongDouble r = round(v);
    if (r.isInfinite()) return null; // ERANGE overflow
    if (r.value().signum() == 0 && v.signum() != 0) return null; // ERANGE underflow to zero
    return r;
  }

  /** Hex digits with an optional fraction and binary exponent ("1.8p3"), as strtold reads them. */
  private static BigDecimal parseHex(String s) {
    int pIdx = s.indexOf('p');
    String mant = pIdx < 0 ? s : s.substring(0, pIdx);
    long exp = 0;
    if (pIdx >= 0) {
      String e = s.substring(pIdx + 1);
      if (e.isEmpty() || e.length() > 9) return null;
      try {
        exp = Long.parseLong(e.startsWith("+") ? e.substring(1) : e);
      } catch (NumberFormatException x) {
        return null;
      }
    }
    int dot = mant.indexOf('.');
    String digits = dot < 0 ? mant : mant.substring(0, dot) + mant.substring(dot + 1);
    if (digits.isEmpty() || mant.indexOf('.', dot + 1) > 0) return null;
    BigInteger m;
    try {
      m = new BigInteger(digits, 16);
    } catch (NumberFormatException x) {
      return null;
    }
    if (digits.charAt(0) == '-' || digits.charAt(0) == '+') return null;
    long shift = exp - (dot < 0 ? 0 : 4L * (mant.length() - dot - 1));
    if (Math.abs(shift) > 40000) return null;
    return shift >= 0 ? new BigDecimal(m.shiftLeft((int) shift)) : times2(m, (int) shift);
  }

  static LongDouble add(LongDouble a, LongDouble b) {
    if (a.isInfinite() || b.isInfinite()) {
      int inf = a.isInfinite() ? a.inf() : b.inf();
      if (a.isInfinite() && b.isInfinite() && a.inf() != b.inf()) return null; // NaN
      return new LongDouble(BigDecimal.ZERO, inf);
    }
    return round(a.value().add(b.value()));
  }

  /** Rounds an exact value to the nearest long double (ties to even). */
  static LongDouble round(BigDecimal x) {
    if (x.signum() == 0) return new LongDouble(BigDecimal.ZERO, 0);
    BigInteger num = x.unscaledValue().abs();
    BigInteger den = BigInteger.ONE;
    if (x.scale() > 0) den = BigInteger.TEN.pow(x.scale());
    else num = num.multiply(BigInteger.TEN.pow(-x.scale()));
    // Find e so that num / den / 2^e has exactly SIGNIFICAND_BITS integer bits.
    int e = num.bitLength() - den.bitLength() - SIGNIFICAND_BITS;
    BigInteger[] qr;
    while (true) {
      if (e < MIN_EXP) e = MIN_EXP;
      qr = divide(num, den, e);
      int bits = qr[0].bitLength();
      if (bits > SIGNIFICAND_BITS) {
        e++;
      } else if (bits < SIGNIFICAND_BITS && e > MIN_EXP) {
        e--;
      } else {
        break;
      }
    }
    BigInteger m = qr[0];
    // Round half to even on the remainder: compare 2*rem with the divisor.
    BigInteger divisor = e >= 0 ? den.shiftLeft(e) : den;
    int cmp = qr[1].shiftLeft(1).compareTo(divisor);
    if (cmp > 0 || cmp == 0 && m.testBit(0)) m = m.add(BigInteger.ONE);
    if (m.signum() == 0) return new LongDouble(BigDecimal.ZERO, 0);
    if (m.bitLength() + e > MAX_BIT_LENGTH) return new LongDouble(BigDecimal.ZERO, x.signum());
    BigDecimal v = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : times2(m, e);
    return new LongDouble(x.signum() < 0 ? v.negate() : v, 0);
  }

  /** floor(num / den / 2^e) and the remainder, over the divisor used. */
  private static BigInteger[] divide(BigInteger num, BigInteger den, int e) {
    return e >= 0 ? num.divideAndRemainder(den.shiftLeft(e)) : num.shiftLeft(-e).divideAndRemainder(den);
  }

  /** m * 2^e for e < 0, exactly: m * 5^-e / 10^-e. */
  private static BigDecimal times2(BigInteger m, int e) {
    return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
  }

  /** "%.17Lf" with trailing zeros (and a bare point) removed, "-0" as "0": Redis's human format. */
  static String format(LongDouble d) {
    String s = d.value().setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    if (s.indexOf('.') >= 0) {
      int end = s.length();
      while (s.charAt(end - 1) == '0') end--;
      if (s.charAt(end - 1) == '.') end--;
      s = s.substring(0, end);
    }
    return s.equals("-0") ? "0" : s;
  }
}
