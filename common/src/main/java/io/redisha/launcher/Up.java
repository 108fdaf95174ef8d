package io.redisha.launcher;

import io.redisha.config.ConfigFile;
import io.redisha.config.ConfigException;
import io.redisha.config.Settings;
import io.redisha.node.Node;
import io.redisha.node.NodeConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code up}: the embedded local topology in one process, for trying the product with
 * nothing installed. Today it is one node; the replication, sentinel and gateway issues
 * extend it to master, replicas, sentinels and the gateway.
 */
final class Up {

  private Up() {}

  static int run(String[] args) throws InterruptedException {
    int port = 6379;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--port")) port = Integer.parseInt(args[i + 1]);
    }
    if (!free(port)) {
      int wanted = port;
      port = 0;
      System.out.println("Port " + wanted + " is taken; using a free port instead.");
    }
    Path dir;
    Node node;
    try {
      dir = Files.createTempDirectory("redis-ha-up-");
      Settings s = NodeConfig.create();
      s.applyAll(ConfigFile.parseArgs(new String[] {"--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", ""}).lines());
      node = new Node(s);
      node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (IOException | ConfigException e) {
      System.err.println("up: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("up: failed to start: " + (e.getCause() != null ? e.getCause().getMessage() : e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    node.onShutdown(stopped::countDown);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "up-shutdown"));
    System.out.println();
    System.out.println("redis-ha-gateway is up:");
    System.out.println("  node (master)   127.0.0.1:" + node.port() + "   data in " + dir);
    System.out.println();
    System.out.println("Try: redis-cli -p " + node.port() + " ping     Stop with Ctrl-C.");
    stopped.await();
    return 0;
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
