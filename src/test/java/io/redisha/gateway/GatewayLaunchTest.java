package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.config.ConfigException;
import io.redisha.launcher.Main;
import io.redisha.testing.Ports;
import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway [file] [--options]}: the config format, bad lines named, and a real start through the launcher. */
class GatewayLaunchTest {

  @TempDir Path dir;

  @Test
  void everyDirectiveOfTheIssueIsAccepted() throws Exception {
    Path conf = dir.resolve("gateway.conf");
    Files.writeString(conf, String.join("\n",
        "# a gateway behind sentinels",
        "port 6390",
        "bind 127.0.0.1",
        "requirepass \"client secret\"",
        "sentinel 10.0.0.1 26379",
        "sentinel 10.0.0.2 26379",
        "master-name mymaster",
        "sentinel-auth-pass s",
        "backend-auth-pass b",
        "read-policy prefer-replica",
        "max-replica-lag-bytes 1mb",
        "read-your-writes yes",
        "failover-hold-ms 3000",
        "metrics-port 9121",
        ""));
    GatewayConfig c = GatewayConfig.fromArgs(new String[] {conf.toString(), "--port", "6391"});
    assertEquals(6391, c.port());
    assertEquals("client secret", c.requirepass());
    assertEquals(2, c.sentinels.size());
    assertEquals("prefer-replica", c.readPolicy());
    assertEquals(1048576, c.settings.getLong("max-replica-lag-bytes"));
    assertTrue(c.settings.bool("read-your-writes"));
    GatewayConfig st = GatewayConfig.fromArgs(new String[] {"--master", "h", "1", "--replica", "r", "2", "--replica", "s", "3"});
    assertEquals(new GatewayConfig.HostPort("h", 1), st.staticMaster);
    assertEquals(2, st.staticReplicas.size());
  }

  @Test
  void badLinesAreNamed() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "port 6390\nmaster 127.0.0.1 6379\nread-policy sometimes\n");
    ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {conf.toString()}));
    assertTrue(e.getMessage().contains("at line 3") && e.getMessage().contains("read-policy"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {"--sentinel", "h", "notaport"}));
    assertTrue(e.getMessage().contains("sentinel"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {"--port", "6390"}));
    assertTrue(e.getMessage().contains("sentinel"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {"--master", "h", "1", "--no-such", "x"}));
    assertTrue(e.getMessage().contains("no-such"), e.getMessage());
    Path weights = dir.resolve("weights.conf");
    Files.writeString(weights, "master 127.0.0.1 6379\nreplica 127.0.0.1 6380 3\nreplica-weight 127.0.0.1 6381 -1\n");
    e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {weights.toString()}));
    assertTrue(e.getMessage().contains("at line 3") && e.getMessage().contains("Invalid weight"), e.getMessage());
    Files.writeString(weights, "master 127.0.0.1 6379\nreplica 127.0.0.1 6380 3 4\n");
    e = assertThrows(ConfigException.class, () -> GatewayConfig.fromArgs(new String[] {weights.toString()}));
    assertTrue(e.getMessage().contains("at line 2"), e.getMessage());
    Files.writeString(weights, "master 127.0.0.1 6379\nreplica 127.0.0.1 6380 3\nreplica-weight 127.0.0.1 6381 0\n");
    GatewayConfig ok = GatewayConfig.fromArgs(new String[] {weights.toString()});
    assertEquals(3, ok.replicaWeight(new GatewayConfig.HostPort("127.0.0.1", 6380)));
    assertEquals(0, ok.replicaWeight(new GatewayConfig.HostPort("127.0.0.1", 6381)));
    assertEquals(1, ok.replicaWeight(new GatewayConfig.HostPort("127.0.0.1", 6382)));
  }

  private Process launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  @Test
  void theLauncherRefusesABadFileNamingTheLine() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "master 127.0.0.1 6379\nfailover-hold-ms soon\n");
    Process p = launch("gateway", conf.toString());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("at line 2") && out.contains("failover-hold-ms"), out);
  }

  @Test
  void theLauncherRunsAGatewayInFrontOfRedis() throws Exception {
    try (RealRedis redis = RealRedis.start(new String[0])) {
      int port = Ports.free();
      Process p = launch("gateway", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--master", "127.0.0.1", Integer.toString(redis.port));
      try {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
          try (RespClient c = new RespClient(port)) {
            String r = c.call("SET", "launched", "yes").toString();
            if (r.equals("+OK")) {
              assertEquals("\"yes\"", c.call("GET", "launched").toString());
              break;
            }
          } catch (java.io.IOException e) {
            // not listening yet
          }
          if (System.currentTimeMillis() > deadline) throw new AssertionError("the gateway never served a write");
          Thread.sleep(50);
        }
      } finally {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
