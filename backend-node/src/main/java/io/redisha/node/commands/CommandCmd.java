package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.command.CommandTable;
import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Node;
import io.redisha.resp.ReplyWriter;
import io.redisha.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND, COMMAND COUNT, INFO, LIST, GETKEYS, DOCS and HELP, answered from the
 * Redis 7.0 command table for the commands this node implements only, so a client
 * that asks what we can do gets the truth.
 *
 * <p>Known differences: the key-specs field is always empty (the table keeps
 * first/last/step, not key specs), DOCS gives an empty map per command, and
 * GETKEYSANDFLAGS is not implemented.
 */
public final class CommandCmd {

  private CommandCmd() {}

  static void register(Node node, Commands commands) {
    commands.register("command", (c, argv) -> {
      List<CommandSpec> all = implemented(node);
      c.reply().array(all.size());
      for (CommandSpec s : all) entry(node, c.reply(), s);
    });
    commands.register("command|count", (c, argv) -> c.reply().integer(implemented(node).size()));
    commands.register("command|info", (c, argv) -> {
      if (argv.length == 2) {
        List<CommandSpec> all = implemented(node);
        c.reply().array(all.size());
        for (CommandSpec s : all) entry(node, c.reply(), s);
        return;
      }
      c.reply().array(argv.length - 2);
      for (int i = 2; i < argv.length; i++) {
        CommandSpec s = lookup(node, Args.str(argv[i]));
        if (s == null) c.reply().nullBulk();
        else entry(node, c.reply(), s);
      }
    });
    commands.register("command|docs", (c, argv) -> {
      List<CommandSpec> specs = new ArrayList<>();
      if (argv.length == 2) {
        specs.addAll(implemented(node));
      } else {
        for (int i = 2; i < argv.length; i++) {
          CommandSpec s = lookup(node, Args.str(argv[i]));
          if (s != null) specs.add(s);
        }
      }
      c.reply().map(specs.size());
      for (CommandSpec s : specs) c.reply().bulk(s.name()).map(0);
    });
    commands.register("command|list", (c, argv) -> list(node, c, argv));
    commands.register("command|getkeys", (c, argv) -> getkeys(node, c, argv));
    commands.register("command|help", (c, argv) -> ConfigCommand.Help.reply(c, "COMMAND",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command."));
  }

  // ---------------------------------------------------------------- what we implement

  /** A top-level command is ours when it or one of its subcommands has a handler. */
  static boolean isImplemented(Node node, CommandSpec s) {
    if (node.commands.implemented(s.name())) return true;
    for (CommandSpec sub : s.subcommands()) if (node.commands.implemented(sub.name())) return true;
    return false;
  }

  static List<CommandSpec> implemented(Node node) {
    List<CommandSpec> out = new ArrayList<>();
    for (CommandSpec s : node.commands.table().all()) if (isImplemented(node, s)) out.add(s);
    return out;
  }

  /** "get" or "config|get", as COMMAND INFO accepts them; null when we do not implement it. */
  static CommandSpec lookup(Node node, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    CommandTable table = node.commands.table();
    int bar = n.indexOf('|');
    if (bar < 0) {
      CommandSpec s = table.get(n);
      return s != null && isImplemented(node, s) ? s : null;
    }
    CommandSpec parent = table.get(n.substring(0, bar));
    if (parent == null) return null;
    for (CommandSpec sub : parent.subcommands()) {
      if (sub.name().equals(n) && node.commands.implemented(n)) return sub;
    }
    return null;
  }

  /** One COMMAND entry: the ten fields of Redis 7.0, key specs left empty. */
  static void entry(Node node, ReplyWriter r, CommandSpec s) {
    r.array(10);
    r.bulk(s.name());
    r.integer(s.arity());
    r.set(s.flags().size());
    for (CommandFlag f : s.flags()) r.simple(f.wireName());
    r.integer(s.firstKey());
    r.integer(s.lastKey());
    r.integer(s.step());
    r.set(s.aclCategories().size());
    for (String cat : s.aclCategories()) r.simple(cat);
    r.set(s.tips().size());
    for (String t : s.tips()) r.bulk(t);
    r.set(0); // key specs: not kept in our table
    if (s.subcommands().isEmpty()) {
      r.set(0);
      return;
    }
    List<CommandSpec> subs = new ArrayList<>();
    for (CommandSpec sub : s.subcommands()) if (node.commands.implemented(sub.name())) subs.add(sub);
    r.array(subs.size());
    for (CommandSpec sub : subs) entry(node, r, sub);
  }

  // ---------------------------------------------------------------- LIST

  private static void list(Node node, Client c, byte[][] argv) {
    String aclcat = null, pattern = null;
    boolean module = false;
    if (argv.length == 5 && is(argv[2], "filterby")) {
      String value = Args.str(argv[4]);
      if (is(argv[3], "module")) module = true;
      else if (is(argv[3], "aclcat")) aclcat = "@" + value.toLowerCase(Locale.ROOT);
      else if (is(argv[3], "pattern")) pattern = value;
      else {
        c.error(Args.SYNTAX);
        return;
      }
    } else if (argv.length != 2) {
      c.error(Args.SYNTAX);
      return;
    }
    List<String> names = new ArrayList<>();
    if (!module) { // we have no modules
      for (CommandSpec s : implemented(node)) {
        List<CommandSpec> candidates = new ArrayList<>();
        candidates.add(s);
        for (CommandSpec sub : s.subcommands()) if (node.commands.implemented(sub.name())) candidates.add(sub);
        for (CommandSpec x : candidates) {
          if (aclcat != null && !x.aclCategories().contains(aclcat)) continue;
          if (pattern != null && !Glob.match(pattern, x.name())) continue;
          names.add(x.name());
        }
      }
    }
    c.reply().array(names.size());
    for (String n : names) c.reply().bulk(n);
  }

  // ---------------------------------------------------------------- GETKEYS

  private static void getkeys(Node node, Client c, byte[][] argv) {
    byte[][] cmd = java.util.Arrays.copyOfRange(argv, 2, argv.length);
    CommandSpec s = node.commands.table().get(cmd[0]);
    if (s != null && s.isContainer() && cmd.length >= 2) s = node.commands.table().sub(s, cmd[1]);
    if (s == null || (!node.commands.implemented(s.name()) && !isImplemented(node, s))) {
      c.error("ERR Invalid command specified");
      return;
    }
    if (!s.arityAccepts(cmd.length)) {
      c.error("ERR Invalid number of arguments specified for command");
      return;
    }
    List<Integer> keys;
    if (s.has(CommandFlag.MOVABLEKEYS)) {
      keys = movableKeys(s, cmd);
      if (keys == null) {
        c.error("ERR Invalid arguments specified for command");
        return;
      }
    } else {
      keys = new ArrayList<>();
      for (int p : s.keyPositions(cmd.length)) keys.add(p);
      if (s.firstKey() <= 0) {
        c.error("ERR The command has no key arguments");
        return;
      }
    }
    if (keys.isEmpty() && !s.has(CommandFlag.NO_MANDATORY_KEYS)) {
      c.error("ERR Invalid arguments specified for command");
      return;
    }
    c.reply().array(keys.size());
    for (int p : keys) c.reply().bulk(cmd[p]);
  }

  /**
   * Key positions of the commands whose keys move with their arguments: a numkeys
   * count (ZUNION, LMPOP, EVAL...), a STORE option (SORT) or a STREAMS keyword (XREAD).
   * Null when the arguments do not make sense (Redis's "Invalid arguments").
   */
  public static List<Integer> movableKeys(CommandSpec s, byte[][] cmd) {
    List<Integer> out = new ArrayList<>();
    switch (s.name()) {
      case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop" -> {
        return numkeys(cmd, 1, out);
      }
      case "blmpop", "bzmpop", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> {
        return numkeys(cmd, 2, out);
      }
      case "zunionstore", "zinterstore", "zdiffstore" -> {
        out.add(1);
        return numkeys(cmd, 2, out);
      }
      case "sort", "sort_ro" -> {
        out.add(1);
        if (s.name().equals("sort")) {
          for (int i = 2; i + 1 < cmd.length; i++) {
            if (is(cmd[i], "store")) {
              out.add(i + 1);
              break;
            }
          }
        }
        return out;
      }
      case "xread", "xreadgroup" -> {
        for (int i = 1; i < cmd.length; i++) {
          if (is(cmd[i], "streams")) {
            int rest = cmd.length - i - 1;
            if (rest == 0 || rest % 2 != 0) return null;
            for (int k = 0; k < rest / 2; k++) out.add(i + 1 + k);
            return out;
          }
        }
        return null;
      }
      default -> {
        for (int p : s.keyPositions(cmd.length)) out.add(p);
        return out;
      }
    }
  }

  private static List<Integer> numkeys(byte[][] cmd, int at, List<Integer> out) {
    if (at >= cmd.length) return null;
    Long n = Args.parseLong(cmd[at]);
    if (n == null || n < 0 || n > cmd.length - at - 1) return null;
    for (int i = 0; i < n; i++) out.add(at + 1 + i);
    return out;
  }
}
