package io.redisha.node.commands;

import io.redisha.node.Commands;
import io.redisha.node.Node;

/** INFO, CONFIG, CLIENT, COMMAND, TIME, DBSIZE, FLUSHDB, FLUSHALL, SHUTDOWN, MONITOR, DEBUG. */
public final class ServerCommands {
  private ServerCommands() {}

  public static void register(Node node, Commands commands) {
    commands.register("dbsize", (c, argv) -> c.reply().integer(c.db.size()));
    commands.register("flushall", (c, argv) -> {
      for (int i = 0; i < node.databases(); i++) node.db(i).flush();
      node.dirty++;
      c.reply().ok();
    });
    commands.register("shutdown", (c, argv) -> node.shutdown());
  }
}
