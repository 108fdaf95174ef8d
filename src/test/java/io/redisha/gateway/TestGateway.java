package io.redisha.gateway;

import io.redisha.testing.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A gateway in this JVM on an ephemeral port; options are gateway.conf directives as --options. */
final class TestGateway implements AutoCloseable {

  final Gateway gw;

  private TestGateway(Gateway gw) {
    this.gw = gw;
  }

  static TestGateway start(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--loglevel", "warning",
        "--check-interval-ms", "200"));
    args.addAll(List.of(options));
    Gateway gw = new Gateway(GatewayConfig.fromArgs(args.toArray(String[]::new)));
    gw.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    TestGateway t = new TestGateway(gw);
    t.awaitMaster(10_000);
    return t;
  }

  /** Polls until the gateway serves a write, or fails saying so. */
  void awaitMaster(long ms) throws Exception {
    long deadline = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < deadline) {
      if (gw.topology != null && gw.topology.master != null) return;
      Thread.sleep(20);
    }
    throw new AssertionError("the gateway found no master within " + ms + " ms");
  }

  int port() {
    return gw.port();
  }

  RespClient client() throws IOException {
    return new RespClient(port());
  }

  @Override
  public void close() throws Exception {
    gw.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
