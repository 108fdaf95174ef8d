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

  /** What stands on "our" side of the comparison. */
  enum Mode {
    /** Our node. */
    NODE,
    /** A second real redis-server: the control run. */
    CONTROL,
    /** The gateway in front of a second real redis-server. */
    GATEWAY,
    /** The gateway in front of our node: the whole product. */
    GATEWAY_OVER_NODE;

    /** NODE, unless -Dinterop.control=true or -Dinterop.gateway=true says otherwise. */
    static Mode fromProperties() {
      if (Boolean.getBoolean("interop.control")) return CONTROL;
      if (Boolean.getBoolean("interop.gateway")) return GATEWAY;
      return NODE;
    }
  }

  static final boolean CONTROL = Mode.fromProperties() == Mode.CONTROL;

  private final TestNode node;
  private final RealRedis control;
  private final RealRedis real;
  private io.redisha.gateway.Gateway gateway;

  ServerPair(String... options) throws Exception {
    this(Mode.fromProperties(), options);
  }

  ServerPair(Mode mode, String... options) throws Exception {
    real = RealRedis.start(options);
    if (mode == Mode.GATEWAY || mode == Mode.GATEWAY_OVER_NODE) {
      control = mode == Mode.GATEWAY ? RealRedis.start(options) : null;
      node = mode == Mode.GATEWAY_OVER_NODE ? TestNode.start(options) : null;
      int backend = control != null ? control.port : node.port();
      java.util.List<String> g = new java.util.ArrayList<>(java.util.List.of("--port", "0", "--bind", "127.0.0.1",
          "--loglevel", "warning", "--master", "127.0.0.1", Integer.toString(backend)));
      for (int i = 0; i + 1 < options.length; i++) {
        if (options[i].equals("--requirepass")) g.addAll(java.util.List.of("--requirepass", options[i + 1], "--backend-auth-pass", options[i + 1]));
      }
      gateway = io.redisha.gateway.Gateway.startAndAwaitMaster(g.toArray(String[]::new));
    } else if (mode == Mode.CONTROL) {
      control = RealRedis.start(options);
      node = null;
    } else {
      node = TestNode.start(options);
      control = null;
    }
  }

  int ours() {
    if (gateway != null) return gateway.port();
    return node != null ? node.port() : control.port;
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
