package io.redisha.resp;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers shared by {@link RespReader}, {@link RespFramer} and {@link RequestParser}. */
final class RespScan {

  static final byte[] EMPTY = new byte[0];
  /** Longest array the JVM reliably allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final int INITIAL_BUFFER = 1024;

  private RespScan() {}

  // Both parsers read straight from the caller's array when nothing is pending and keep
  // only an unfinished tail in an array of their own between reads. These two helpers are
  // that array's whole life; the parsers keep the fields (buf, start, end) for speed.

  /**
   * The array to keep {@code from[start, start + n)} in, at index 0, after a read: own,
   * or a bigger one when it does not fit; {@link #EMPTY} when nothing is left and own is
   * over shrinkAbove, so an idle connection does not hold a big buffer.
   */
  static byte[] keepTail(byte[] own, byte[] from, int start, int n, int shrinkAbove) {
    if (n == 0) return own.length > shrinkAbove ? EMPTY : own;
    if (n > own.length) own = new byte[Math.max(INITIAL_BUFFER, 2 * n)];
    System.arraycopy(from, start, own, 0, n);
    return own;
  }

  /**
   * An array holding {@code buf[start, end)} at index 0 with room for n more bytes: buf
   * itself, compacted, when that is enough, otherwise a bigger one (about twice the size).
   * Null when more than {@link #MAX_ARRAY} bytes would be needed.
   */
  static byte[] withRoom(byte[] buf, int start, int end, int n) {
    int live = end - start;
    if (live + n <= buf.length) {
      System.arraycopy(buf, start, buf, 0, live);
      return buf;
    }
    long want = Math.max(Math.max(Math.min(2L * buf.length, MAX_ARRAY), (long) live + n), INITIAL_BUFFER);
    if (want > MAX_ARRAY) return null;
    byte[] bigger = new byte[(int) want];
    System.arraycopy(buf, start, bigger, 0, live);
    return bigger;
  }

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
