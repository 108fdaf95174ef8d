package io.redisha.interop;

/** The Jedis suite with the gateway in front of our node: the same answers as a direct redis-server. */
class ClientLibrariesJedisThroughGatewayTest extends ClientLibrariesJedisTest {
  @Override
  ServerPair.Mode mode() {
    return ServerPair.Mode.GATEWAY_OVER_NODE;
  }
}
