package io.redisha.gateway;

import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.resp.RespReader;
import io.redisha.resp.RespValue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A small control connection for the topology's questions (SENTINEL, ROLE, INFO) and
 * for sentinel event subscriptions. Not on the data path, so it builds reply objects.
 * Replies are matched in order; when the link fails, every waiting call fails once and
 * the link is dead for good (the owner opens a new one).
 */
final class RespLink {

  private final NetSocket socket;
  private final ArrayDeque<Promise<RespValue>> waiting = new ArrayDeque<>();
  private Consumer<RespValue> pushHandler;
  private boolean closed;
  /** When the oldest unanswered call was sent (System.nanoTime()), for the owner's timeout. */
  private long oldestSentNanos;

  private final io.vertx.core.Vertx vertx;
  /** A call unanswered this long kills the link: a frozen node must not stall the topology. */
  private final long timeoutMs;

  private RespLink(io.vertx.core.Vertx vertx, NetSocket socket, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.socket = socket;
    RespReader reader = new RespReader(this::onValue);
    reader.exceptionHandler(e -> close());
    socket.handler(reader);
    socket.closeHandler(v -> failAll());
    socket.exceptionHandler(e -> close());
  }

  /** Connects and authenticates (an AUTH failure fails the future). */
  static Future<RespLink> open(io.vertx.core.Vertx vertx, NetClient client, HostPort addr, String password, long timeoutMs) {
    return client.connect(addr.port(), addr.host()).compose(s -> {
      RespLink link = new RespLink(vertx, s, timeoutMs);
      if (password == null || password.isEmpty()) return Future.succeededFuture(link);
      return link.call("AUTH", password).compose(r -> {
        if (r.isError()) {
          link.close();
          return Future.failedFuture("AUTH refused by " + addr + ": " + r.asString());
        }
        return Future.succeededFuture(link);
      });
    });
  }

  /** Every reply from now on goes to the handler: for SUBSCRIBE links. */
  void onPush(Consumer<RespValue> handler) {
    this.pushHandler = handler;
  }

  Future<RespValue> call(String... args) {
    if (closed) return Future.failedFuture("link closed");
    Promise<RespValue> p = Promise.promise();
    if (waiting.isEmpty()) oldestSentNanos = System.nanoTime();
    waiting.add(p);
    socket.write(encode(args));
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (!p.future().isComplete()) close();
    });
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  void send(String... args) {
    if (!closed) socket.write(encode(args));
  }

  /** True when a call has waited longer than limitMs. */
  boolean overdue(long limitMs) {
    return !waiting.isEmpty() && System.nanoTime() - oldestSentNanos > limitMs * 1_000_000L;
  }

  boolean closed() {
    return closed;
  }

  void close() {
    if (closed) return;
    closed = true;
    socket.close();
    failAll();
  }

  private void onValue(RespValue v) {
    if (pushHandler != null) {
      pushHandler.accept(v);
      return;
    }
    Promise<RespValue> p = waiting.poll();
    if (!waiting.isEmpty()) oldestSentNanos = System.nanoTime();
    if (p != null) p.complete(v);
  }

  private void failAll() {
    closed = true;
    Promise<RespValue> p;
    while ((p = waiting.poll()) != null) p.tryFail("link closed");
  }

  static Buffer encode(String... args) {
    Buffer b = Buffer.buffer();
    b.appendString("*" + args.length + "\r\n");
    for (String a : args) {
      byte[] x = a.getBytes(StandardCharsets.UTF_8);
      b.appendString("$" + x.length + "\r\n").appendBytes(x).appendString("\r\n");
    }
    return b;
  }
}
