package io.redisha.resp;

import java.math.BigDecimal;
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
   * ("%.17Lf"), then trailing zeros (and a trailing point) removed. Java has no long
   * double, so values needing more than a double's precision can differ in the last
   * digits; the README lists this difference.
   */
  public static String formatHumanLong(double d) {
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    BigDecimal bd = new BigDecimal(Double.toString(d));
    if (bd.scale() > 17) bd = bd.setScale(17, RoundingMode.HALF_EVEN);
    String s = bd.toPlainString();
    return stripZeros(s);
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
