package io.redisha.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies into one buffer that the caller writes once per socket read.
 *
 * <p>The protocol version decides how RESP3-only types go out: a map is an array of
 * twice the length in RESP2, a null is {@code $-1} or {@code *-1}, a double is a bulk
 * string, a push is an array, exactly as redis-server degrades them.
 */
public final class ReplyWriter {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] SMALL_INTS = new byte[1024][];

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) {
      SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final Out out = new Out();
  private int proto = 2;
  private final byte[] digits = new byte[24];
  private final byte[] valueDigits = new byte[24];

  public int protocol() {
    return proto;
  }

  public void setProtocol(int proto) {
    this.proto = proto;
  }

  public boolean isEmpty() {
    return out.pos == 0;
  }

  public int length() {
    return out.length();
  }

  /**
   * Hands over what was written since the last call, in one pooled direct buffer that
   * Netty writes to the socket without another copy, and starts again.
   */
  public Buffer take() {
    ByteBuf bb = ByteBufAllocator.DEFAULT.directBuffer(out.pos, out.pos);
    bb.writeBytes(out.buf, 0, out.pos);
    out.reset();
    return BufferInternal.buffer(bb);
  }

  /** What was written since the last call, as a plain array (for a caller that keeps or copies it), and starts again. */
  public byte[] takeBytes() {
    byte[] b = java.util.Arrays.copyOf(out.buf, out.pos);
    out.reset();
    return b;
  }

  /** Drops what was written since the last call: replies nobody reads (a replayed file, the master's stream). */
  public void discard() {
    out.reset();
  }

  /** A position to come back to with {@link #truncate}. */
  public int mark() {
    return out.pos;
  }

  /** Drops what was written after {@code mark}. */
  public void truncate(int mark) {
    out.pos = mark;
  }

  public ReplyWriter ok() {
    out.appendBytes(OK);
    return this;
  }

  public ReplyWriter simple(String s) {
    out.appendByte((byte) '+').appendString(s).appendBytes(CRLF);
    return this;
  }

  /** Writes {@code -text}; the text starts with its code, e.g. "ERR ..." or "WRONGTYPE ...". */
  public ReplyWriter error(String text) {
    out.appendByte((byte) '-');
    // An error line may not contain newlines; redis-server replaces them with spaces.
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      text = text.replace('\r', ' ').replace('\n', ' ');
    }
    out.appendString(text).appendBytes(CRLF);
    return this;
  }

  /**
   * Writes {@code -text} from raw bytes, for errors that quote client bytes verbatim
   * (the request parser's "expected '$', got 'c'"). CR and LF become spaces.
   */
  public ReplyWriter error(byte[] text) {
    out.appendByte((byte) '-');
    int from = out.length();
    out.appendBytes(text);
    for (int i = from; i < out.length(); i++) {
      byte c = out.getByte(i);
      if (c == '\r' || c == '\n') out.setByte(i, (byte) ' ');
    }
    out.appendBytes(CRLF);
    return this;
  }

  public ReplyWriter integer(long v) {
    if (v >= 0 && v < SMALL_INTS.length) {
      out.appendBytes(SMALL_INTS[(int) v]);
      return this;
    }
    header((byte) ':', v);
    return this;
  }

  public ReplyWriter bulk(byte[] b) {
    if (b == null) return nullBulk();
    header((byte) '$', b.length);
    out.appendBytes(b).appendBytes(CRLF);
    return this;
  }

  public ReplyWriter bulk(byte[] b, int off, int len) {
    header((byte) '$', len);
    out.appendBytes(b, off, len).appendBytes(CRLF);
    return this;
  }

  public ReplyWriter bulk(String s) {
    return s == null ? nullBulk() : bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  /** An integer as a bulk string, as INCRBYFLOAT-style replies and RESP2 scores need. */
  public ReplyWriter bulk(long v) {
    int n = formatLong(v);
    // header() reuses the digit scratch, so keep v's digits aside first.
    System.arraycopy(digits, digits.length - n, valueDigits, 0, n);
    header((byte) '$', n);
    out.appendBytes(valueDigits, 0, n).appendBytes(CRLF);
    return this;
  }

  public ReplyWriter nullBulk() {
    out.appendBytes(proto == 3 ? NULL3 : NULL_BULK);
    return this;
  }

  public ReplyWriter nullArray() {
    out.appendBytes(proto == 3 ? NULL3 : NULL_ARRAY);
    return this;
  }

  public ReplyWriter array(int n) {
    header((byte) '*', n);
    return this;
  }

  /** A map of n pairs: {@code %n} in RESP3, a flat array of 2n in RESP2. */
  public ReplyWriter map(int n) {
    if (proto == 3) header((byte) '%', n);
    else header((byte) '*', 2L * n);
    return this;
  }

  public ReplyWriter set(int n) {
    header(proto == 3 ? (byte) '~' : (byte) '*', n);
    return this;
  }

  public ReplyWriter push(int n) {
    header(proto == 3 ? (byte) '>' : (byte) '*', n);
    return this;
  }

  /** A double as redis-server 7.0 replies it: RESP3 {@code ,} or a RESP2 bulk, "%.17g". */
  public ReplyWriter doubleValue(double d) {
    String s = Doubles.format17g(d);
    if (proto == 3) {
      out.appendByte((byte) ',').appendString(s).appendBytes(CRLF);
    } else {
      bulk(s.getBytes(StandardCharsets.US_ASCII));
    }
    return this;
  }

  public ReplyWriter bool(boolean b) {
    if (proto == 3) out.appendString(b ? "#t\r\n" : "#f\r\n");
    else integer(b ? 1 : 0);
    return this;
  }

  /** An integer of any size given as decimal text: RESP3 {@code (}, a RESP2 bulk. */
  public ReplyWriter bigNumber(String decimal) {
    if (proto == 3) out.appendByte((byte) '(').appendString(decimal).appendBytes(CRLF);
    else bulk(decimal.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** Text such as INFO's: a verbatim string in RESP3, a bulk in RESP2. */
  public ReplyWriter verbatim(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (proto == 3) {
      header((byte) '=', b.length + 4L);
      out.appendString("txt:").appendBytes(b).appendBytes(CRLF);
    } else {
      bulk(b);
    }
    return this;
  }

  /** Appends bytes that are already RESP, e.g. a value stored pre-encoded. */
  public ReplyWriter raw(byte[] resp) {
    out.appendBytes(resp);
    return this;
  }

  public ReplyWriter raw(Buffer resp) {
    out.appendBuffer(resp);
    return this;
  }

  private void header(byte type, long n) {
    int len = formatLong(n);
    out.appendByte(type).appendBytes(digits, digits.length - len, len).appendBytes(CRLF);
  }

  /** Writes v's decimal digits at the end of {@link #digits}; returns how many. */
  private int formatLong(long v) {
    int p = digits.length;
    if (v == Long.MIN_VALUE) {
      byte[] m = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(m, 0, digits, digits.length - m.length, m.length);
      return m.length;
    }
    boolean neg = v < 0;
    if (neg) v = -v;
    do {
      digits[--p] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    if (neg) digits[--p] = '-';
    return digits.length - p;
  }

  /**
   * The replies being built: a reusable array rather than a Vert.x Buffer, because
   * growing a fresh Buffer for every read showed up first in the profile of pipelined
   * GETs. It keeps its size between reads unless one reply made it very large.
   */
  private static final class Out {
    private static final int INITIAL = 512;
    private static final int KEEP = 1 << 20;
    byte[] buf = new byte[INITIAL];
    int pos;

    int length() {
      return pos;
    }

    void reset() {
      pos = 0;
      if (buf.length > KEEP) buf = new byte[INITIAL];
    }

    private void room(int n) {
      if (pos + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }

    Out appendByte(byte b) {
      room(1);
      buf[pos++] = b;
      return this;
    }

    Out appendBytes(byte[] b) {
      return appendBytes(b, 0, b.length);
    }

    Out appendBytes(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
      return this;
    }

    Out appendString(String s) {
      int n = s.length();
      boolean ascii = true;
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (!ascii) return appendBytes(s.getBytes(StandardCharsets.UTF_8));
      room(n);
      for (int i = 0; i < n; i++) buf[pos++] = (byte) s.charAt(i);
      return this;
    }

    Out appendBuffer(Buffer b) {
      int n = b.length();
      room(n);
      b.getBytes(0, n, buf, pos);
      pos += n;
      return this;
    }

    byte getByte(int i) {
      return buf[i];
    }

    void setByte(int i, byte b) {
      buf[i] = b;
    }
  }
}
