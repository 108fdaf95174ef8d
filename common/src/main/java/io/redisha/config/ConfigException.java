package io.redisha.config;

/**
 * A configuration error, worded like redis-server's fatal config error: the file (or
 * "the command line"), the line number, the offending line and what is wrong with it.
 */
public final class ConfigException extends RuntimeException {

  private final String reason;

  public ConfigException(ConfigLine line, String reason) {
    super(format(line, reason));
    this.reason = reason;
  }

  public ConfigException(String message) {
    super(message);
    this.reason = message;
  }

  /** The reason alone, as CONFIG SET reports it. */
  public String reason() {
    return reason;
  }

  private static String format(ConfigLine line, String reason) {
    return "\n*** FATAL CONFIG FILE ERROR ***\n"
        + "Reading the configuration file " + line.source() + ", at line " + line.lineNo() + "\n"
        + ">>> '" + line.text() + "'\n"
        + reason + " (directive '" + line.args().get(0) + "')";
  }
}
