package io.redisha.node.rdb;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a version 10 dump.rdb, as redis-server 7.0 writes it and loads it, one key at a
 * time straight to the stream (buffered here, so pass an unbuffered stream):
 * <pre>
 *   header(aux) · functionLibrary(code)... · { selectDb(db, keys, expires) · entry(...)... }... · finish()
 * </pre>
 * Values use the plain encodings, which Redis 7.0 converts to its compact ones while
 * loading (small hashes and sorted sets to listpacks, integer sets to intsets): STRING
 * (integers in the int8/16/32 encodings, longer strings LZF-compressed when that saves
 * bytes, like rdbcompression yes), lists as QUICKLIST_2 of listpack nodes of at most
 * 8 KB (list-max-listpack-size -2), SET, ZSET_2 (binary scores) and HASH.
 */
public final class RdbWriter implements Closeable {

  /** Redis's default list-max-listpack-size -2: quicklist nodes of at most 8 KB. */
  private static final int LIST_NODE_BYTES = 8192;
  /** Redis 7.0's packed_threshold: elements this large go to PLAIN quicklist nodes. */
  static final int PLAIN_THRESHOLD = 1 << 30;

  private final OutputStream out;
  private final byte[] buf = new byte[64 * 1024];
  private int n;
  private long crc;
  private long flushed;
  private final Lzf.Compressor lzf;
  private final int plainThreshold;
  private final Packed.ListpackBuilder listpack = new Packed.ListpackBuilder();
  private boolean headerWritten;
  private boolean finished;

  public RdbWriter(OutputStream out) {
    this(out, true);
  }

  /** @param compress whether long strings may be LZF-compressed (Redis's rdbcompression) */
  public RdbWriter(OutputStream out, boolean compress) {
    this(out, compress, PLAIN_THRESHOLD);
  }

  /** With another plain-node threshold, for tests (as DEBUG QUICKLIST-PACKED-THRESHOLD does in Redis). */
  RdbWriter(OutputStream out, boolean compress, int plainThreshold) {
    this.out = out;
    this.lzf = compress ? new Lzf.Compressor() : null;
    this.plainThreshold = plainThreshold;
  }

  /** Writes "REDIS0010" and the aux fields; must come first. */
  public void header(RdbAux aux) throws IOException {
    if (headerWritten) throw new IllegalStateException("header already written");
    headerWritten = true;
    raw(("REDIS" + String.format("%04d", Rdb.VERSION)).getBytes(StandardCharsets.US_ASCII));
    aux("redis-ver", aux.redisVer());
    aux("redis-bits", Integer.toString(aux.redisBits()));
    aux("ctime", Long.toString(aux.ctimeSec()));
    aux("used-mem", Long.toString(aux.usedMem()));
    if (aux.replId() != null) {
      aux("repl-stream-db", Integer.toString(aux.replStreamDb()));
      aux("repl-id", aux.replId());
      aux("repl-offset", Long.toString(aux.replOffset()));
    }
    aux("aof-base", aux.aofBase() ? "1" : "0");
  }

  /** An extra AUX field; integers written as text get Redis's integer encoding, as Redis does. */
  public void aux(String name, String value) throws IOException {
    aux(name, value.getBytes(StandardCharsets.UTF_8));
  }

  public void aux(String name, byte[] value) throws IOException {
    checkOpen();
    u8(Rdb.OPCODE_AUX);
    string(name.getBytes(StandardCharsets.UTF_8));
    string(value);
  }

  /** A function library (its source, "#!lua name=..."); Redis writes them after the aux fields. */
  public void functionLibrary(byte[] code) throws IOException {
    checkOpen();
    u8(Rdb.OPCODE_FUNCTION2);
    string(code);
  }

  /** Starts database {@code db}; {@code keys} and {@code expires} size Redis's hash tables on load. */
  public void selectDb(int db, long keys, long expires) throws IOException {
    checkOpen();
    if (db < 0) throw new IllegalArgumentException("db " + db);
    u8(Rdb.OPCODE_SELECTDB);
    length(db);
    u8(Rdb.OPCODE_RESIZEDB);
    length(keys);
    length(expires);
  }

