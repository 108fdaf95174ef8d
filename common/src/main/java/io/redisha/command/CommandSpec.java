package io.redisha.command;

import java.util.EnumSet;
import java.util.List;

/**
 * One row of the command table: what redis-server 7.0's COMMAND says of a command or
 * a subcommand ("config|get"). Arity counts the command name; a negative arity means
 * "at least -arity arguments". Key positions are 1-based; lastKey -1 means "up to the
 * last argument", -2 "all but the last".
 */
public record CommandSpec(
    String name,
    int arity,
    EnumSet<CommandFlag> flags,
    int firstKey,
    int lastKey,
    int step,
    List<String> aclCategories,
    List<String> tips,
    List<CommandSpec> subcommands) {

  public boolean has(CommandFlag flag) {
    return flags.contains(flag);
  }

  public boolean isWrite() {
    return flags.contains(CommandFlag.WRITE);
  }

  public boolean isContainer() {
    return !subcommands.isEmpty();
  }

  /** True when argc arguments (the name included) satisfy the arity. */
  public boolean arityAccepts(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /** The name as error messages spell it: "config|get" for a subcommand. */
  public String fullName() {
    return name;
  }

  /**
   * Positions (0-based, in the whole argument vector) of the keys that first/last/step
   * describe; commands with movable keys need their own key finder.
   */
  public int[] keyPositions(int argc) {
    if (firstKey <= 0) return new int[0];
    int last = lastKey >= 0 ? lastKey : argc + lastKey;
    if (last >= argc) last = argc - 1;
    if (last < firstKey) return new int[0];
    int n = (last - firstKey) / step + 1;
    int[] out = new int[n];
    for (int i = 0, p = firstKey; i < n; i++, p += step) out[i] = p;
    return out;
  }
}
