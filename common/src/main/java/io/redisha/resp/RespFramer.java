package io.redisha.resp;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Finds where the next complete reply ends without building anything, for a proxy
 * that forwards replies as bytes. It walks the backing array counting the elements
 * still owed: an aggregate header adds its length, a scalar pays one, an attribute
 * adds its pairs and owes the value it decorates.
 *
 * <p>An instance remembers how far it got, so asking again for the same reply after
 * more bytes arrived scans only the new bytes; a returned end (or {@link #reset()})
 * starts it afresh for the next reply. The progress is kept relative to the reply's
 * start, so the caller may compact its buffer between calls.
 *
 * <p>Hand-written rather than Netty's RedisDecoder, which speaks RESP2 only and builds
 * message objects for every element; see also {@link RespReader} for the object model.
 */
public final class RespFramer {

  private final long maxBulk;
  private final int maxLine;
  private int progress;
  private long owed = 1;

  public RespFramer() {
    this(RespReader.DEFAULT_MAX_BULK, RespReader.DEFAULT_MAX_LINE);
  }

  public RespFramer(long maxBulk, int maxLine) {
    this.maxBulk = maxBulk;
    this.maxLine = maxLine;
  }

  /** Forgets a partly scanned reply, e.g. after the caller dropped its bytes. */
  public void reset() {
    progress = 0;
    owed = 1;
  }

  /** One-shot form: the end of the reply at {@code from}, or -1; throws if it is not RESP. */
  public static int frameEnd(byte[] a, int from, int to) {
    return new RespFramer().next(a, from, to);
  }

  /**
   * The end (exclusive) of the reply starting at {@code from} in {@code a[from, to)}, or
   * -1 if it has not fully arrived. Throws {@link RespProtocolException} if it is not RESP.
   */
  public int next(byte[] a, int from, int to) {
    int p = from + progress;
    long left = owed;
    while (left > 0) {
      if (p >= to) break;
      byte t = a[p];
      int cr = RespScan.lineEnd(a, p + 1, to);
      if (cr < 0) {
        if (to - p > maxLine) throw new RespProtocolException("line length: over " + maxLine + " bytes (expected: a CRLF)");
        break;
      }
      int next = cr + 2;
      switch (t) {
        case '+', '-', ':', '_', ',', '#', '(' -> left--;
        case '$', '=', '!' -> {
          long len = RespScan.parseLong(a, p + 1, cr, "bulk length");
          if (len == -1 && t == '$') {
            left--;
            break;
          }
          if (len < 0 || len > maxBulk) throw RespScan.bad(a, p + 1, cr, "bulk length", "0 to " + maxBulk);
          long e = (long) next + len + 2;
          if (e > to) {
            next = -1;
            break;
          }
          if (a[(int) e - 2] != '\r' || a[(int) e - 1] != '\n') {
            throw RespScan.bad(a, (int) e - 2, (int) e, "bulk end", "CRLF after " + len + " bytes");
          }
          next = (int) e;
          left--;
        }
        case '*', '%', '~', '>', '|' -> {
          long n = RespScan.parseLong(a, p + 1, cr, "aggregate length");
          if (n == -1 && t == '*') {
            left--;
            break;
          }
          if (n < 0 || n > Integer.MAX_VALUE / 2) throw RespScan.bad(a, p + 1, cr, "aggregate length", "0 to " + Integer.MAX_VALUE / 2);
          // The header's own slot is replaced by its elements; an attribute keeps the slot
          // for the value it decorates.
          left += switch (t) {
            case '%' -> 2 * n - 1;
            case '|' -> 2 * n;
            default -> n - 1;
          };
        }
        default -> throw new RespProtocolException("type byte: " + RespScan.show(t) + " (expected: one of +-:$*_,#(=!%~>|)");
      }
      if (next < 0) break;
      p = next;
      progress = p - from;
      owed = left;
    }
    if (owed > 0) return -1;
    int endAt = from + progress;
    reset();
    return endAt;
  }

  /**
   * The same over a Vert.x buffer, from {@code from} to its end. Scans the backing array
   * in place when there is one (socket reads are heap buffers), else copies.
   */
  public int next(Buffer b, int from) {
    ByteBuf bb = ((BufferInternal) b).getByteBuf();
    if (bb.hasArray()) {
      int base = bb.arrayOffset() + bb.readerIndex();
      int e = next(bb.array(), base + from, base + b.length());
      return e < 0 ? -1 : e - base;
    }
    byte[] copy = b.getBytes(from, b.length());
    int e = next(copy, 0, copy.length);
    return e < 0 ? -1 : e + from;
  }
}
