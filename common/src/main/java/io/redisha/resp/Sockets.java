package io.redisha.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.NetSocket;

/**
 * Socket I/O for the RESP connections, around two costs of Vert.x's plain NetSocket API.
 *
 * <p>Reads ({@link #handle}): a socket's reads as bytes the handler may look at during the
 * call only, without the new heap buffer per read that Vert.x's {@code handler(Buffer)}
 * copies each read into.
 *
 * <p>Netty's own buffer comes through {@link NetSocketInternal#messageHandler} and is
 * copied into one array per event-loop thread, which every connection on that loop
 * shares: the parsers here keep an unfinished tail in their own arrays, never the
 * caller's. A read that arrives while that array is in use (a command that resumed
 * another connection's socket, whose queued reads are then delivered at once) gets an
 * array of its own. Pausing the socket works as with a Buffer handler.
 */
public final class Sockets {

  /** The bytes of one read, {@code a[off, off + len)}, valid during the call only. */
  public interface Handler {
    void onBytes(byte[] a, int off, int len);
  }

  private static final class Scratch {
    byte[] bytes = new byte[64 * 1024];
    boolean busy;
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private Sockets() {}

  /**
   * Writes: {@code socket.write(Buffer)} hands Netty an unreleasable view of a pooled
   * direct buffer (Vert.x 5's {@code getByteBuf()}), so the pool never gets it back and
   * only the garbage collector frees it. This passes the buffer itself, which Netty
   * releases once written; a heap buffer's release does nothing, so any Buffer may come
   * here, but only once.
   */
  public static Future<Void> write(NetSocket socket, Buffer b) {
    if (socket instanceof NetSocketInternal internal && b instanceof BufferImpl impl) return internal.writeMessage(impl.byteBuf());
    return socket.write(b);
  }

  /**
   * A write from the socket's own event loop, for a connection that writes once per
   * loop pass: straight into the channel pipeline and flushed, without what
   * {@link #write} costs per call on top of the system call (a promise, a queued
   * message, the queue's atomic bookkeeping: some 5% of the gateway's loop time at one
   * request per round trip, in a profile). Netty releases the buffer once written.
   *
   * <p>Writes that bypass Vert.x's queue never fill it, so {@code writeQueueFull} and
   * {@code drainHandler} no longer tell anything for such a socket: its backpressure is
   * Netty's, through {@link #writable} and {@link #onWritable}. Off the event loop, on
   * a socket that is not Vert.x's own, or while earlier {@link #write}s wait in Vert.x's
   * queue (they must go first), this is {@link #write}.
   */
  public static void writeNow(NetSocket socket, ByteBuf b) {
    if (socket instanceof VertxConnection c && c.channelHandlerContext().executor().inEventLoop() && !c.writeQueueFull()) {
      c.write(b, false);
    } else {
      write(socket, BufferInternal.buffer(b));
    }
  }

  /** {@link #writeNow} for a Buffer that {@link #write} could take. */
  public static void writeNow(NetSocket socket, Buffer b) {
    if (b instanceof BufferImpl impl) writeNow(socket, impl.byteBuf());
    else socket.write(b);
  }

  /** False while more than the socket's high-water mark of written bytes wait to be sent. */
  public static boolean writable(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) return internal.channelHandlerContext().channel().isWritable();
    return !socket.writeQueueFull();
  }

  /** Runs on the event loop each time the socket becomes {@link #writable} again. */
  public static void onWritable(NetSocket socket, Runnable r) {
    if (!(socket instanceof NetSocketInternal internal)) {
      socket.drainHandler(v -> r.run());
      return;
    }
    internal.channelHandlerContext().pipeline().addFirst(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) r.run();
        ctx.fireChannelWritabilityChanged();
      }
    });
  }

  /** Gives a pooled buffer back that will not be written after all. */
  public static void discard(Buffer b) {
    if (b instanceof BufferImpl impl) ReferenceCountUtil.release(impl.byteBuf());
  }

  public static void handle(NetSocket socket, Handler h) {
    if (socket instanceof NetSocketInternal internal) {
      internal.messageHandler(msg -> deliver(msg, h));
    } else {
      socket.handler(b -> {
        byte[] a = b.getBytes();
        h.onBytes(a, 0, a.length);
      });
    }
  }

  private static void deliver(Object msg, Handler h) {
    if (!(msg instanceof ByteBuf bb)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      int n = bb.readableBytes();
      if (bb.hasArray()) {
        h.onBytes(bb.array(), bb.arrayOffset() + bb.readerIndex(), n);
        return;
      }
      Scratch s = SCRATCH.get();
      if (s.busy) {
        h.onBytes(ByteBufUtil.getBytes(bb), 0, n);
        return;
      }
      if (s.bytes.length < n) s.bytes = new byte[n];
      bb.getBytes(bb.readerIndex(), s.bytes, 0, n);
      s.busy = true;
      try {
        h.onBytes(s.bytes, 0, n);
      } finally {
        s.busy = false;
      }
    } finally {
      bb.release();
    }
  }
}
