package io.redisha.node.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The reader's byte source: its own buffer over a plain InputStream (no per-byte virtual
 * calls), the file offset of every byte for error messages, and the running CRC-64 of
 * everything consumed, computed a buffer at a time.
 */
final class RdbInput {

  /** Strings up to this size are allocated at once; longer ones grow as their bytes arrive,
   *  so a corrupt length cannot make us allocate gigabytes for a file of a few bytes. */
  private static final int TRUST_LENGTH = 1 << 20;
  static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  final String source;
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private long base;      // file offset of buf[0]
  private int crcFrom;    // buf[crcFrom..pos) is consumed but not yet in crc
  private long crc;
  /** The key whose value is being read, named in error messages; null between keys. */
  byte[] key;

  RdbInput(InputStream in, String source) {
    this.in = in;
    this.source = source;
  }

  long offset() {
    return base + pos;
  }

  /** CRC-64 of every byte consumed so far. */
  long crc() {
    crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
    crcFrom = pos;
    return crc;
  }

  RdbFormatException error(String problem) {
    return errorAt(offset(), problem);
  }

  RdbFormatException errorAt(long offset, String problem) {
    return new RdbFormatException(source, offset, key == null ? problem : problem + " (key " + RdbValue.show(key) + ")");
  }

  private RdbFormatException eof(String what) {
    return errorAt(base + lim, "unexpected end of file while reading " + what);
  }

  /** Makes {@code n} (at most the buffer size) bytes available at buf[pos..]; false at end of file. */
  private boolean fill(int n) throws IOException {
    if (lim - pos >= n) return true;
    crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
    int rest = lim - pos;
    System.arraycopy(buf, pos, buf, 0, rest);
    base += pos;
    pos = 0;
    crcFrom = 0;
    lim = rest;
    while (lim < n) {
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) return false;
      lim += r;
    }
    return true;
  }

  int u8(String what) throws IOException {
    if (pos == lim && !fill(1)) throw eof(what);
    return buf[pos++] & 0xff;
  }

  int u16le(String what) throws IOException {
    if (!fill(2)) throw eof(what);
    int v = Packed.u16le(buf, pos);
    pos += 2;
    return v;
  }

  long u32le(String what) throws IOException {
    if (!fill(4)) throw eof(what);
    long v = Packed.u32le(buf, pos);
    pos += 4;
    return v;
  }

  long u32be(String what) throws IOException {
    if (!fill(4)) throw eof(what);
    long v = Packed.u32be(buf, pos);
    pos += 4;
    return v;
  }

  long s64le(String what) throws IOException {
    if (!fill(8)) throw eof(what);
    long v = Packed.s64le(buf, pos);
    pos += 8;
    return v;
  }

  long s64be(String what) throws IOException {
    if (!fill(8)) throw eof(what);
    long v = Long.reverseBytes(Packed.s64le(buf, pos));
    pos += 8;
    return v;
  }

  /** Reads exactly {@code len} bytes into a new array. */
  byte[] bytes(long len, String what) throws IOException {
    if (len < 0 || len > MAX_ARRAY) throw error(what + " of " + Long.toUnsignedString(len) + " bytes is too large");
    int n = (int) len;
    if (n <= lim - pos) { // the common case: a short string already in the buffer
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }
    if (n <= TRUST_LENGTH) {
      byte[] b = new byte[n];
      readFully(b, 0, n, what);
      return b;
    }
    byte[] b = new byte[TRUST_LENGTH];
    int filled = 0;
    while (filled < n) {
      if (filled == b.length) b = Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
      int chunk = b.length - filled;
      readFully(b, filled, chunk, what);
      filled += chunk;
    }
    return b;
  }

  void skip(long len, String what) throws IOException {
    while (len > 0) {
      if (pos == lim && !fill(1)) throw eof(what);
      int n = (int) Math.min(len, lim - pos);
      pos += n;
      len -= n;
    }
  }

  private void readFully(byte[] dst, int off, int len, String what) throws IOException {
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, dst, off, n);
    pos += n;
    off += n;
    len -= n;
    if (len == 0) return;
    // The buffer is drained: read the rest straight into dst and checksum it there.
    crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
    base += pos;
    pos = lim = crcFrom = 0;
    while (len > 0) {
      int r = in.read(dst, off, len);
      if (r < 0) throw eof(what);
      crc = Crc64.update(crc, dst, off, r);
      base += r;
      off += r;
      len -= r;
    }
  }
}
