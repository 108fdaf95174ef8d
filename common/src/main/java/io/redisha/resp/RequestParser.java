package io.redisha.resp;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser for what clients send to a Redis server: RESP multibulk
 * requests and inline commands, fed from the socket one read at a time.
 *
 * <p>It knows nothing about commands. Each complete request goes to the {@link Sink} as
 * soon as it is parsed, before the next one is looked at, so a command that changes
 * the parser's limits (AUTH) takes effect for the rest of the same read, exactly as
 * in redis-server, which parses and runs one command at a time.
 *
 * <p>Limits and error texts are redis-server 7.0's: an unauthenticated client may
 * send at most 10 arguments of at most 16384 bytes each; otherwise a bulk may reach
 * {@code proto-max-bulk-len}. After a protocol error the parser is dead: the caller
 * replies with the error and closes that connection only.
 *
 * <p>Hand-written rather than Netty's RedisDecoder because that decoder speaks RESP2
 * replies, not requests, has no inline-command quoting, and cannot reproduce Redis's
 * limits and error texts, which clients and tests depend on.
 */
public final class RequestParser {

  /** Longest inline request or header line redis-server accepts without a newline. */
  public static final int INLINE_MAX = 64 * 1024;
  static final int UNAUTH_MAX_ARGS = 10;
  static final int UNAUTH_MAX_BULK = 16384;
  private static final byte[][] NO_ARGS = new byte[0][];
  private static final byte[] EMPTY = RespScan.EMPTY;
  /** Longest bulk a Java array holds; a bigger proto-max-bulk-len cannot be honoured. */
  static final long MAX_ARRAY = RespScan.MAX_ARRAY;
  private static final int SHRINK_ABOVE = 16 * 1024;

  /** Receives what the parser finds, in order. */
  public interface Sink {
    void onCommand(byte[][] args);

    /**
     * The message is Redis's text without the {@code -ERR } prefix. Each char stands
     * for one byte (ISO-8859-1): "expected '$', got 'c'" quotes the offending byte as
     * is, so encode it with {@link ReplyWriter#error(byte[])} to match Redis exactly.
     * The parser is dead afterwards; the caller replies and closes the connection.
     */
    void onProtocolError(String message);
  }

  private final Sink sink;
  private long maxBulkLen = 512L * 1024 * 1024;
  private boolean authRequired;

  /** Holds an unfinished request between reads; empty while nothing is pending. */
  private byte[] own = EMPTY;
  /** What is being parsed: {@link #own}, or the caller's array during {@link #feed}. */
  private byte[] buf = EMPTY;
  private int start;
  private int end;
  /** Bytes after {@link #start} already searched for the line end, so a long line is not rescanned. */
  private int searched;

  // Multibulk state carried across reads, as redis-server keeps it in the client.
  private int multibulkLen;
  private long bulkLen = -1;
  private byte[][] args;
  private int argCount;
  private boolean failed;
  private boolean paused;
  private boolean numberOk;
  private boolean parsing;

  public RequestParser(Sink sink) {
    this.sink = sink;
  }

  public void setMaxBulkLen(long maxBulkLen) {
    this.maxBulkLen = maxBulkLen;
  }

  /** While true, the unauthenticated limits apply to the requests still to be parsed. */
  public void setAuthRequired(boolean authRequired) {
    this.authRequired = authRequired;
  }

  /** Bytes received but not yet consumed (Redis's qbuf). */
  public int pendingBytes() {
    return end - start;
  }

  public boolean failed() {
    return failed;
  }

  public void feed(Buffer data) {
    if (failed) return;
    ByteBuf bb = ((BufferInternal) data).getByteBuf();
    if (bb.hasArray()) feed(bb.array(), bb.arrayOffset() + bb.readerIndex(), data.length());
    else feed(data.getBytes());
  }

  public void feed(byte[] data) {
    feed(data, 0, data.length);
  }

  /**
   * Parses {@code a[off, off + len)}, which the parser reads during this call only. When
   * nothing is pending (the usual case) it parses straight from the caller's bytes and
   * copies only an unfinished request at the end, so most reads cost no copy and an idle
   * connection holds no buffer.
   */
  public void feed(byte[] a, int off, int len) {
    if (failed || len == 0) return;
    if (parsing) throw new IllegalStateException("feed() from inside the sink");
    if (start == end) {
      buf = a;
      start = off;
      end = off + len;
      searched = 0;
    } else {
      ensureRoom(len);
      System.arraycopy(a, off, buf, end, len);
      end += len;
    }
    try {
      parse();
    } finally {
      settle(); // also when the sink threw: never keep the caller's array
    }
  }

  /** After parsing: keeps the unfinished tail in our own array, releasing a big one when empty. */
  private void settle() {
    if (failed) return;
    int n = end - start;
    if (buf == own && n > 0) return; // already ours: no copy per read
    own = buf = RespScan.keepTail(own, buf, start, n, SHRINK_ABOVE);
    start = 0;
    end = n;
  }

  /** Called with a pending tail, so buf is {@link #own}. */
  private void ensureRoom(int n) {
    if (end + n <= buf.length) return;
    byte[] b = RespScan.withRoom(buf, start, end, n);
    if (b == null) throw new IllegalStateException("query buffer over 2 GB");
    own = buf = b;
    end -= start;
    start = 0;
  }

  /**
   * Stops handing commands to the sink after the current one (a blocked client, as
   * redis-server stops reading a blocked client's query buffer); what arrives meanwhile
   * is kept. {@link #resume()} carries on with the kept bytes.
   */
  public void pause() {
    paused = true;
  }

