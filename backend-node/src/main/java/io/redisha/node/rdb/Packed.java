package io.redisha.node.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Parsers and a builder for the compact blobs Redis stores inside RDB strings: ziplist
 * (Redis &lt;= 6.2), listpack (Redis 7), intset and zipmap (Redis &lt; 2.6). Integer entries
 * come back as their decimal text, as Redis's own replies show them. The parsers check
 * every bound and throw {@link Corrupt} with a position inside the blob; the reader adds
 * the file and offset.
 */
final class Packed {

  private Packed() {}

  /** A malformed blob; {@code position} is relative to the blob's first byte. */
  static final class Corrupt extends Exception {
    final int position;

    Corrupt(int position, String message) {
      super(message, null, false, false);
      this.position = position;
    }
  }

  // ---------------------------------------------------------------------------------------
  // ziplist: <zlbytes u32le> <zltail u32le> <zllen u16le> entries... 0xFF
  // entry:   <prevlen: 1 byte, or 0xFE + u32le> <encoding> <data>
  // ---------------------------------------------------------------------------------------

  private static final int ZIPLIST_HEADER = 10;
  private static final int ZIPLIST_END = 0xff;

  static void ziplist(byte[] zl, List<byte[]> out) throws Corrupt {
    int len = zl.length;
    if (len < ZIPLIST_HEADER + 1) throw new Corrupt(0, "ziplist of " + len + " bytes is shorter than its header");
    long zlbytes = u32le(zl, 0);
    if (zlbytes != len) throw new Corrupt(0, "ziplist header says " + zlbytes + " bytes but the blob has " + len);
    long zltail = u32le(zl, 4);
    int zllen = u16le(zl, 8);
    int p = ZIPLIST_HEADER;
    int count = 0;
    int prevEntry = -1;
    int prevSize = 0;
    while (true) {
      if (p >= len) throw new Corrupt(p, "ziplist has no end marker");
      int b = zl[p] & 0xff;
      if (b == ZIPLIST_END) break;
      int entry = p;
      long prevlen;
      // Redis may keep the 5-byte form for a small length (it avoids cascading rewrites), so
      // only the value is checked.
      if (b == 0xfe) {
        need(zl, p, 5, "ziplist entry's previous-length");
        prevlen = u32le(zl, p + 1);
        p += 5;
      } else {
        prevlen = b;
        p += 1;
      }
      if (prevlen != prevSize) {
        throw new Corrupt(entry, "ziplist entry's previous-length says " + prevlen + " but the previous entry has "
            + prevSize + " bytes");
      }
      need(zl, p, 1, "ziplist entry encoding");
      int enc = zl[p] & 0xff;
      switch (enc >>> 6) {
        case 0 -> {
          int n = enc & 0x3f;
          p = string(zl, p + 1, n, out, "ziplist");
        }
        case 1 -> {
          need(zl, p, 2, "ziplist entry encoding");
          int n = ((enc & 0x3f) << 8) | (zl[p + 1] & 0xff);
          p = string(zl, p + 2, n, out, "ziplist");
        }
        case 2 -> {
          need(zl, p, 5, "ziplist entry encoding");
          long n = u32be(zl, p + 1);
          if (n > len) throw new Corrupt(p, "ziplist string entry of " + n + " bytes overruns the blob");
          p = string(zl, p + 5, (int) n, out, "ziplist");
        }
        default -> {
          long v;
          int size;
          switch (enc) {
            case 0xc0 -> { size = 2; need(zl, p + 1, size, "ziplist 16-bit integer"); v = (short) u16le(zl, p + 1); }
            case 0xd0 -> { size = 4; need(zl, p + 1, size, "ziplist 32-bit integer"); v = (int) u32le(zl, p + 1); }
            case 0xe0 -> { size = 8; need(zl, p + 1, size, "ziplist 64-bit integer"); v = s64le(zl, p + 1); }
            case 0xf0 -> { size = 3; need(zl, p + 1, size, "ziplist 24-bit integer"); v = s24le(zl, p + 1); }
            case 0xfe -> { size = 1; need(zl, p + 1, size, "ziplist 8-bit integer"); v = zl[p + 1]; }
            default -> {
              if (enc >= 0xf1 && enc <= 0xfd) {
                size = 0;
                v = (enc & 0x0f) - 1;
              } else {
                throw new Corrupt(p, String.format("bad ziplist entry encoding 0x%02x", enc));
              }
            }
          }
          out.add(decimal(v));
          p += 1 + size;
        }
      }
      prevEntry = entry;
      prevSize = p - entry;
      count++;
    }
    long lastEntry = prevEntry < 0 ? ZIPLIST_HEADER : prevEntry;
    if (zltail != lastEntry) throw new Corrupt(4, "ziplist tail offset " + zltail + " is not its last entry's (" + lastEntry + ")");
    if (p != len - 1) throw new Corrupt(p, "ziplist end marker is " + (len - 1 - p) + " bytes before the blob's end");
    if (zllen != 0xffff && zllen != count) {
      throw new Corrupt(8, "ziplist header counts " + zllen + " entries but it has " + count);
    }
  }

