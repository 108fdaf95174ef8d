package io.redisha.launcher;

import io.redisha.config.ConfigException;
import io.redisha.config.ConfigFile;
import io.redisha.config.Settings;
import io.redisha.gateway.Gateway;
import io.redisha.node.Node;
import io.redisha.node.NodeConfig;
import io.redisha.sentinel.Sentinel;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code up}: the embedded local topology in one process, for trying the product with
 * nothing installed: a master node and two replicas, three sentinels watching them
 * (quorum 2) and the gateway in front, all on 127.0.0.1. Each part uses its usual port
 * when it is free (6379, replicas 6381-6382, sentinels 26379-26381, gateway 6380) and a free one otherwise; everything
 * is printed.
 */
final class Up {

  static final String MASTER_NAME = "mymaster";

  private Up() {}

  /** Something started that must be stopped on exit, last started first. */
  private record Part(String what, Supplier<Future<?>> stop) {}

  static int run(String[] args) throws InterruptedException {
    int nodePort = 6379;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--port")) nodePort = Integer.parseInt(args[i + 1]);
    }
    List<Part> parts = Collections.synchronizedList(new ArrayList<>());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(parts), "up-shutdown"));
    CountDownLatch stopped = new CountDownLatch(1);
    List<String> lines = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    try {
      Path dir = Files.createTempDirectory("redis-ha-up-");

      int nodeMetrics = pick(9122);
      Node node = startNode(dir.resolve("master"), pick(nodePort), nodeMetrics);
      metrics.add(String.format("  node      http://127.0.0.1:%d/metrics", nodeMetrics));
      // SHUTDOWN of the master stops that node only, so a failover can be watched.
      parts.add(new Part("node", node::stop));
      lines.add(String.format("  node (master)  127.0.0.1:%-5d  data in %s", node.port(), dir.resolve("master")));
      for (int i = 1; i <= 2; i++) {
        int replicaMetrics = pick(9126 + i);
        Node replica = startNode(dir.resolve("replica-" + i), pick(nodePort + 1 + i), replicaMetrics,
            "--replicaof", "127.0.0.1", Integer.toString(node.port()));
        metrics.add(String.format("  replica   http://127.0.0.1:%d/metrics", replicaMetrics));
        parts.add(new Part("node", replica::stop));
        lines.add(String.format("  node (replica) 127.0.0.1:%-5d  data in %s", replica.port(), dir.resolve("replica-" + i)));
      }

      List<Integer> sentinelPorts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int sentinelMetrics = pick(9123 + i);
        Sentinel s = startSentinel(dir.resolve("sentinel-" + (i + 1)), pick(26379 + i), node.port(), sentinelMetrics);
        metrics.add(String.format("  sentinel  http://127.0.0.1:%d/metrics", sentinelMetrics));
        parts.add(new Part("sentinel", s::stop));
        sentinelPorts.add(s.port());
        lines.add(String.format("  sentinel       127.0.0.1:%-5d  monitors %s (quorum 2)", s.port(), MASTER_NAME));
      }

      List<String> gw = new ArrayList<>(List.of("--port", Integer.toString(pick(6380)), "--bind", "127.0.0.1",
          "--master-name", MASTER_NAME, "--read-policy", "prefer-replica",
          "--read-your-writes", "yes"));
      int gatewayMetrics = pick(9121);
      gw.addAll(List.of("--metrics-port", Integer.toString(gatewayMetrics)));
      metrics.add(0, String.format("  gateway   http://127.0.0.1:%d/metrics", gatewayMetrics));
      for (int p : sentinelPorts) gw.addAll(List.of("--sentinel", "127.0.0.1", Integer.toString(p)));
      Gateway gateway = Gateway.startAndAwaitMaster(gw.toArray(String[]::new));
      parts.add(new Part("gateway", gateway::stop));
      lines.add(0, String.format("  gateway        127.0.0.1:%-5d  <- point applications here", gateway.port()));
    } catch (IOException | ConfigException e) {
      System.err.println("up: " + e.getMessage());
      stopAll(parts);
      return 1;
    } catch (Exception e) {
      System.err.println("up: failed to start: " + (e.getCause() != null ? e.getCause().getMessage() : e));
      stopAll(parts);
      return 1;
    }
    System.out.println();
    System.out.println("redis-ha-gateway is up:");
    lines.forEach(System.out::println);
    System.out.println();
    System.out.println("Metrics (Prometheus text; /health and /ready on the same ports):");
    metrics.forEach(System.out::println);
    System.out.println();
    System.out.println("Try: redis-cli -p " + lines.get(0).replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1")
        + " set hello world     Stop with Ctrl-C.");
    System.out.println("Watch a failover: redis-cli -p " + lines.get(1).replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1")
        + " shutdown nosave   (the master goes; the sentinels promote a replica; the gateway follows)");
    stopped.await();
    return 0;
  }

  private static Node startNode(Path dir, int port, int metricsPort, String... extra) throws Exception {
    Files.createDirectories(dir);
    Settings s = NodeConfig.create();
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--metrics-port", Integer.toString(metricsPort),
        // Redis waits 5 s for more replicas before a diskless full sync; on one machine that
        // only delays the demo's replicas (and a failed-over master's return).
        "--repl-diskless-sync-delay", "0"));
    args.addAll(List.of(extra));
    s.applyAll(ConfigFile.parseArgs(args.toArray(String[]::new)).lines());
    Node node = new Node(s);
    node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return node;
  }

  private static Sentinel startSentinel(Path dir, int port, int masterPort, int metricsPort) throws Exception {
    Files.createDirectories(dir);
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\nmetrics-port " + metricsPort + "\n"
        + "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2\n"
        + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
        + "sentinel failover-timeout " + MASTER_NAME + " 10000\n");
    Sentinel s = Sentinel.fromArgs(new String[] {conf.toString()});
    s.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return s;
  }

  private static void stopAll(List<Part> parts) {
    List<Part> copy;
    synchronized (parts) {
      copy = new ArrayList<>(parts);
      parts.clear();
    }
    Collections.reverse(copy);
    for (Part p : copy) {
      try {
        p.stop().get().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  /** The wanted port when it is free on 127.0.0.1, else a free one. */
  private static int pick(int wanted) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress("127.0.0.1", wanted));
      return wanted;
    } catch (IOException e) {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e2) {
        throw new java.io.UncheckedIOException(e2);
      }
    }
  }
}
