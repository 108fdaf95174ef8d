package io.redisha.interop;

/** The {@link ClientLibrariesTest} scenarios through Jedis 8 over RESP2. */
class ClientLibrariesJedisTest extends ClientLibrariesTest {
  @Override
  ClientSession.Kind kind() {
    return JedisSession.KIND;
  }
}
