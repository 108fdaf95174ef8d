package io.redisha.testing;

import io.redisha.config.ConfigFile;
import io.redisha.config.Settings;
import io.redisha.node.Node;
import io.redisha.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Our node, in this JVM, on an ephemeral port and in a temporary directory. */
public final class TestNode implements AutoCloseable {

  public final Node node;
  public final Path dir;

  private TestNode(Node node, Path dir) {
    this.node = node;
    this.dir = dir;
  }

  /** Extra args are redis-server style options: "--requirepass", "pw", ... */
  public static TestNode start(String... extraArgs) throws Exception {
    Path dir = Files.createTempDirectory("test-node-");
    List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString(),
        "--save", "", "--loglevel", "warning"));
    args.addAll(List.of(extraArgs));
    Settings s = NodeConfig.create();
    s.applyAll(ConfigFile.parseArgs(args.toArray(String[]::new)).lines());
    Node node = new Node(s);
    node.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new TestNode(node, dir);
  }

  public int port() {
    return node.port();
  }

  public RespClient client() throws IOException {
    return new RespClient(port());
  }

  @Override
  public void close() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    RealRedis.deleteTree(dir);
  }
}
