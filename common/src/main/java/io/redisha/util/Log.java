package io.redisha.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Log lines in redis-server's format, {@code pid:R dd Mon yyyy HH:mm:ss.SSS * text},
 * where R is the role (M master, S replica, X sentinel, G gateway) and the marker is
 * the level: {@code .} debug, {@code -} verbose, {@code *} notice, {@code #} warning.
 */
public final class Log {

  public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#'), NOTHING(' ');
    final char mark;
    Level(char mark) { this.mark = mark; }
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
  private static final long PID = ProcessHandle.current().pid();

  private volatile Level level = Level.NOTICE;
  private volatile PrintStream out = System.out;
  private volatile char role;

  public Log(char role) {
    this.role = role;
  }

  public void setRole(char role) {
    this.role = role;
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

  public void setLevel(Level level) {
    this.level = level;
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
    out.println(PID + ":" + role + " " + TIME.format(LocalDateTime.now()) + " " + l.mark + " " + text);
  }

  public void debug(String text) { log(Level.DEBUG, text); }
  public void verbose(String text) { log(Level.VERBOSE, text); }
  public void notice(String text) { log(Level.NOTICE, text); }
  public void warning(String text) { log(Level.WARNING, text); }
}
