package io.redisha.resp;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers shared by {@link RespReader} and {@link RespFramer}. */
final class RespScan {

  private RespScan() {}

  /**
   * Index of the CR that ends the line starting at {@code from}, or -1 when the line
   * (or its LF) has not arrived. A CR followed by anything but LF is not RESP.
   */
  static int lineEnd(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == '\r') {
        if (i + 1 == to) return -1;
        if (a[i + 1] != '\n') throw new RespProtocolException("line end: CR followed by " + show(a[i + 1]) + " (expected: LF)");
        return i;
      }
      if (a[i] == '\n') throw new RespProtocolException("line end: bare LF (expected: CRLF)");
    }
    return -1;
  }

  /** A signed decimal that fits a long: an optional '-' then digits. */
  static long parseLong(byte[] a, int from, int to, String what) {
    int p = from;
    boolean neg = p < to && a[p] == '-';
    if (neg) p++;
    if (p == to || to - from > 20) throw bad(a, from, to, what, "a 64-bit integer");
    long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
    for (; p < to; p++) {
      int d = a[p] - '0';
      if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) throw bad(a, from, to, what, "a 64-bit integer");
      v = v * 10 - d;
    }
    if (!neg && v == Long.MIN_VALUE) throw bad(a, from, to, what, "a 64-bit integer");
    return neg ? v : -v;
  }

  static RespProtocolException bad(byte[] a, int from, int to, String what, String expected) {
    int n = Math.min(to - from, 40);
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + n; i++) sb.append(show(a[i]));
    if (n < to - from) sb.append("...");
    return new RespProtocolException(what + ": \"" + sb + "\" (expected: " + expected + ")");
  }

  static String show(byte b) {
    int c = b & 0xff;
    return c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c);
  }

  static String ascii(byte[] a, int from, int to) {
    return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
