package io.redisha.sentinel;

import io.redisha.resp.RespReader;
import io.redisha.resp.RespValue;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One TCP connection from the sentinel to an instance: either the command link (replies
 * matched to requests through a FIFO) or the pub/sub link (every value goes to one
 * handler). When the connection fails, everything in flight fails once with an error
 * value and the link is dead; the owner makes a new one on its next tick.
 */
final class InstanceLink {

  /** A command link with more than this in flight is considered stuck and dropped. */
  static final int MAX_PENDING = 100;
  private static final RespValue CLOSED = RespValue.error("ERR link closed");

  private final ArrayDeque<Consumer<RespValue>> inFlight = new ArrayDeque<>();
  private final Consumer<RespValue> pushHandler;
  private NetSocket socket;
  private boolean closed;
  private Runnable onClose = () -> {};
  /** When the connection was made or the last attempt failed, for "link down too long". */
  final long createdAt;

  /** pushHandler is null for a command link. */
  InstanceLink(Consumer<RespValue> pushHandler, long now) {
    this.pushHandler = pushHandler;
    this.createdAt = now;
  }

  void connect(NetClient client, String host, int port, Runnable onConnected, Runnable onClose) {
    this.onClose = onClose;
    client.connect(port, host).onComplete(ar -> {
      if (ar.failed()) {
        fail();
        return;
      }
      if (closed) {
        ar.result().close();
        return;
      }
      socket = ar.result();
      RespReader reader = new RespReader(this::onValue);
      reader.exceptionHandler(e -> fail());
      socket.handler(reader);
      socket.closeHandler(v -> fail());
      socket.exceptionHandler(e -> fail());
      onConnected.run();
    });
  }

  boolean connected() {
    return socket != null && !closed;
  }

  boolean closed() {
    return closed;
  }

  /** Our side's address of this connection, or null before it is connected. */
  String localHost() {
    return socket == null ? null : socket.localAddress().host();
  }

  int pending() {
    return inFlight.size();
  }

  void send(List<String> args, Consumer<RespValue> onReply) {
    if (closed) {
      if (onReply != null) onReply.accept(CLOSED);
      return;
    }
    if (socket == null || inFlight.size() >= MAX_PENDING) {
      if (onReply != null) onReply.accept(CLOSED);
      if (inFlight.size() >= MAX_PENDING) fail();
      return;
    }
    inFlight.add(onReply == null ? v -> {} : onReply);
    socket.write(encode(args));
  }

  /** Several commands written at once (a MULTI block); onLast gets the last reply. */
  void sendAll(List<List<String>> commands, Consumer<RespValue> onLast) {
    for (int i = 0; i < commands.size(); i++) send(commands.get(i), i == commands.size() - 1 ? onLast : null);
  }

  private void onValue(RespValue v) {
    if (pushHandler != null) {
      pushHandler.accept(v);
      return;
    }
    Consumer<RespValue> cb = inFlight.poll();
    if (cb != null) cb.accept(v);
  }

  void close() {
    if (closed) return;
    closed = true;
    if (socket != null) socket.close();
    drain();
  }

  private void fail() {
    if (closed) return;
    closed = true;
    if (socket != null) socket.close();
    drain();
    onClose.run();
  }

  private void drain() {
    Consumer<RespValue> cb;
    while ((cb = inFlight.poll()) != null) cb.accept(CLOSED);
  }

  static Buffer encode(List<String> args) {
    StringBuilder sb = new StringBuilder();
    sb.append('*').append(args.size()).append("\r\n");
    Buffer b = Buffer.buffer();
    b.appendString(sb.toString());
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.appendString("$" + bytes.length + "\r\n").appendBytes(bytes).appendString("\r\n");
    }
    return b;
  }
}
