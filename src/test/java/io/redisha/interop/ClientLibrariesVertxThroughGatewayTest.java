package io.redisha.interop;

/** The Vertx suite with the gateway in front of our node: the same answers as a direct redis-server. */
class ClientLibrariesVertxThroughGatewayTest extends ClientLibrariesVertxTest {
  @Override
  ServerPair.Mode mode() {
    return ServerPair.Mode.GATEWAY_OVER_NODE;
  }
}
