package io.redisha.resp;

import io.netty.buffer.ByteBuf;
import io.redisha.resp.RespValue.Type;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental parser for what a Redis-protocol server sends back: RESP2 and RESP3
 * replies, fed from the socket one read at a time, each complete top-level reply
 * handed to the consumer as a {@link RespValue}.
 *
 * <p>It knows nothing about commands. Partial input costs no rework: an aggregate's
 * header and finished elements stay on a small stack, and only an unfinished scalar
 * (a bulk still arriving, a line without its CRLF) is rolled back to its first byte
 * and looked at again when more bytes come. Hard caps bound what a broken or hostile
 * peer can make it hold: bulk length, line length and nesting depth. Anything that is
 * not RESP fails the reader for good; the connection must then be closed.
 *
 * <p>Hand-written rather than Netty's RedisDecoder because that decoder is RESP2 only,
 * and vertx-redis-client's parser is internal to that client.
 */
public final class RespReader implements Handler<Buffer> {

  public static final long DEFAULT_MAX_BULK = 512L * 1024 * 1024;
  public static final int DEFAULT_MAX_DEPTH = 32;
  public static final int DEFAULT_MAX_LINE = 1024 * 1024;
  private static final int SHRINK_ABOVE = 64 * 1024;
  private static final RespValue[] NO_ELEMENTS = new RespValue[0];

  /** One aggregate being filled. Frames are reused; the stack only grows to maxDepth. */
  private static final class Frame {
    Type type;
    long expected;
    RespValue[] items;
    int filled;
    /** An attribute received at this level, waiting for the element it decorates. */
    RespValue pendingAttributes;
  }

  private final Consumer<RespValue> onValue;
  private Consumer<RespProtocolException> onError;
  private long maxBulk = DEFAULT_MAX_BULK;
  private int maxDepth = DEFAULT_MAX_DEPTH;
  private int maxLine = DEFAULT_MAX_LINE;

  private static final byte[] EMPTY = RespScan.EMPTY;
  /** Holds an unfinished reply between reads; empty while nothing is pending. */
  private byte[] own = EMPTY;
  /** What is being parsed: {@link #own}, or the caller's array during {@link #feed}. */
  private byte[] buf = EMPTY;
  private int start;
  private int end;
  /** Where the CR search resumes, as an offset from {@link #start}, so a long line is not rescanned. */
  private int scanned;

  private Frame[] stack = new Frame[4];
  private int depth;
  private RespValue pendingTopAttributes;
  private RespProtocolException failure;
  private boolean running;
  private boolean paused;
  private boolean skipNewlines;

  public RespReader(Consumer<RespValue> onValue) {
    this.onValue = onValue;
  }

  /** Where a protocol violation goes; without one, {@link #handle} throws it. */
  public RespReader exceptionHandler(Consumer<RespProtocolException> onError) {
    this.onError = onError;
    return this;
  }

  public RespReader maxBulkLength(long maxBulk) {
    this.maxBulk = maxBulk;
    return this;
  }

  public RespReader maxDepth(int maxDepth) {
    this.maxDepth = maxDepth;
    return this;
  }

  public RespReader maxLineLength(int maxLine) {
    this.maxLine = maxLine;
    return this;
  }

  /**
   * Skips a bare LF where a top-level reply would start: a master sends those as
   * keepalives to a replica while it prepares the RDB payload.
   */
  public RespReader skipKeepaliveNewlines(boolean skip) {
    this.skipNewlines = skip;
    return this;
  }

  /**
   * Stops after the value being delivered (call it from the consumer): the bytes after
   * it stay buffered, for {@link #resume()} or for {@link #takePending()} when the
   * stream switches to something that is not RESP (a replica's RDB payload).
   */
  public void pause() {
    paused = true;
  }

  public void resume() {
    if (!paused) return;
    paused = false;
    if (failure == null && !running && start < end) run();
  }

  /** Hands over the buffered bytes not parsed yet and forgets them; only between replies. */
  public byte[] takePending() {
    if (running || depth != 0 || pendingTopAttributes != null) {
      throw new IllegalStateException("takePending() inside a reply");
    }
    byte[] rest = Arrays.copyOfRange(buf, start, end);
    start = end = 0;
    if (buf != own) buf = own;
    return rest;
  }

  /** The protocol violation that stopped this reader, or null. */
  public RespProtocolException failure() {
    return failure;
  }

  /** Bytes received and not yet part of a finished value or aggregate header. */
  public int pendingBytes() {
    return end - start;
  }

  /** True between replies: nothing buffered and no aggregate open. */
  public boolean idle() {
    return start == end && depth == 0 && pendingTopAttributes == null;
  }

