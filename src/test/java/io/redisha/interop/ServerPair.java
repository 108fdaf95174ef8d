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

  private final TestNode node;
  private final RealRedis control;
  private final RealRedis real;

  ServerPair(String... options) throws Exception {
    real = RealRedis.start(options);
    if (CONTROL) {
      control = RealRedis.start(options);
      node = null;
    } else {
      node = TestNode.start(options);
      control = null;
    }
  }

  int ours() {
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
      if (node != null) node.close();
      if (control != null) control.close();
    }
  }
}
