package io.redisha.interop;

/** The {@link ClientLibrariesTest} scenarios through vertx-redis-client 5, RESP3. */
class ClientLibrariesVertxTest extends ClientLibrariesTest {
  @Override
  ClientSession.Kind kind() {
    return VertxSession.KIND;
  }
}