  @Override
  public void handle(Buffer chunk) {
    if (failure != null) return;
    ByteBuf bb = ((BufferInternal) chunk).getByteBuf();
    if (bb.hasArray()) feed(bb.array(), bb.arrayOffset() + bb.readerIndex(), chunk.length());
    else feed(chunk.getBytes());
  }

  /**
   * Parses {@code a[off, off + len)}, read during this call only. With nothing pending
   * it parses straight from the caller's bytes and copies just an unfinished tail.
   */
  public void feed(byte[] a, int off, int len) {
    if (failure != null || len == 0) return;
    if (running) throw new IllegalStateException("feed() from inside the value consumer");
    if (start == end) {
      buf = a;
      start = off;
      end = off + len;
      scanned = 0;
    } else {
      try {
        ensureRoom(len);
      } catch (RespProtocolException e) {
        fail(e);
        return;
      }
      System.arraycopy(a, off, buf, end, len);
      end += len;
    }
    run();
  }

  public void feed(byte[] a) {
    feed(a, 0, a.length);
  }

  /** Parses a byte string holding whole replies, e.g. in tests; throws if it ends mid-reply. */
  public static List<RespValue> parseAll(byte[] a) {
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    r.feed(a);
    if (!r.idle()) throw new RespProtocolException("input: ends inside a reply (expected: whole replies)");
    return out;
  }

  private void run() {
    if (running) throw new IllegalStateException("feed() from inside the value consumer");
    running = true;
    try {
      while (start < end && !paused && step()) {
        // each step finished one value or header
      }
    } catch (RespProtocolException e) {
      fail(e);
    } finally {
      running = false;
      // Also when the consumer threw: never keep the caller's array.
      if (failure == null) settle();
    }
  }

  /** Keeps the unfinished tail in our own array; releases a big one once it is empty. */
  private void settle() {
    int n = end - start;
    if (buf == own && n > 0) return; // already ours: no copy per read
    own = buf = RespScan.keepTail(own, buf, start, n, SHRINK_ABOVE);
    start = 0;
    end = n;
  }

  private void fail(RespProtocolException e) {
    failure = e;
    start = end = 0;
    own = buf = EMPTY;
    stack = new Frame[0];
    depth = 0;
    pendingTopAttributes = null;
    if (onError == null) throw e;
    onError.accept(e);
  }

  /** Parses one scalar or aggregate header at {@link #start}; false when it is incomplete. */
  private boolean step() {
    final byte[] a = buf;
    int p = start;
    byte t = a[p];
    if (t == '\n' && skipNewlines && depth == 0 && pendingTopAttributes == null) {
      advance(p + 1);
      return true;
    }
    int cr = RespScan.lineEnd(a, p + Math.max(1, scanned), end);
    if (cr < 0) {
      scanned = Math.max(1, end - p - 1); // the last byte may be a CR whose LF is on its way
      if (end - p > maxLine) throw new RespProtocolException("line length: over " + maxLine + " bytes (expected: a CRLF)");
      return false;
    }
    int body = p + 1;
    int next = cr + 2;
    RespValue v;
    switch (t) {
      case '+' -> v = RespValue.text(Type.SIMPLE, Arrays.copyOfRange(a, body, cr));
      case '-' -> v = RespValue.text(Type.ERROR, Arrays.copyOfRange(a, body, cr));
      case ':' -> v = RespValue.integer(RespScan.parseLong(a, body, cr, "integer"));
      case '_' -> {
        if (cr != body) throw RespScan.bad(a, body, cr, "null", "nothing");
        v = RespValue.NULL;
      }
      case '#' -> {
        if (cr != body + 1 || (a[body] != 't' && a[body] != 'f')) throw RespScan.bad(a, body, cr, "boolean", "t or f");
        v = RespValue.bool(a[body] == 't');
      }
      case ',' -> {
        checkDouble(a, body, cr);
        v = RespValue.text(Type.DOUBLE, Arrays.copyOfRange(a, body, cr));
      }
      case '(' -> {
        checkBigNumber(a, body, cr);
        v = RespValue.text(Type.BIG_NUMBER, Arrays.copyOfRange(a, body, cr));
      }
      case '$', '=', '!' -> {
        long len = RespScan.parseLong(a, body, cr, "bulk length");
        if (len == -1 && t == '$') {
          v = RespValue.NULL;
          break;
        }
        if (len < 0 || len > maxBulk || len > Integer.MAX_VALUE - 16) {
          throw RespScan.bad(a, body, cr, "bulk length", "0 to " + Math.min(maxBulk, Integer.MAX_VALUE - 16));
        }
        if (end - next < len + 2) {
          scanned = cr - p; // the header is whole; only the data is missing
          return false;
        }
        int dataEnd = next + (int) len;
        if (a[dataEnd] != '\r' || a[dataEnd + 1] != '\n') {
          throw RespScan.bad(a, dataEnd, dataEnd + 2, "bulk end", "CRLF after " + len + " bytes");
        }
        if (t == '=' && (len < 4 || a[next + 3] != ':')) {
          throw RespScan.bad(a, next, Math.min(dataEnd, next + 4), "verbatim string", "a three-letter format and ':'");
        }
        Type type = t == '$' ? Type.BULK : t == '=' ? Type.VERBATIM : Type.BLOB_ERROR;
        v = RespValue.text(type, Arrays.copyOfRange(a, next, dataEnd));
        next = dataEnd + 2;
      }
      case '*', '%', '~', '>', '|' -> {
        long n = RespScan.parseLong(a, body, cr, "aggregate length");
        if (n == -1 && t == '*') {
          v = RespValue.NULL;
          break;
        }
        if (n < 0 || n > Integer.MAX_VALUE / 2) throw RespScan.bad(a, body, cr, "aggregate length", "0 to " + Integer.MAX_VALUE / 2);
        advance(next);
        open(t, n);
        return true;
      }
      default -> throw new RespProtocolException("type byte: " + RespScan.show(t) + " (expected: one of +-:$*_,#(=!%~>|)");
    }
    advance(next);
    emit(v);
    return true;
  }

