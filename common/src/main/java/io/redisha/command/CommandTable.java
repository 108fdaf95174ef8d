package io.redisha.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis 7.0's command table, loaded from {@code commands.txt}, which
 * common/tools/gen-command-table.py reads off a real redis-server's COMMAND reply.
 * Lookups take the name as sent; case does not matter.
 */
public final class CommandTable {

  private static final CommandTable REDIS = load("commands.txt");

  private final Map<String, CommandSpec> commands;
  // Open-addressed by the hash of the lower-cased name, so that looking up the bytes a
  // client sent allocates nothing: this runs once per command on the hot path.
  private final CommandSpec[] slots;
  private final byte[][] slotNames;

  private CommandTable(Map<String, CommandSpec> commands) {
    this.commands = commands;
    int cap = Integer.highestOneBit(commands.size() * 4);
    slots = new CommandSpec[cap];
    slotNames = new byte[cap][];
    for (CommandSpec spec : commands.values()) {
      byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
      int i = lowerHash(name) & (cap - 1);
      while (slots[i] != null) i = (i + 1) & (cap - 1);
      slots[i] = spec;
      slotNames[i] = name;
    }
  }

  /** The table of redis-server 7.0. */
  public static CommandTable redis() {
    return REDIS;
  }

  /** Looks up a top-level command; null when unknown. */
  public CommandSpec get(String name) {
    return commands.get(name.toLowerCase(Locale.ROOT));
  }

  public CommandSpec get(byte[] name) {
    int mask = slots.length - 1;
    for (int i = lowerHash(name) & mask; slots[i] != null; i = (i + 1) & mask) {
      if (equalsIgnoreCase(slotNames[i], name)) return slots[i];
    }
    return null;
  }

  private static int lowerHash(byte[] b) {
    int h = 0;
    for (byte x : b) h = 31 * h + lower(x);
    return h ^ (h >>> 16);
  }

  private static int lower(byte x) {
    return x >= 'A' && x <= 'Z' ? x + 32 : x;
  }

  /** a is already lower case. */
  private static boolean equalsIgnoreCase(byte[] a, byte[] b) {
    if (a.length != b.length) return false;
    for (int i = 0; i < a.length; i++) if (a[i] != lower(b[i])) return false;
    return true;
  }

  /** The subcommand of a container ("config", "get"), or null. */
  public CommandSpec sub(CommandSpec container, byte[] subName) {
    String full = container.name() + "|" + lowerAscii(subName);
    for (CommandSpec s : container.subcommands()) {
      if (s.name().equals(full)) return s;
    }
    return null;
  }

  public Collection<CommandSpec> all() {
    return Collections.unmodifiableCollection(commands.values());
  }

  static String lowerAscii(byte[] b) {
    char[] c = new char[b.length];
    for (int i = 0; i < b.length; i++) {
      int x = b[i] & 0xff;
      c[i] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
    }
    return new String(c);
  }

  private static CommandTable load(String resource) {
    Map<String, CommandSpec> top = new LinkedHashMap<>();
    Map<String, List<CommandSpec>> subs = new HashMap<>();
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = CommandTable.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource " + resource);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) continue;
        rows.add(line.trim().split(" "));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String[] f : rows) {
      if (f[0].contains("|")) subs.computeIfAbsent(f[0].substring(0, f[0].indexOf('|')), k -> new ArrayList<>()).add(spec(f, List.of()));
    }
    for (String[] f : rows) {
      if (!f[0].contains("|")) top.put(f[0], spec(f, List.copyOf(subs.getOrDefault(f[0], List.of()))));
    }
    return new CommandTable(top);
  }

  private static CommandSpec spec(String[] f, List<CommandSpec> subcommands) {
    EnumSet<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
    for (String s : list(f[2])) flags.add(CommandFlag.fromWire(s));
    return new CommandSpec(f[0], Integer.parseInt(f[1]), flags, Integer.parseInt(f[3]),
        Integer.parseInt(f[4]), Integer.parseInt(f[5]), list(f[6]), list(f[7]), subcommands);
  }

  private static List<String> list(String field) {
    return field.equals("-") ? List.of() : List.copyOf(Arrays.asList(field.split(",")));
  }
}
