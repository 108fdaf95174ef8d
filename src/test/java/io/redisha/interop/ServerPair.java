package io.redisha.interop;

import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.IOException;

/**
 * Our node and a real redis-server started with the same options, for tests that
 * talk to them through other programs and so need only ports.
 *
 * <p>With {@code -Dinterop.control=true} "ours" is a second real redis-server: a
 * control run that proves a scenario is deterministic against Redis itself, so that
 * when it fails against our node, the node is to blame and not the test.
 */
final class ServerPair implements AutoCloseable {

  static final boolean CONTROL = Boolean.getBoolean("interop.control");
  /** With {@code -Dinterop.gateway=true} "ours" is the gateway in front of another real redis-server. */
  static final boolean GATEWAY = Boolean.getBoolean("interop.gateway");

  private final TestNode node;
  private final RealRedis control;
  private final RealRedis real;
  private io.redisha.gateway.Gateway gateway;

  ServerPair(String... options) throws Exception {
    real = RealRedis.start(options);
    if (GATEWAY) {
      control = RealRedis.start(options);
      node = null;
      java.util.List<String> g = new java.util.ArrayList<>(java.util.List.of("--port", "0", "--bind", "127.0.0.1",
          "--loglevel", "warning", "--master", "127.0.0.1", Integer.toString(control.port)));
      for (int i = 0; i + 1 < options.length; i++) {
        if (options[i].equals("--requirepass")) g.addAll(java.util.List.of("--requirepass", options[i + 1], "--backend-auth-pass", options[i + 1]));
      }
      gateway = io.redisha.gateway.Gateway.startAndAwaitMaster(g.toArray(String[]::new));
    } else if (CONTROL) {
      control = RealRedis.start(options);
      node = null;
    } else {
      node = TestNode.start(options);
      control = null;
    }
  }

  int ours() {
    return gateway != null ? gateway.port() : node != null ? node.port() : control.port;
  }

  int theirs() {
    return real.port;
  }

  RespClient oursClient() throws IOException {
    return new RespClient(ours());
  }

  @Override
  public void close() throws Exception {
    try {
      real.close();
    } finally {
      if (gateway != null) gateway.stop().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      if (node != null) node.close();
      if (control != null) control.close();
    }
  }
}
