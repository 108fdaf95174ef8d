package io.redisha.gateway;

import io.redisha.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same proxy tests with our own node behind the gateway instead of redis-server. */
class GatewayOverNodeTest extends GatewayProxyScenarios {

  @BeforeAll
  static void start() throws Exception {
    TestNode node = TestNode.start("--databases", "20");
    backend = node;
    backendPort = node.port();
    gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(backendPort), "--max-client-inflight", "16");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) gw.close();
    if (backend != null) backend.close();
  }
}