  // ---------------------------------------------------------------------------------------
  // listpack: <total bytes u32le> <count u16le, 65535 = unknown> entries... 0xFF
  // entry:    <encoding+data> <backlen: the encoding+data size, 1..5 bytes read right to left>
  // ---------------------------------------------------------------------------------------

  private static final int LISTPACK_HEADER = 6;
  private static final int LISTPACK_END = 0xff;

  static void listpack(byte[] lp, List<byte[]> out) throws Corrupt {
    int len = lp.length;
    if (len < LISTPACK_HEADER + 1) throw new Corrupt(0, "listpack of " + len + " bytes is shorter than its header");
    long total = u32le(lp, 0);
    if (total != len) throw new Corrupt(0, "listpack header says " + total + " bytes but the blob has " + len);
    int declared = u16le(lp, 4);
    int p = LISTPACK_HEADER;
    int count = 0;
    while (true) {
      if (p >= len) throw new Corrupt(p, "listpack has no end marker");
      int b = lp[p] & 0xff;
      if (b == LISTPACK_END) break;
      int entry = p;
      if ((b & 0x80) == 0) {
        out.add(decimal(b & 0x7f));
        p += 1;
      } else if ((b & 0xc0) == 0x80) {
        p = string(lp, p + 1, b & 0x3f, out, "listpack");
      } else if ((b & 0xe0) == 0xc0) {
        need(lp, p, 2, "listpack 13-bit integer");
        int u = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
        out.add(decimal(u >= 4096 ? u - 8192 : u));
        p += 2;
      } else if ((b & 0xf0) == 0xe0) {
        need(lp, p, 2, "listpack string length");
        p = string(lp, p + 2, ((b & 0x0f) << 8) | (lp[p + 1] & 0xff), out, "listpack");
      } else {
        switch (b) {
          case 0xf0 -> {
            need(lp, p, 5, "listpack string length");
            long n = u32le(lp, p + 1);
            if (n > len) throw new Corrupt(p, "listpack string entry of " + n + " bytes overruns the blob");
            p = string(lp, p + 5, (int) n, out, "listpack");
          }
          case 0xf1 -> { need(lp, p + 1, 2, "listpack 16-bit integer"); out.add(decimal((short) u16le(lp, p + 1))); p += 3; }
          case 0xf2 -> { need(lp, p + 1, 3, "listpack 24-bit integer"); out.add(decimal(s24le(lp, p + 1))); p += 4; }
          case 0xf3 -> { need(lp, p + 1, 4, "listpack 32-bit integer"); out.add(decimal((int) u32le(lp, p + 1))); p += 5; }
          case 0xf4 -> { need(lp, p + 1, 8, "listpack 64-bit integer"); out.add(decimal(s64le(lp, p + 1))); p += 9; }
          default -> throw new Corrupt(p, String.format("bad listpack entry encoding 0x%02x", b));
        }
      }
      int size = p - entry;
      int backlenSize = backlenSize(size);
      need(lp, p, backlenSize, "listpack entry back-length");
      long backlen = 0;
      for (int i = 0; i < backlenSize; i++) backlen |= (long) (lp[p + backlenSize - 1 - i] & 0x7f) << (7 * i);
      if (backlen != size) {
        throw new Corrupt(p, "listpack entry back-length says " + backlen + " but the entry has " + size + " bytes");
      }
      p += backlenSize;
      count++;
    }
    if (p != len - 1) throw new Corrupt(p, "listpack end marker is " + (len - 1 - p) + " bytes before the blob's end");
    if (declared != 0xffff && declared != count) {
      throw new Corrupt(4, "listpack header counts " + declared + " entries but it has " + count);
    }
  }

  /** How many bytes the back-length of an entry of {@code size} bytes takes (Redis's thresholds). */
  static int backlenSize(long size) {
    if (size <= 127) return 1;
    if (size < 16383) return 2;
    if (size < 2097151) return 3;
    if (size < 268435455) return 4;
    return 5;
  }

  // ---------------------------------------------------------------------------------------
  // intset: <encoding u32le: 2, 4 or 8> <count u32le> <sorted little-endian integers>
  // ---------------------------------------------------------------------------------------

