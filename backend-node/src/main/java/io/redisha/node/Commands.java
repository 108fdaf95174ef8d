package io.redisha.node;

import io.redisha.command.CommandSpec;
import io.redisha.command.CommandTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The handlers the node implements, keyed by the command table's names ("get",
 * "config|get"). A command missing here is unknown to the node even though the table
 * knows it, and gets redis-server's unknown-command error.
 */
public final class Commands {

  private final Map<String, CommandHandler> handlers = new HashMap<>();
  // The hot path looks handlers up by spec identity, not by name.
  private final java.util.IdentityHashMap<CommandSpec, CommandHandler> bySpec = new java.util.IdentityHashMap<>();
  private final CommandTable table = CommandTable.redis();

  public void register(String name, CommandHandler handler) {
    if (table.get(name.contains("|") ? name.substring(0, name.indexOf('|')) : name) == null) {
      throw new IllegalArgumentException("not in the Redis command table: " + name);
    }
    if (handlers.put(name, handler) != null) throw new IllegalStateException("registered twice: " + name);
    CommandSpec spec = table.get(name.contains("|") ? name.substring(0, name.indexOf('|')) : name);
    if (name.contains("|")) {
      spec = spec.subcommands().stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("not in the Redis command table: " + name));
    }
    bySpec.put(spec, handler);
  }

  CommandHandler handler(CommandSpec spec) {
    return bySpec.get(spec);
  }

  public boolean implemented(String name) {
    return handlers.containsKey(name);
  }

  public Set<String> names() {
    return handlers.keySet();
  }

  public CommandTable table() {
    return table;
  }
}
