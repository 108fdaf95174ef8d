package io.redisha.gateway;

import io.redisha.testing.RealRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The gateway in front of one real redis-server: the same answers as redis-server gives directly. */
class GatewayProxyTest extends GatewayProxyScenarios {

  @BeforeAll
  static void start() throws Exception {
    RealRedis redis = RealRedis.start(new String[] {"--databases", "20"});
    backend = redis;
    backendPort = redis.port;
    gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(backendPort), "--max-client-inflight", "16");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) gw.close();
    if (backend != null) backend.close();
  }
}