  static void intset(byte[] is, List<byte[]> out) throws Corrupt {
    if (is.length < 8) throw new Corrupt(0, "intset of " + is.length + " bytes is shorter than its header");
    long width = u32le(is, 0);
    if (width != 2 && width != 4 && width != 8) throw new Corrupt(0, "bad intset encoding " + width);
    long count = u32le(is, 4);
    if (8 + count * width != is.length) {
      throw new Corrupt(4, "intset of " + count + " " + width + "-byte integers cannot be " + is.length + " bytes long");
    }
    int w = (int) width;
    long prev = 0;
    for (int p = 8; p < is.length; p += w) {
      long v = w == 2 ? (short) u16le(is, p) : w == 4 ? (int) u32le(is, p) : s64le(is, p);
      // Sorted and unique, or Redis's binary searches (and SISMEMBER) would go wrong.
      if (p > 8 && v <= prev) throw new Corrupt(p, "intset is not sorted: " + v + " after " + prev);
      prev = v;
      out.add(decimal(v));
    }
  }

  // ---------------------------------------------------------------------------------------
  // zipmap: <count: 1 byte, 254+ = unknown> (<len> key <len> <free> value <free bytes>)... 0xFF
  // len: one byte below 254, or 254 + u32le
  // ---------------------------------------------------------------------------------------

  static void zipmap(byte[] zm, List<byte[]> fields, List<byte[]> values) throws Corrupt {
    if (zm.length < 2) throw new Corrupt(0, "zipmap of " + zm.length + " bytes is too short");
    int p = 1;
    while (true) {
      need(zm, p, 1, "zipmap entry");
      if ((zm[p] & 0xff) == 0xff) break;
      int[] at = {p};
      fields.add(zipmapString(zm, at, false));
      values.add(zipmapString(zm, at, true));
      p = at[0];
    }
    if (p != zm.length - 1) throw new Corrupt(p, "zipmap end marker is " + (zm.length - 1 - p) + " bytes before the blob's end");
  }

  private static byte[] zipmapString(byte[] zm, int[] at, boolean withFree) throws Corrupt {
    int p = at[0];
    need(zm, p, 1, "zipmap length");
    int b = zm[p] & 0xff;
    long n;
    if (b < 254) {
      n = b;
      p += 1;
    } else if (b == 254) {
      need(zm, p, 5, "zipmap length");
      n = u32le(zm, p + 1);
      p += 5;
    } else {
      throw new Corrupt(p, "zipmap ends in the middle of an entry");
    }
    int free = 0;
    if (withFree) {
      need(zm, p, 1, "zipmap free byte count");
      free = zm[p] & 0xff;
      p += 1;
    }
    if (n > zm.length) throw new Corrupt(p, "zipmap string of " + n + " bytes overruns the blob");
    need(zm, p, (int) n + free, "zipmap string");
    byte[] s = Arrays.copyOfRange(zm, p, p + (int) n);
    at[0] = p + (int) n + free;
    return s;
  }

  // ---------------------------------------------------------------------------------------
  // Listpack builder, for the quicklist nodes the writer emits.
  // ---------------------------------------------------------------------------------------

  /** Builds one listpack in a reusable buffer; integers are stored as Redis would store them. */
  static final class ListpackBuilder {
    private byte[] buf = new byte[8192 + 64];
    private int size = LISTPACK_HEADER;
    private int count;

    int bytes() {
      return size + 1; // with the end marker
    }

    int count() {
      return count;
    }

    /** The size the listpack would grow by if {@code s} were added. */
    static int entrySize(byte[] s) {
      long v = parseCanonicalLong(s);
      int body = v != NOT_INTEGER ? intEncodedSize(v) : s.length < 64 ? 1 + s.length : s.length < 4096 ? 2 + s.length : 5 + s.length;
      return body + backlenSize(body);
    }

    void add(byte[] s) {
      ensure(s.length + 16);
      int start = size;
      long v = parseCanonicalLong(s);
      if (v != NOT_INTEGER) {
        size += putInt(v, buf, size);
      } else if (s.length < 64) {
        buf[size++] = (byte) (0x80 | s.length);
        System.arraycopy(s, 0, buf, size, s.length);
        size += s.length;
      } else if (s.length < 4096) {
        buf[size++] = (byte) (0xe0 | (s.length >>> 8));
        buf[size++] = (byte) s.length;
        System.arraycopy(s, 0, buf, size, s.length);
        size += s.length;
      } else {
        buf[size++] = (byte) 0xf0;
        putU32le(buf, size, s.length);
        size += 4;
        System.arraycopy(s, 0, buf, size, s.length);
        size += s.length;
      }
      int body = size - start;
      int n = backlenSize(body);
      for (int i = 0; i < n; i++) {
        int shift = 7 * (n - 1 - i);
        int bits = (int) ((body >>> shift) & 0x7f);
        buf[size++] = (byte) (i == 0 ? bits : bits | 0x80);
      }
      count++;
    }