  /**
   * One key of the current database.
   *
   * @param expireAtMs absolute unix ms, or a negative number for no expiry
   * @throws IllegalArgumentException for an empty collection, which Redis never stores
   *     and skips on load (so the key would silently vanish)
   */
  public void entry(byte[] key, long expireAtMs, RdbValue value) throws IOException {
    checkOpen();
    validate(key, value);
    expiry(expireAtMs);
    if (value instanceof RdbValue.Str s) {
      u8(Rdb.TYPE_STRING);
      string(key);
      string(s.bytes());
    } else if (value instanceof RdbValue.ListOf l) {
      u8(Rdb.TYPE_LIST_QUICKLIST_2);
      string(key);
      list(l.elements());
    } else if (value instanceof RdbValue.SetOf s) {
      u8(Rdb.TYPE_SET);
      string(key);
      length(s.members().size());
      for (byte[] m : s.members()) string(m);
    } else if (value instanceof RdbValue.HashOf h) {
      u8(Rdb.TYPE_HASH);
      string(key);
      length(h.size());
      Iterator<byte[]> values = h.values().iterator();
      for (byte[] f : h.fields()) {
        string(f);
        string(values.next());
      }
    } else if (value instanceof RdbValue.ZSetOf z) {
      u8(Rdb.TYPE_ZSET_2);
      string(key);
      length(z.size());
      double[] scores = z.scores();
      int i = 0;
      for (byte[] m : z.members()) {
        string(m);
        ensure(8);
        Packed.putLe(buf, n, Double.doubleToLongBits(scores[i++]), 8);
        n += 8;
      }
    } else {
      throw new IllegalArgumentException("unknown value " + value);
    }
  }

  /**
   * A string key, as {@link #entry} with an {@link RdbValue.Str} but without the wrapper:
   * the BGSAVE writer saves millions of these and allocates nothing for them.
   */
  public void stringEntry(byte[] key, long expireAtMs, byte[] value) throws IOException {
    checkOpen();
    expiry(expireAtMs);
    u8(Rdb.TYPE_STRING);
    string(key);
    string(value);
  }

  private void expiry(long expireAtMs) throws IOException {
    if (expireAtMs < 0) return;
    u8(Rdb.OPCODE_EXPIRETIME_MS);
    ensure(8);
    Packed.putLe(buf, n, expireAtMs, 8);
    n += 8;
  }

  /** Writes the EOF opcode and the CRC-64 and flushes; the stream stays open. */
  public void finish() throws IOException {
    checkOpen();
    u8(Rdb.OPCODE_EOF);
    flushBuffer();
    byte[] sum = new byte[8];
    Packed.putLe(sum, 0, crc, 8);
    out.write(sum);
    flushed += 8;
    out.flush();
    finished = true;
  }

