package io.redisha.config;

import java.util.List;

/** One directive as read: where it came from (file and 1-based line, or the command line) and its words. */
public record ConfigLine(String source, int lineNo, String text, List<String> args) {

  public String directive() {
    return args.get(0).toLowerCase(java.util.Locale.ROOT);
  }

  public List<String> values() {
    return args.subList(1, args.size());
  }
}
