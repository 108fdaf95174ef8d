package io.redisha.interop;

/** The {@link ClientLibrariesTest} scenarios through Lettuce 7, sync API, RESP3. */
class ClientLibrariesLettuceTest extends ClientLibrariesTest {
  @Override
  ClientSession.Kind kind() {
    return LettuceSession.KIND;
  }
}