  /** Bytes written so far (all of the file once {@link #finish} returned). */
  public long bytesWritten() {
    return flushed + n;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  // ---------------------------------------------------------------------------------------

  /**
   * Quicklist 2: a node count, then per node its container and a string: a listpack of
   * up to 8 KB, or, for an element of 1 GB or more (which no listpack may hold), the
   * element alone as a PLAIN node, as Redis 7.0 keeps them.
   */
  private void list(List<byte[]> elements) throws IOException {
    int nodes = 0;
    int bytes = 0;
    int count = 0;
    for (byte[] el : elements) {
      if (el.length >= plainThreshold) {
        nodes++;
        count = 0;
      } else {
        int e = Packed.ListpackBuilder.entrySize(el);
        if (count > 0 && fits(bytes, e, count)) {
          bytes += e;
          count++;
        } else {
          nodes++;
          bytes = 7 + e;
          count = 1;
        }
      }
    }
    length(nodes);
    // The same cuts as above, now writing the nodes.
    listpack.reset();
    bytes = 0;
    for (byte[] el : elements) {
      if (el.length >= plainThreshold) {
        if (listpack.count() > 0) packedNode();
        length(Rdb.QUICKLIST_NODE_PLAIN);
        string(el);
        continue;
      }
      int e = Packed.ListpackBuilder.entrySize(el);
      if (listpack.count() > 0 && !fits(bytes, e, listpack.count())) packedNode();
      if (listpack.count() == 0) bytes = 7;
      listpack.add(el);
      bytes += e;
    }
    if (listpack.count() > 0) packedNode();
  }

  private static boolean fits(int nodeBytes, int entryBytes, int nodeCount) {
    return nodeBytes + entryBytes <= LIST_NODE_BYTES && nodeCount < 0xffff;
  }

  private void packedNode() throws IOException {
    length(Rdb.QUICKLIST_NODE_PACKED);
    int len = listpack.bytes();
    string(listpack.finish(), len);
    listpack.reset();
  }

  /** Checks before writing anything, so a refused value leaves no half-written entry. */
  private static void validate(byte[] key, RdbValue value) {
    int size;
    if (value instanceof RdbValue.Str) return;
    if (value instanceof RdbValue.ListOf l) size = l.elements().size();
    else if (value instanceof RdbValue.SetOf s) size = s.members().size();
    else if (value instanceof RdbValue.HashOf h) size = h.size();
    else {
      RdbValue.ZSetOf z = (RdbValue.ZSetOf) value;
      size = z.size();
      for (double d : z.scores()) {
        if (Double.isNaN(d)) throw new IllegalArgumentException("NaN score in sorted set " + RdbValue.show(key));
      }
    }
    if (size == 0) throw new IllegalArgumentException("empty collection at key " + RdbValue.show(key));
  }

  private void string(byte[] s) throws IOException {
    string(s, s.length);
  }

  /** A string the way Redis's rdbSaveRawString writes it: as an integer, LZF-compressed or raw. */
  private void string(byte[] s, int len) throws IOException {
    if (len <= 11 && len == s.length) {
      long v = Packed.parseCanonicalLong(s);
      if (v != Packed.NOT_INTEGER && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        ensure(5);
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
          buf[n++] = (byte) (0xc0 | Rdb.ENC_INT8);
          buf[n++] = (byte) v;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
          buf[n++] = (byte) (0xc0 | Rdb.ENC_INT16);
          Packed.putLe(buf, n, v, 2);
          n += 2;
        } else {
          buf[n++] = (byte) (0xc0 | Rdb.ENC_INT32);
          Packed.putLe(buf, n, v, 4);
          n += 4;
        }
        return;
      }
    }
    if (lzf != null && len > 20) {
      int c = lzf.compress(s, len);
      if (c > 0) {
        u8(0xc0 | Rdb.ENC_LZF);
        length(c);
        length(len);
        raw(lzf.output(), 0, c);
        return;
      }
    }
    length(len);
    raw(s, 0, len);
  }

  private void length(long len) throws IOException {
    ensure(9);
    if (len < 0) throw new IllegalArgumentException("negative length " + len);
    if (len < (1 << 6)) {
      buf[n++] = (byte) len;
    } else if (len < (1 << 14)) {
      buf[n++] = (byte) (0x40 | (len >>> 8));
      buf[n++] = (byte) len;
    } else if (len <= 0xffffffffL) {
      buf[n++] = (byte) 0x80;
      for (int i = 3; i >= 0; i--) buf[n++] = (byte) (len >>> (8 * i));
    } else {
      buf[n++] = (byte) 0x81;
      for (int i = 7; i >= 0; i--) buf[n++] = (byte) (len >>> (8 * i));
    }
  }

  private void u8(int b) throws IOException {
    ensure(1);
    buf[n++] = (byte) b;
  }

  private void raw(byte[] b) throws IOException {
    raw(b, 0, b.length);
  }

  private void raw(byte[] b, int off, int len) throws IOException {
    if (len <= buf.length - n) {
      System.arraycopy(b, off, buf, n, len);
      n += len;
      return;
    }
    flushBuffer();
    if (len < buf.length / 2) {
      System.arraycopy(b, off, buf, 0, len);
      n = len;
    } else {
      crc = Crc64.update(crc, b, off, len);
      out.write(b, off, len);
      flushed += len;
    }
  }

  private void ensure(int bytes) throws IOException {
    if (buf.length - n < bytes) flushBuffer();
  }

  private void flushBuffer() throws IOException {
    crc = Crc64.update(crc, buf, 0, n);
    out.write(buf, 0, n);
    flushed += n;
    n = 0;
  }

  private void checkOpen() {
    if (!headerWritten) throw new IllegalStateException("header() must come first");
    if (finished) throw new IllegalStateException("finish() was called");
  }
}