    /** Finishes the listpack; the returned array is valid until the next {@link #reset}. */
    byte[] finish() {
      ensure(1);
      buf[size] = (byte) LISTPACK_END;
      putU32le(buf, 0, size + 1);
      buf[4] = (byte) Math.min(count, 0xffff);
      buf[5] = (byte) (Math.min(count, 0xffff) >>> 8);
      return buf;
    }

    void reset() {
      size = LISTPACK_HEADER;
      count = 0;
    }

    private void ensure(int extra) {
      if (size + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }

    private static int intEncodedSize(long v) {
      if (v >= 0 && v <= 127) return 1;
      if (v >= -4096 && v <= 4095) return 2;
      if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return 3;
      if (v >= -(1 << 23) && v < (1 << 23)) return 4;
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 5;
      return 9;
    }

    private static int putInt(long v, byte[] b, int p) {
      int n = intEncodedSize(v);
      switch (n) {
        case 1 -> b[p] = (byte) v;
        case 2 -> { b[p] = (byte) (0xc0 | ((v >>> 8) & 0x1f)); b[p + 1] = (byte) v; }
        case 3 -> { b[p] = (byte) 0xf1; putLe(b, p + 1, v, 2); }
        case 4 -> { b[p] = (byte) 0xf2; putLe(b, p + 1, v, 3); }
        case 5 -> { b[p] = (byte) 0xf3; putLe(b, p + 1, v, 4); }
        default -> { b[p] = (byte) 0xf4; putLe(b, p + 1, v, 8); }
      }
      return n;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------

  /** Marker for "not an integer": no canonical decimal string parses to it... except itself. */
  static final long NOT_INTEGER = Long.MIN_VALUE;

  /**
   * The value of {@code s} if it is an integer written the way Redis writes integers (no
   * sign on zero, no leading zeros, no spaces, fits in 64 bits), else {@link #NOT_INTEGER}.
   * Long.MIN_VALUE itself is reported as not an integer; it is then stored as a string,
   * which reads back the same.
   */
  static long parseCanonicalLong(byte[] s) {
    int n = s.length;
    if (n == 0 || n > 20) return NOT_INTEGER;
    int i = 0;
    boolean neg = false;
    if (s[0] == '-') {
      if (n == 1) return NOT_INTEGER;
      neg = true;
      i = 1;
    }
    if (s[i] == '0') return n == 1 ? 0 : NOT_INTEGER;
    long v = 0;
    for (; i < n; i++) {
      int d = s[i] - '0';
      if (d < 0 || d > 9) return NOT_INTEGER;
      if (v > (Long.MAX_VALUE - d) / 10) return NOT_INTEGER;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  static byte[] decimal(long v) {
    if (v >= 0 && v < SMALL.length) return SMALL[(int) v].clone();
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  private static final byte[][] SMALL = new byte[128][];

  static {
    for (int i = 0; i < SMALL.length; i++) SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
  }

  private static int string(byte[] b, int p, int n, List<byte[]> out, String what) throws Corrupt {
    need(b, p, n, what + " string entry");
    out.add(Arrays.copyOfRange(b, p, p + n));
    return p + n;
  }

  private static void need(byte[] b, int p, int n, String what) throws Corrupt {
    if (n < 0 || p < 0 || (long) p + n > b.length) {
      throw new Corrupt(Math.min(p, b.length), what + " overruns the blob");
    }
  }

  static int u16le(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
  }

  static long u32le(byte[] b, int p) {
    return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
  }

  static long u32be(byte[] b, int p) {
    return (b[p] & 0xffL) << 24 | (b[p + 1] & 0xffL) << 16 | (b[p + 2] & 0xffL) << 8 | (b[p + 3] & 0xffL);
  }

  static long s24le(byte[] b, int p) {
    return ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | b[p + 2] << 16);
  }

  static long s64le(byte[] b, int p) {
    return u32le(b, p) | u32le(b, p + 4) << 32;
  }

  static void putU32le(byte[] b, int p, long v) {
    putLe(b, p, v, 4);
  }

  static void putLe(byte[] b, int p, long v, int n) {
    for (int i = 0; i < n; i++) b[p + i] = (byte) (v >>> (8 * i));
  }
}
