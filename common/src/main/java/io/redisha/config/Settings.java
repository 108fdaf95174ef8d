package io.redisha.config;

import io.redisha.util.Glob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A component's typed configuration: each directive has a name (and aliases such as
 * slaveof for replicaof), a parser that validates a config-file line or a CONFIG SET
 * value with redis-server's error texts, and a formatter for CONFIG GET and CONFIG
 * REWRITE. Values are read through the typed getters; components register listeners
 * to react to CONFIG SET.
 */
public final class Settings {

  /** Parses the words after the directive name, or throws IllegalArgumentException(reason). */
  public interface Parser {
    Object parse(List<String> values);
  }

  private static final class Entry {
    final String name;
    final Parser parser;
    final Function<Object, String> formatter;
    final boolean mutable;
    final Object defaultValue;
    Object value;
    final List<Consumer<Object>> listeners = new ArrayList<>();

    Entry(String name, Parser parser, Function<Object, String> formatter, boolean mutable, Object def) {
      this.name = name;
      this.parser = parser;
      this.formatter = formatter;
      this.mutable = mutable;
      this.defaultValue = def;
      this.value = def;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, String> aliases = new LinkedHashMap<>();
  private final Set<String> acceptedOnly = new LinkedHashSet<>();
  private Path file;

  // ---------------------------------------------------------------- declaring

  public Settings define(String name, Object def, Parser parser, Function<Object, String> formatter, boolean mutable) {
    entries.put(name, new Entry(name, parser, formatter, mutable, def));
    return this;
  }

  public Settings alias(String alias, String name) {
    aliases.put(alias, name);
    return this;
  }

  /** A directive that is understood and accepted but has no effect (documented as such). */
  public Settings acceptOnly(String name, String def) {
    acceptedOnly.add(name);
    return string(name, def, true);
  }

  public Settings bool(String name, boolean def, boolean mutable) {
    return define(name, def, v -> parseBool(one(v)), o -> (Boolean) o ? "yes" : "no", mutable);
  }

  public Settings integer(String name, long def, long min, long max, boolean mutable) {
    return define(name, def, v -> {
      long n = parseLong(one(v));
      if (n < min || n > max) throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
      return n;
    }, String::valueOf, mutable);
  }

  /** A byte count that accepts Redis's units: 1k 1kb 1m 1mb 1g 1gb (k = 1000, kb = 1024). */
  public Settings memory(String name, long def, boolean mutable) {
    return define(name, def, v -> parseMemory(one(v)), String::valueOf, mutable);
  }

  public Settings string(String name, String def, boolean mutable) {
    return define(name, def, Settings::one, o -> (String) o, mutable);
  }

  public Settings choice(String name, String def, boolean mutable, String... choices) {
    return define(name, def, v -> {
      String s = one(v).toLowerCase(Locale.ROOT);
      for (String c : choices) if (c.equals(s)) return c;
      throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", choices));
    }, o -> (String) o, mutable);
  }

  public void onChange(String name, Consumer<Object> listener) {
    entries.get(name).listeners.add(listener);
  }

  // ---------------------------------------------------------------- loading

  public void setFile(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Applies a line from a file or the command line; a bad line stops start-up. */
  public void apply(ConfigLine line) {
    Entry e = entry(line.directive());
    if (e == null || line.values().isEmpty()) throw new ConfigException(line, "Bad directive or wrong number of arguments");
    try {
      e.value = e.parser.parse(line.values());
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(line, ex.getMessage());
    }
  }

  public void applyAll(List<ConfigLine> lines) {
    for (ConfigLine l : lines) apply(l);
  }

  /** CONFIG SET: throws ConfigException with the reason CONFIG SET reports. */
  public void set(String name, List<String> values) {
    setAll(List.of(Map.entry(name, values)));
  }

  /**
   * CONFIG SET of several directives at once, as Redis 7.0 does it: every name is
   * checked first (unknown, immutable, given twice), then every value is parsed, and
   * only when all are valid are they stored and their listeners run. The first
   * failure throws ConfigException with CONFIG SET's text and changes nothing.
   */
  public void setAll(List<Map.Entry<String, List<String>>> changes) {
    List<Entry> targets = new ArrayList<>();
    Set<String> given = new java.util.HashSet<>();
    for (Map.Entry<String, List<String>> ch : changes) {
      String name = ch.getKey();
      Entry e = entry(name.toLowerCase(Locale.ROOT));
      if (e == null) throw new ConfigException("Unknown option or number of arguments for CONFIG SET - '" + name + "'");
      if (!e.mutable) throw new ConfigException("CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config");
      // Redis catches a name given twice, not a directive given under two of its names.
      if (!given.add(name.toLowerCase(Locale.ROOT))) throw new ConfigException("CONFIG SET failed (possibly related to argument '" + name + "') - duplicate parameter");
      targets.add(e);
    }
    List<Object> parsed = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      String name = changes.get(i).getKey();
      try {
        parsed.add(targets.get(i).parser.parse(changes.get(i).getValue()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException("CONFIG SET failed (possibly related to argument '" + name + "') - " + ex.getMessage());
      }
    }
    for (int i = 0; i < targets.size(); i++) targets.get(i).value = parsed.get(i);
    for (int i = 0; i < targets.size(); i++) {
      for (Consumer<Object> l : targets.get(i).listeners) l.accept(parsed.get(i));
    }
  }

  /** The canonical directive names, in declaration order. */
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  public boolean isMutable(String name) {
    Entry e = entry(name.toLowerCase(Locale.ROOT));
    return e != null && e.mutable;
  }

  public boolean has(String name) {
    return entry(name.toLowerCase(Locale.ROOT)) != null;
  }

  /** CONFIG GET: name/value pairs for every directive matching one of the patterns. */
  public Map<String, String> get(List<String> patterns) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : patterns) {
      String lp = p.toLowerCase(Locale.ROOT);
      Entry exact = entry(lp);
      if (exact != null && !lp.contains("*") && !lp.contains("?") && !lp.contains("[")) {
        // Redis answers an exact name with the name as it was asked, case included.
        out.put(p, format(exact));
        continue;
      }
      for (Entry e : entries.values()) {
        if (Glob.match(lp, e.name)) out.put(e.name, format(e));
      }
      for (Map.Entry<String, String> a : aliases.entrySet()) {
        if (Glob.match(lp, a.getKey())) out.put(a.getKey(), format(entries.get(a.getValue())));
      }
    }
    return out;
  }

  /**
   * A value the server itself changes, even for a directive CONFIG SET may not touch
   * (REPLICAOF sets replicaof, which CONFIG REWRITE then writes); no listeners run.
   */
  public void setInternal(String name, Object value) {
    entries.get(name).value = value;
  }

  public Object value(String name) {
    return entries.get(name).value;
  }

  public boolean bool(String name) {
    return (Boolean) value(name);
  }

  public long getLong(String name) {
    return (Long) value(name);
  }

  public int getInt(String name) {
    return (int) getLong(name);
  }

  public String getString(String name) {
    return (String) value(name);
  }

  public String formatted(String name) {
    return format(entries.get(name));
  }

  /**
   * CONFIG REWRITE: keeps the file's comments and order, replaces each directive we
   * know with its current value, drops lines of directives now at their default, and
   * appends the rest. Written to a temporary file and renamed, so a crash leaves the
   * old file or the new one, never half of one.
   */
  public void rewrite() throws IOException {
    if (file == null) throw new ConfigException("The server is running without a config file");
    List<String> existing = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<String> out = new ArrayList<>();
    Set<String> written = new LinkedHashSet<>();
    for (String line : existing) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        if (!t.equals("# Generated by CONFIG REWRITE")) out.add(line);
        continue;
      }
      String name = t.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      Entry e = entry(name);
      if (e == null) {
        out.add(line);
      } else if (written.add(e.name)) {
        out.add(e.name + " " + quoteForFile(format(e)));
      }
    }
    boolean header = false;
    for (Entry e : entries.values()) {
      if (written.contains(e.name) || acceptedOnly.contains(e.name) || java.util.Objects.equals(e.value, e.defaultValue)) continue;
      if (!header) {
        out.add("# Generated by CONFIG REWRITE");
        header = true;
      }
      out.add(e.name + " " + quoteForFile(format(e)));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    Files.write(tmp, (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------- helpers

  private Entry entry(String name) {
    String canonical = aliases.getOrDefault(name, name);
    return entries.get(canonical);
  }

  private static String format(Entry e) {
    return e.value == null ? "" : e.formatter.apply(e.value);
  }

  private static String quoteForFile(String v) {
    if (v.isEmpty()) return "\"\"";
    boolean plain = v.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '\'' && c != '\\');
    if (plain) return v;
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static String one(List<String> v) {
    if (v.size() != 1) throw new IllegalArgumentException("wrong number of arguments");
    return v.get(0);
  }

  public static boolean parseBool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new IllegalArgumentException("argument must be 'yes' or 'no'");
    };
  }

  public static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("argument couldn't be parsed into an integer");
    }
  }

  public static long parseMemory(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    long mul = 1;
    String num = l;
    String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
    for (String[] u : units) {
      if (l.endsWith(u[0])) {
        mul = Long.parseLong(u[1]);
        num = l.substring(0, l.length() - u[0].length());
        break;
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(num), mul);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("argument must be a memory value");
    }
  }
}