  private void advance(int next) {
    start = next;
    scanned = 0;
  }

  private void open(byte t, long n) {
    Type type = switch (t) {
      case '*' -> Type.ARRAY;
      case '%' -> Type.MAP;
      case '~' -> Type.SET;
      case '>' -> Type.PUSH;
      default -> Type.ATTRIBUTE;
    };
    long count = type == Type.MAP || type == Type.ATTRIBUTE ? 2 * n : n;
    if (count == 0) {
      emit(RespValue.aggregate(type, NO_ELEMENTS));
      return;
    }
    if (depth >= maxDepth) throw new RespProtocolException("nesting depth: over " + maxDepth + " (expected: shallower replies)");
    if (depth == stack.length) stack = Arrays.copyOf(stack, Math.min(stack.length * 2, maxDepth));
    Frame f = stack[depth];
    if (f == null) f = stack[depth] = new Frame();
    depth++;
    f.type = type;
    f.expected = count;
    // The count is the peer's claim: memory grows with the elements that really arrive.
    f.items = new RespValue[(int) Math.min(count, 1024)];
    f.filled = 0;
    f.pendingAttributes = null;
  }

  /** Hands a finished value to its aggregate, closing every aggregate it completes. */
  private void emit(RespValue v) {
    while (true) {
      Frame top = depth == 0 ? null : stack[depth - 1];
      RespValue attrs = top == null ? pendingTopAttributes : top.pendingAttributes;
      if (attrs != null) {
        v = v.withAttributes(attrs);
        if (top == null) pendingTopAttributes = null;
        else top.pendingAttributes = null;
      }
      if (v.type() == Type.ATTRIBUTE) {
        // An attribute is not an element: it waits for the value it describes.
        if (top == null) pendingTopAttributes = v;
        else top.pendingAttributes = v;
        return;
      }
      if (top == null) {
        onValue.accept(v);
        return;
      }
      if (top.filled == top.items.length) {
        top.items = Arrays.copyOf(top.items, (int) Math.min(top.expected, 2L * top.items.length));
      }
      top.items[top.filled++] = v;
      if (top.filled < top.expected) return;
      RespValue done = RespValue.aggregate(top.type, top.items);
      top.items = null;
      depth--;
      v = done;
    }
  }

  /** Redis sends %.17g output, inf, -inf or nan; RESP3 also allows a leading '+'. */
  private static void checkDouble(byte[] a, int from, int to) {
    String s = RespScan.ascii(a, from, to);
    switch (s) {
      case "inf", "-inf", "+inf", "nan" -> {
        return;
      }
      default -> {
      }
    }
    boolean digit = false;
    for (int i = from; i < to; i++) {
      byte c = a[i];
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
        digit = false;
        break;
      }
    }
    boolean ok = digit;
    if (ok) {
      try {
        Double.parseDouble(s);
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) throw RespScan.bad(a, from, to, "double", "a decimal, inf, -inf or nan");
  }

  private static void checkBigNumber(byte[] a, int from, int to) {
    int p = from < to && (a[from] == '-' || a[from] == '+') ? from + 1 : from;
    if (p == to) throw RespScan.bad(a, from, to, "big number", "digits");
    for (; p < to; p++) {
      if (a[p] < '0' || a[p] > '9') throw RespScan.bad(a, from, to, "big number", "digits");
    }
  }

  /** Called with a pending tail, so buf is {@link #own}. */
  private void ensureRoom(int n) {
    if (end + n <= buf.length) return;
    byte[] b = RespScan.withRoom(buf, start, end, n);
    if (b == null) throw new RespProtocolException("buffer: over 2 GB (expected: smaller replies)");
    own = buf = b;
    end -= start;
    start = 0;
  }
}
