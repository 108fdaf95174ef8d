package io.redisha.interop;

/** The Lettuce suite with the gateway in front of our node: the same answers as a direct redis-server. */
class ClientLibrariesLettuceThroughGatewayTest extends ClientLibrariesLettuceTest {
  @Override
  ServerPair.Mode mode() {
    return ServerPair.Mode.GATEWAY_OVER_NODE;
  }
}
