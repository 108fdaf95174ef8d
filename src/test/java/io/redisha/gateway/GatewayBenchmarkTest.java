package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real redis-benchmark through the gateway as a correctness test (small -n, a few
 * seconds): every test finishes and no error reply comes back, without and with
 * pipelining, many clients sharing the gateway's few backend connections.
 */
class GatewayBenchmarkTest {

  @Test
  void redisBenchmarkRunsThroughTheGatewayWithoutErrors() throws Exception {
    try (RealRedis redis = RealRedis.start(new String[0]);
        TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(redis.port))) {
      for (String pipeline : List.of("1", "16")) {
        String out = run("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(gw.port()),
            "-t", "ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100,mset",
            "-n", "2000", "-c", "20", "-P", pipeline, "-r", "1000", "-q");
        List<String> errors = new ArrayList<>();
        for (String l : out.split("[\r\n]")) {
          if (l.contains("Error") || l.startsWith("ERR") || l.contains("WRONGTYPE")) errors.add(l);
        }
        assertEquals(List.of(), errors, out);
        assertTrue(out.contains("MSET (10 keys):") && out.contains("requests per second"), out);
      }
    }
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "redis-benchmark did not finish");
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }
}
