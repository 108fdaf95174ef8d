package io.redisha.node.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Builds RDB files byte by byte, with the encodings our writer never uses (ziplists,
 * intsets, zipmaps, old value types, EXPIRETIME in seconds...) so the reader and a real
 * redis-server can both be tried on them. Encoders follow the formats as documented in
 * the comments of {@link Packed}.
 */
final class RawRdb {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  RawRdb(int version) {
    bytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
  }

  RawRdb u8(int b) {
    out.write(b);
    return this;
  }

  RawRdb bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  RawRdb le(long v, int n) {
    for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)));
    return this;
  }

  RawRdb length(long n) {
    if (n < 0) return u8(0x81).be(n, 8); // unsigned 64-bit, as module ids are
    if (n < 64) return u8((int) n);
    if (n < 16384) return u8(0x40 | (int) (n >>> 8)).u8((int) n & 0xff);
    if (n <= 0xffffffffL) return u8(0x80).be(n, 4);
    return u8(0x81).be(n, 8);
  }

  private RawRdb be(long v, int n) {
    for (int i = n - 1; i >= 0; i--) out.write((int) (v >>> (8 * i)));
    return this;
  }

  /** A string stored raw (no integer or LZF encoding). */
  RawRdb string(byte[] s) {
    return length(s.length).bytes(s);
  }

  RawRdb string(String s) {
    return string(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** An integer in the 8, 16 or 32-bit string encoding. */
  RawRdb intString(int bits, long v) {
    int enc = bits == 8 ? 0 : bits == 16 ? 1 : 2;
    return u8(0xc0 | enc).le(v, bits / 8);
  }

  RawRdb lzfString(byte[] s) {
    Lzf.Compressor c = new Lzf.Compressor();
    int n = c.compress(s, s.length);
    if (n < 0) throw new IllegalArgumentException("not compressible");
    return u8(0xc3).length(n).length(s.length).bytes(Arrays.copyOf(c.output(), n));
  }

  RawRdb aux(String name, String value) {
    return u8(Rdb.OPCODE_AUX).string(name).string(value);
  }

  RawRdb key(int type, String key) {
    return u8(type).string(key);
  }

  /** EOF, then the CRC-64 of everything before it (or 0, "no checksum"). */
  byte[] finish(boolean checksum) {
    u8(Rdb.OPCODE_EOF);
    byte[] body = out.toByteArray();
    le(checksum ? Crc64.update(0, body, 0, body.length) : 0, 8);
    return out.toByteArray();
  }

  /** The file without EOF and checksum, for version &lt; 5 files. */
  byte[] finishWithoutChecksum() {
    u8(Rdb.OPCODE_EOF);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------

  /**
   * A ziplist as Redis 6 builds one: integers (canonical decimal strings) in the smallest
   * integer encoding, strings with 6, 14 or 32-bit lengths, previous-entry lengths in one
   * or five bytes.
   */
  static byte[] ziplist(List<byte[]> entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int prev = 0;
    int tail = 10;
    for (byte[] e : entries) {
      tail = 10 + body.size();
      ByteArrayOutputStream en = new ByteArrayOutputStream();
      if (prev < 254) {
        en.write(prev);
      } else {
        en.write(0xfe);
        for (int i = 0; i < 4; i++) en.write(prev >>> (8 * i));
      }
      long v = Packed.parseCanonicalLong(e);
      if (v != Packed.NOT_INTEGER && e.length <= 20) {
        if (v >= 0 && v <= 12) {
          en.write(0xf1 + (int) v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
          en.write(0xfe);
          en.write((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
          en.write(0xc0);
          le(en, v, 2);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
          en.write(0xf0);
          le(en, v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
          en.write(0xd0);
          le(en, v, 4);
        } else {
          en.write(0xe0);
          le(en, v, 8);
        }
      } else if (e.length <= 63) {
        en.write(e.length);
        en.writeBytes(e);
      } else if (e.length <= 16383) {
        en.write(0x40 | (e.length >>> 8));
        en.write(e.length & 0xff);
        en.writeBytes(e);
      } else {
        en.write(0x80);
        for (int i = 3; i >= 0; i--) en.write(e.length >>> (8 * i));
        en.writeBytes(e);
      }
      prev = en.size();
      body.writeBytes(en.toByteArray());
    }
    ByteArrayOutputStream zl = new ByteArrayOutputStream();
    int total = 10 + body.size() + 1;
    le(zl, total, 4);
    le(zl, tail, 4);
    le(zl, Math.min(entries.size(), 0xffff), 2);
    zl.writeBytes(body.toByteArray());
    zl.write(0xff);
    return zl.toByteArray();
  }

  /** An intset of {@code width}-byte integers (sorted here). */
  static byte[] intset(int width, long... values) {
    long[] v = values.clone();
    Arrays.sort(v);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    le(b, width, 4);
    le(b, v.length, 4);
    for (long x : v) le(b, x, width);
    return b.toByteArray();
  }

  /** A zipmap; every value gets {@code free} unused trailing bytes. */
  static byte[] zipmap(List<byte[]> fields, List<byte[]> values, int free) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(fields.size() < 254 ? fields.size() : 254);
    for (int i = 0; i < fields.size(); i++) {
      zipmapLen(b, fields.get(i).length);
      b.writeBytes(fields.get(i));
      zipmapLen(b, values.get(i).length);
      b.write(free);
      b.writeBytes(values.get(i));
      for (int k = 0; k < free; k++) b.write(0);
    }
    b.write(0xff);
    return b.toByteArray();
  }

  private static void zipmapLen(ByteArrayOutputStream b, int n) {
    if (n < 254) {
      b.write(n);
    } else {
      b.write(254);
      le(b, n, 4);
    }
  }

  /** A listpack from our own builder (Redis 7's format). */
  static byte[] listpack(List<byte[]> entries) {
    Packed.ListpackBuilder lp = new Packed.ListpackBuilder();
    for (byte[] e : entries) lp.add(e);
    return Arrays.copyOf(lp.finish(), lp.bytes());
  }

  private static void le(ByteArrayOutputStream b, long v, int n) {
    for (int i = 0; i < n; i++) b.write((int) (v >>> (8 * i)));
  }
}
