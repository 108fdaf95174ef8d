package io.redisha.resp;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
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

  /** Receives what the parser finds, in order. */
  public interface Sink {
    void onCommand(byte[][] args);

    /** The message is Redis's text without the {@code -ERR } prefix. */
    void onProtocolError(String message);
  }

  private final Sink sink;
  private long maxBulkLen = 512L * 1024 * 1024;
  private boolean authRequired;

  private byte[] buf = new byte[16 * 1024];
  private int start;
  private int end;

  // Multibulk state carried across reads, as redis-server keeps it in the client.
  private int multibulkLen;
  private long bulkLen = -1;
  private byte[][] args;
  private int argCount;
  private boolean failed;
  private boolean paused;

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

  /**
   * Stops handing out commands (the bytes stay buffered) until {@link #resume}: the
   * server pauses a client that blocks or whose replies pile up unread.
   */
  public void pause() {
    paused = true;
  }

  /** Hands out the buffered commands, unless a command pauses the parser again. */
  public void resume() {
    paused = false;
    parse();
  }

  public boolean paused() {
    return paused;
  }

  public void feed(Buffer data) {
    if (failed) return;
    int n = data.length();
    ensureRoom(n);
    data.getBytes(0, n, buf, end);
    end += n;
    parse();
  }

  public void feed(byte[] data) {
    if (failed) return;
    ensureRoom(data.length);
    System.arraycopy(data, 0, buf, end, data.length);
    end += data.length;
    parse();
  }

  private void ensureRoom(int n) {
    if (end + n <= buf.length) return;
    int live = end - start;
    if (live + n <= buf.length && start > 0) {
      System.arraycopy(buf, start, buf, 0, live);
    } else {
      byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
      System.arraycopy(buf, start, bigger, 0, live);
      buf = bigger;
    }
    start = 0;
    end = live;
  }

  private void parse() {
    while (!failed && !paused && start < end) {
      boolean progressed;
      if (multibulkLen == 0 && buf[start] != '*') {
        progressed = parseInline();
      } else {
        progressed = parseMultibulk();
      }
      if (!progressed) break;
    }
    if (start == end && !paused) {
      start = 0;
      end = 0;
      if (buf.length > 64 * 1024 && multibulkLen == 0) buf = new byte[16 * 1024];
    }
  }

  private boolean parseInline() {
    int nl = indexOf((byte) '\n', start, end);
    if (nl < 0) {
      if (end - start > INLINE_MAX) fail("Protocol error: too big inline request");
      return false;
    }
    int lineEnd = nl;
    if (lineEnd > start && buf[lineEnd - 1] == '\r') lineEnd--;
    List<byte[]> parts = ArgSplitter.split(buf, start, lineEnd);
    start = nl + 1;
    if (parts == null) {
      fail("Protocol error: unbalanced quotes in request");
      return false;
    }
    if (!parts.isEmpty()) sink.onCommand(parts.toArray(NO_ARGS));
    return true;
  }

  private boolean parseMultibulk() {
    if (multibulkLen == 0) {
      int cr = indexOf((byte) '\r', start, end);
      if (cr < 0) {
        if (end - start > INLINE_MAX) fail("Protocol error: too big mbulk count string");
        return false;
      }
      if (cr + 1 >= end) return false; // the '\n' has not arrived yet
      long ll = parseLong(start + 1, cr);
      if (ll == Long.MIN_VALUE || ll > Integer.MAX_VALUE) {
        fail("Protocol error: invalid multibulk length");
        return false;
      }
      if (ll > UNAUTH_MAX_ARGS && authRequired) {
        fail("Protocol error: unauthenticated multibulk length");
        return false;
      }
      start = cr + 2;
      if (ll <= 0) return true; // an empty request is skipped, as redis-server does
      multibulkLen = (int) ll;
      args = new byte[(int) Math.min(ll, 1024)][];
      argCount = 0;
      bulkLen = -1;
    }
    while (multibulkLen > 0) {
      if (bulkLen == -1) {
        int cr = indexOf((byte) '\r', start, end);
        if (cr < 0) {
          if (end - start > INLINE_MAX) fail("Protocol error: too big bulk count string");
          return false;
        }
        if (cr + 1 >= end) return false;
        if (buf[start] != '$') {
          fail("Protocol error: expected '$', got '" + (char) (buf[start] & 0xff) + "'");
          return false;
        }
        long ll = parseLong(start + 1, cr);
        if (ll == Long.MIN_VALUE || ll < 0 || ll > maxBulkLen) {
          fail("Protocol error: invalid bulk length");
          return false;
        }
        if (ll > UNAUTH_MAX_BULK && authRequired) {
          fail("Protocol error: unauthenticated bulk length");
          return false;
        }
        start = cr + 2;
        bulkLen = ll;
      }
      if (end - start < bulkLen + 2) {
        ensureRoom((int) Math.min(bulkLen + 2, Integer.MAX_VALUE - 16) - (end - start));
        return false;
      }
      byte[] arg = new byte[(int) bulkLen];
      System.arraycopy(buf, start, arg, 0, (int) bulkLen);
      start += (int) bulkLen + 2;
      if (argCount == args.length) {
        byte[][] bigger = new byte[Math.min(args.length * 2, argCount + multibulkLen)][];
        System.arraycopy(args, 0, bigger, 0, argCount);
        args = bigger;
      }
      args[argCount++] = arg;
      bulkLen = -1;
      multibulkLen--;
    }
    byte[][] done = argCount == args.length ? args : java.util.Arrays.copyOf(args, argCount);
    args = null;
    sink.onCommand(done);
    return true;
  }

  private void fail(String message) {
    failed = true;
    start = end = 0;
    sink.onProtocolError(message);
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) return i;
    }
    return -1;
  }

  /** Redis's string2ll for a header: Long.MIN_VALUE when it is not a plain integer. */
  private long parseLong(int from, int to) {
    if (from >= to || to - from > 20) return Long.MIN_VALUE;
    boolean neg = false;
    int p = from;
    if (buf[p] == '-') {
      neg = true;
      p++;
      if (p == to) return Long.MIN_VALUE;
    }
    long v = 0;
    for (; p < to; p++) {
      byte c = buf[p];
      if (c < '0' || c > '9') return Long.MIN_VALUE;
      v = v * 10 + (c - '0');
      if (v < 0) return Long.MIN_VALUE;
    }
    return neg ? -v : v;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