  /** Carries on with the kept bytes; from inside {@link Sink#onCommand} it only clears the pause. */
  public void resume() {
    if (!paused) return;
    paused = false;
    if (!failed && !parsing) {
      parse();
      settle();
    }
  }

  public boolean paused() {
    return paused;
  }

  private void parse() {
    if (parsing) return; // resume() from inside onCommand: the running loop carries on
    parsing = true;
    try {
      while (!failed && !paused && start < end) {
        boolean progressed;
        if (multibulkLen == 0 && buf[start] != '*') {
          progressed = parseInline();
        } else {
          progressed = parseMultibulk();
        }
        if (!progressed) break;
      }
    } finally {
      parsing = false;
    }
  }

  private boolean parseInline() {
    int nl = find((byte) '\n');
    if (nl < 0) {
      if (end - start > INLINE_MAX) fail("Protocol error: too big inline request");
      return false;
    }
    int lineEnd = nl;
    if (lineEnd > start && buf[lineEnd - 1] == '\r') lineEnd--;
    List<byte[]> parts = ArgSplitter.split(buf, start, lineEnd);
    consumeTo(nl + 1);
    if (parts == null) {
      fail("Protocol error: unbalanced quotes in request");
      return false;
    }
    if (!parts.isEmpty()) sink.onCommand(parts.toArray(NO_ARGS));
    return true;
  }

  private boolean parseMultibulk() {
    if (multibulkLen == 0) {
      int cr = find((byte) '\r');
      if (cr < 0) {
        if (end - start > INLINE_MAX) fail("Protocol error: too big mbulk count string");
        return false;
      }
      // Only the presence of a byte after '\r' is checked, not that it is '\n'.
      if (cr + 1 >= end) return false;
      long ll = string2ll(start + 1, cr);
      if (!numberOk || ll > Integer.MAX_VALUE) {
        fail("Protocol error: invalid multibulk length");
        return false;
      }
      if (ll > UNAUTH_MAX_ARGS && authRequired) {
        fail("Protocol error: unauthenticated multibulk length");
        return false;
      }
      consumeTo(cr + 2);
      if (ll <= 0) return true; // "*0" and "*-1" are skipped without a reply
      multibulkLen = (int) ll;
      args = new byte[(int) Math.min(ll, 1024)][];
      argCount = 0;
      bulkLen = -1;
    }
    while (multibulkLen > 0) {
      if (bulkLen == -1) {
        int cr = find((byte) '\r');
        if (cr < 0) {
          if (end - start > INLINE_MAX) fail("Protocol error: too big bulk count string");
          return false;
        }
        if (cr + 1 >= end) return false;
        if (buf[start] != '$') {
          fail("Protocol error: expected '$', got '" + (char) (buf[start] & 0xff) + "'");
          return false;
        }
        long ll = string2ll(start + 1, cr);
        if (!numberOk || ll < 0 || ll > maxBulkLen || ll > MAX_ARRAY) {
          fail("Protocol error: invalid bulk length");
          return false;
        }
        if (ll > UNAUTH_MAX_BULK && authRequired) {
          fail("Protocol error: unauthenticated bulk length");
          return false;
        }
        consumeTo(cr + 2);
        bulkLen = ll;
      }
      // The two bytes after the data are skipped unchecked, as redis-server does.
      if (end - start < bulkLen + 2) return false;
      int n = (int) bulkLen;
      byte[] arg = n == 0 ? EMPTY : new byte[n];
      System.arraycopy(buf, start, arg, 0, n);
      consumeTo(start + n + 2);
      if (argCount == args.length) {
        args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, (long) argCount + multibulkLen));
      }
      args[argCount++] = arg;
      bulkLen = -1;
      multibulkLen--;
    }
    byte[][] done = argCount == args.length ? args : Arrays.copyOf(args, argCount);
    args = null;
    sink.onCommand(done);
    return true;
  }

  private void fail(String message) {
    failed = true;
    start = end = 0;
    own = buf = EMPTY;
    args = null;
    sink.onProtocolError(message);
  }

  /**
   * Where {@code b} first occurs after {@link #start}, or -1. redis-server looks for line
   * ends with strchr on its NUL-terminated query buffer, so a NUL byte before the line
   * end hides it: the request stays incomplete until the size limit makes it an error.
   */
  private int find(byte b) {
    for (int i = start + searched; i < end; i++) {
      byte c = buf[i];
      if (c == b) return i;
      if (c == 0) {
        searched = i - start;
        return -1;
      }
    }
    searched = end - start;
    return -1;
  }

  private void consumeTo(int p) {
    start = p;
    searched = 0;
  }

  /**
   * redis-server's string2ll: an optional '-', then no leading zeros, no '+', no
   * blanks, at most 20 characters; "-0" is refused. Sets {@link #numberOk}.
   */
  private long string2ll(int from, int to) {
    numberOk = false;
    int len = to - from;
    if (len <= 0 || len > 20) return 0;
    if (len == 1 && buf[from] == '0') {
      numberOk = true;
      return 0;
    }
    int p = from;
    boolean neg = false;
    if (buf[p] == '-') {
      neg = true;
      if (++p == to) return 0;
    }
    if (buf[p] < '1' || buf[p] > '9') return 0;
    long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
    for (; p < to; p++) {
      int d = buf[p] - '0';
      if (d < 0 || d > 9) return 0;
      if (v < (Long.MIN_VALUE + d) / 10) return 0;
      v = v * 10 - d;
    }
    if (!neg && v == Long.MIN_VALUE) return 0;
    numberOk = true;
    return neg ? v : -v;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
