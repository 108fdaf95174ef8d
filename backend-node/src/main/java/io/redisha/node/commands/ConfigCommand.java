package io.redisha.node.commands;

import io.redisha.config.ConfigException;
import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Node;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** CONFIG GET, SET, REWRITE, RESETSTAT and HELP over the node's {@link io.redisha.config.Settings}. */
final class ConfigCommand {

  private ConfigCommand() {}

  static void register(Node node, Commands commands) {
    commands.register("config|get", (c, argv) -> {
      List<String> patterns = new ArrayList<>();
      for (int i = 2; i < argv.length; i++) patterns.add(Args.str(argv[i]));
      Map<String, String> found = node.config.get(patterns);
      c.reply().map(found.size());
      found.forEach((k, v) -> c.reply().bulk(k).bulk(v));
    });
    commands.register("config|set", (c, argv) -> {
      if (argv.length % 2 != 0) {
        c.error(Args.SYNTAX);
        return;
      }
      List<Map.Entry<String, List<String>>> changes = new ArrayList<>();
      for (int i = 2; i < argv.length; i += 2) changes.add(Map.entry(Args.str(argv[i]), List.of(Args.str(argv[i + 1]))));
      try {
        node.config.setAll(changes);
      } catch (ConfigException e) {
        c.error("ERR " + e.reason());
        return;
      }
      c.reply().ok();
    });
    commands.register("config|rewrite", (c, argv) -> {
      try {
        node.config.rewrite();
      } catch (ConfigException e) {
        c.error("ERR " + e.reason());
        return;
      } catch (IOException e) {
        node.log.warning("CONFIG REWRITE failed: " + e.getMessage());
        c.error("ERR Rewriting config file: " + e.getMessage());
        return;
      }
      node.log.notice("CONFIG REWRITE executed with success.");
      c.reply().ok();
    });
    commands.register("config|resetstat", (c, argv) -> {
      node.stats.reset();
      c.reply().ok();
    });
    commands.register("config|help", (c, argv) -> Help.reply(c, "CONFIG",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file."));
  }

  /** The "<CMD> <subcommand> ..." help reply every container command gives. */
  static final class Help {
    private Help() {}

    static void reply(Client c, String command, String... lines) {
      c.reply().array(lines.length + 3);
      c.reply().simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      for (String l : lines) c.reply().simple(l);
      c.reply().simple("HELP");
      c.reply().simple("    Prints this help.");
    }
  }
}
