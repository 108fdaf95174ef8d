package io.redisha.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per message or event, in one of two formats chosen by {@code log-format}:
 * <ul>
 *   <li>{@code legacy} (default): redis-server's {@code pid:R timestamp * text}, where R is
 *       the role (M master, S replica, X sentinel, G gateway) and the marker is the level:
 *       {@code .} debug, {@code -} verbose, {@code *} notice, {@code #} warning.</li>
 *   <li>{@code logfmt}: Valkey 8's {@code pid=.. role=.. timestamp=".." level=.. message=".."},
 *       with Valkey's role names (primary, replica, sentinel; gateway is ours) and level names
 *       (debug, info, notice, warning; verbose is {@code info} there). Events add their fields.</li>
 * </ul>
 * {@code log-timestamp-format} is Valkey's too: {@code legacy} ({@code 26 Nov 2026 14:38:13.123}),
 * {@code iso8601} (local time with its offset) or {@code milliseconds} since the epoch.
 *
 * <p>A line can never be split or forged: control characters in the text (a newline in a
 * client-supplied name, say) are written as {@code \n}, {@code \r}, {@code \t} or
 * {@code \xNN}, and logfmt values are quoted with {@code \"} and {@code \\} escaped, so a
 * standard logfmt parser reads back exactly what was logged.
 */
public final class Log {

  public enum Level { DEBUG('.', "debug"), VERBOSE('-', "info"), NOTICE('*', "notice"), WARNING('#', "warning"), NOTHING(' ', "nothing");
    final char mark;
    final String logfmtName;
    Level(char mark, String logfmtName) {
      this.mark = mark;
      this.logfmtName = logfmtName;
    }
  }

  public enum Format { LEGACY, LOGFMT }

  public enum TimestampFormat { LEGACY, ISO8601, MILLISECONDS }

  /** A piece of an event: a field (a value in legacy, key=value in logfmt) or legacy-only text. */
  public sealed interface Part permits Field, Text {}

  public record Field(String key, String value) implements Part {}

  /** Words that make the legacy line read as redis-sentinel's (e.g. {@code @}, {@code #quorum}); logfmt leaves them out. */
  public record Text(String text) implements Part {}

  public static Field kv(String key, Object value) {
    return new Field(key, String.valueOf(value));
  }

  public static Text text(String text) {
    return new Text(text);
  }

  private static final DateTimeFormatter LEGACY_TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
  private static final DateTimeFormatter ISO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx", Locale.ROOT);
  private static final long PID = ProcessHandle.current().pid();

  private volatile Level level = Level.NOTICE;
  private volatile Format format = Format.LEGACY;
  private volatile TimestampFormat timestampFormat = TimestampFormat.LEGACY;
  private volatile PrintStream out = System.out;
  private volatile char role;
  /** Where the role is known only at the time of each line (a node becomes a replica and back). */
  private volatile java.util.function.Supplier<Character> roleSource;

  public Log(char role) {
    this.role = role;
  }

  public void setRole(char role) {
    this.role = role;
  }

  public void setRoleSource(java.util.function.Supplier<Character> source) {
    this.roleSource = source;
  }

  private char role() {
    java.util.function.Supplier<Character> s = roleSource;
    return s == null ? role : s.get();
  }

  public static Level parseLevel(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "verbose" -> Level.VERBOSE;
      case "notice" -> Level.NOTICE;
      case "warning" -> Level.WARNING;
      case "nothing" -> Level.NOTHING;
      default -> throw new IllegalArgumentException("argument(s) must be one of the following: debug, verbose, notice, warning, nothing");
    };
  }

  public static Format parseFormat(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "legacy" -> Format.LEGACY;
      case "logfmt" -> Format.LOGFMT;
      default -> throw new IllegalArgumentException("argument(s) must be one of the following: legacy, logfmt");
    };
  }

  public static TimestampFormat parseTimestampFormat(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "legacy" -> TimestampFormat.LEGACY;
      case "iso8601" -> TimestampFormat.ISO8601;
      case "milliseconds" -> TimestampFormat.MILLISECONDS;
      default -> throw new IllegalArgumentException("argument(s) must be one of the following: legacy, iso8601, milliseconds");
    };
  }

  public void setLevel(Level level) {
    this.level = level;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public void setTimestampFormat(TimestampFormat timestampFormat) {
    this.timestampFormat = timestampFormat;
  }

  /** An empty name logs to standard output, as redis-server's {@code logfile ""}. */
  public void setFile(String name) throws IOException {
    out = name == null || name.isEmpty() ? System.out : new PrintStream(new FileOutputStream(name, true), true);
  }

  public boolean enabled(Level l) {
    return l.ordinal() >= level.ordinal() && level != Level.NOTHING;
  }

  public void log(Level l, String text) {
    if (!enabled(l)) return;
    StringBuilder b = new StringBuilder(64 + text.length());
    if (format == Format.LOGFMT) {
      prefixLogfmt(b, l);
      b.append("message=");
      quoted(b, text);
    } else {
      prefixLegacy(b, l);
      escapeControls(b, text);
    }
    // One println per line: PrintStream locks around it, so threads never interleave within a line.
    out.println(b);
  }

  public void debug(String text) { log(Level.DEBUG, text); }
  public void verbose(String text) { log(Level.VERBOSE, text); }
  public void notice(String text) { log(Level.NOTICE, text); }
  public void warning(String text) { log(Level.WARNING, text); }

  /**
   * An event such as a failover step, one line: in legacy form {@code name} and then the parts
   * in order ({@code +sdown master mymaster 127.0.0.1 6379}, as redis-sentinel prints it); in
   * logfmt {@code event=name}, each field as its own key, and the legacy text as the message.
   */
  public void event(Level l, String name, Part... parts) {
    if (!enabled(l)) return;
    StringBuilder b = new StringBuilder(128);
    if (format == Format.LOGFMT) {
      prefixLogfmt(b, l);
      b.append("event=");
      value(b, name);
      for (Part p : parts) {
        if (p instanceof Field f) {
          b.append(' ');
          key(b, f.key());
          b.append('=');
          value(b, f.value());
        }
      }
      b.append(" message=");
      quoted(b, name + " " + legacyText(parts));
    } else {
      prefixLegacy(b, l);
      escapeControls(b, name);
      b.append(' ');
      escapeControls(b, legacyText(parts));
    }
    out.println(b);
  }

  /** The parts as redis-sentinel words them after the event name, unescaped (pub/sub messages, scripts). */
  public static String legacyText(Part... parts) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      String s = p instanceof Field f ? f.value() : ((Text) p).text();
      if (b.length() > 0) b.append(' ');
      b.append(s);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- rendering

  private void prefixLegacy(StringBuilder b, Level l) {
    b.append(PID).append(':').append(role()).append(' ');
    timestamp(b);
    b.append(' ').append(l.mark).append(' ');
  }

  private void prefixLogfmt(StringBuilder b, Level l) {
    b.append("pid=").append(PID).append(" role=").append(roleName(role())).append(" timestamp=\"");
    timestamp(b);
    b.append("\" level=").append(l.logfmtName).append(' ');
  }

  private void timestamp(StringBuilder b) {
    switch (timestampFormat) {
      case MILLISECONDS -> b.append(System.currentTimeMillis());
      case ISO8601 -> ISO_TIME.formatTo(Instant.now().atZone(ZoneId.systemDefault()), b);
      default -> LEGACY_TIME.formatTo(Instant.now().atZone(ZoneId.systemDefault()), b);
    }
  }

  static String roleName(char role) {
    return switch (role) {
      case 'M' -> "primary";
      case 'S' -> "replica";
      case 'X' -> "sentinel";
      case 'G' -> "gateway";
      case 'C' -> "RDB/AOF";
      default -> String.valueOf(role);
    };
  }

  /** Keys are identifiers; anything else becomes '_' so a key can never carry '=', a quote or a space. */
  private static void key(StringBuilder b, String k) {
    if (k.isEmpty()) {
      b.append('_');
      return;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      b.append(ok ? c : '_');
    }
  }

  /** Bare when it needs no quoting (addresses, numbers, names), quoted otherwise. */
  private static void value(StringBuilder b, String v) {
    if (v.isEmpty()) {
      b.append("\"\"");
      return;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) {
        quoted(b, v);
        return;
      }
    }
    b.append(v);
  }

  private static void quoted(StringBuilder b, String v) {
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> control(b, c);
      }
    }
    b.append('"');
  }

  private static void escapeControls(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) control(b, s.charAt(i));
  }

  private static void control(StringBuilder b, char c) {
    if (c >= ' ' && c != 0x7f) {
      b.append(c);
      return;
    }
    switch (c) {
      case '\n' -> b.append("\\n");
      case '\r' -> b.append("\\r");
      case '\t' -> b.append("\\t");
      default -> b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
    }
  }
}
