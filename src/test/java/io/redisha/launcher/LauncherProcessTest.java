package io.redisha.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Ports;
import io.redisha.testing.RespClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subcommands as a user runs them: a separate JVM started like
 * {@code java -jar redis-ha-gateway.jar ...} (with the test classpath instead of the jar,
 * since tests run before packaging), real signals, real exit codes.
 */
class LauncherProcessTest {

  @TempDir Path dir;

  private Process launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  private static String output(Process p) throws Exception {
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "process did not exit");
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void awaitPong(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try (RespClient c = new RespClient(port)) {
        if (c.call("PING").toString().equals("+PONG")) return;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) throw new AssertionError("node never answered PING on " + port);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void badConfigFileStopsStartupNamingFileAndLine() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "port 7000\nappendfsync sometimes\n");
    Process p = launch("node", conf.toString());
    String out = output(p);
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains(conf.toString()) && out.contains("at line 2") && out.contains("appendfsync"), out);
  }

  @Test
  void nodeServesAndExitsCleanlyOnShutdownCommand() throws Exception {
    int port = Ports.free();
    Path conf = dir.resolve("redis.conf");
    Files.writeString(conf, "port 1\nbind 127.0.0.1\nrequirepass \"pwd@123\"\ndaemonize yes\nsave \"\"\n");
    Process p = launch("node", conf.toString(), "--port", Integer.toString(port));
    try {
      awaitPongAuth(port);
      try (RespClient c = new RespClient(port)) {
        assertEquals("+OK", c.call("AUTH", "pwd@123").toString());
        c.send("SHUTDOWN", "NOSAVE");
        assertTrue(c.closedByServer(10_000));
      }
      String out = output(p);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("daemonize yes is accepted but ignored"), out);
    } finally {
      p.destroyForcibly();
    }
  }

  private static void awaitPongAuth(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try (RespClient c = new RespClient(port)) {
        if (c.call("PING").toString().startsWith("-NOAUTH")) return;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) throw new AssertionError("node never answered on " + port);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void upPrintsTheAddressAndStopsOnSigterm() throws Exception {
    int port = Ports.free();
    Process p = launch("up", "--port", Integer.toString(port));
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      boolean announced = false;
      int gatewayPort = -1;
      // Components log as they start; the summary comes after this header.
      while ((line = r.readLine()) != null && !line.equals("redis-ha-gateway is up:")) {
        // skip
      }
      while ((line = r.readLine()) != null) {
        if (line.contains("gateway ") && line.contains("127.0.0.1:")) {
          gatewayPort = Integer.parseInt(line.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
        }
        if (line.contains("127.0.0.1:" + port)) {
          announced = true;
          break;
        }
      }
      assertTrue(announced, "up never printed the node's address");
      assertTrue(gatewayPort > 0, "up never printed the gateway's address");
      awaitPong(port);
      try (RespClient c = new RespClient(gatewayPort)) {
        assertEquals("+OK", c.call("SET", "through", "gateway").toString());
      }
      try (RespClient c = new RespClient(port)) {
        assertEquals("\"gateway\"", c.call("GET", "through").toString());
      }
      p.destroy(); // SIGTERM, like Ctrl-C's effect on the JVM's shutdown hooks
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "up did not stop on SIGTERM");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void unknownSubcommandIsAnError() throws Exception {
    Process p = launch("frobnicate");
    String out = output(p);
    assertEquals(2, p.exitValue());
    assertTrue(out.contains("Unknown subcommand 'frobnicate'"), out);
  }
}
