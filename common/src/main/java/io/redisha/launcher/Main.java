package io.redisha.launcher;

import io.redisha.config.ConfigException;
import io.redisha.config.ConfigFile;
import io.redisha.config.Settings;
import io.redisha.node.Node;
import io.redisha.node.NodeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one entry point of the jar: {@code node}, {@code sentinel}, {@code gateway} and
 * {@code up} (everything embedded, for trying it out).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      usage(System.out);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "node" -> System.exit(runNode(rest));
      case "up" -> System.exit(Up.run(rest));
      case "sentinel" -> System.exit(io.redisha.sentinel.SentinelMain.run(rest));
      case "gateway" -> System.exit(io.redisha.gateway.GatewayMain.run(rest));
      case "status" -> System.exit(Status.run(rest, System.out));
      default -> {
        System.err.println("Unknown subcommand '" + args[0] + "'.");
        usage(System.err);
        System.exit(2);
      }
    }
  }

  private static void usage(PrintStream out) {
    out.println("Usage: java -jar redis-ha-gateway.jar <subcommand> [options]");
    out.println();
    out.println("  node [/path/redis.conf] [--directive value ...]   a Redis-compatible server");
    out.println("  up [--port 6379]                                   the whole topology, embedded, in one process");
    out.println("  sentinel /path/sentinel.conf [--port 26379 ...]    a Redis Sentinel");
    out.println("  gateway [/path/gateway.conf] [--port 6380 ...]     the RESP gateway in front of a master and replicas");
    out.println("  status [--sentinel h:p | --gateway h:p] [--watch]  the topology as a table");
  }

  /** Loads a node's configuration like redis-server: a file, then --options. */
  static Settings nodeSettings(String[] args) throws IOException {
    ConfigFile.Parsed parsed = ConfigFile.parseArgs(args);
    Settings settings = NodeConfig.create();
    settings.applyAll(parsed.lines());
    if (parsed.file() != null) settings.setFile(parsed.file().toAbsolutePath());
    return settings;
  }

  static int runNode(String[] args) throws InterruptedException {
    Settings settings;
    try {
      settings = nodeSettings(args);
    } catch (ConfigException | IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    Node node = new Node(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    node.onShutdown(stopped::countDown);
    try {
      node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("Failed to start the node: " + cause.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "node-shutdown"));
    stopped.await();
    return 0;
  }
}
