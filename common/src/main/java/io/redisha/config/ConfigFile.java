package io.redisha.config;

import io.redisha.resp.ArgSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads configuration the way redis-server does: an optional file in redis.conf syntax
 * followed by {@code --directive value...} options from the command line, which are
 * applied after the file and so override it.
 */
public final class ConfigFile {

  private ConfigFile() {}

  public static List<ConfigLine> parse(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return parse(file.toString(), bytes);
  }

  public static List<ConfigLine> parse(String source, byte[] bytes) {
    List<ConfigLine> out = new ArrayList<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String text = lines[i].strip();
      if (text.isEmpty() || text.startsWith("#")) continue;
      byte[] raw = text.getBytes(StandardCharsets.UTF_8);
      List<byte[]> words = ArgSplitter.split(raw, 0, raw.length);
      ConfigLine line = new ConfigLine(source, i + 1, text, words == null ? List.of(text) : strings(words));
      if (words == null) throw new ConfigException(line, "Unbalanced quotes in configuration line");
      if (words.isEmpty()) continue;
      out.add(line);
    }
    return out;
  }

  /**
   * Splits a command line like redis-server's: an optional first argument that is a
   * file path, then {@code --name value...} groups. Returns the file (or null) and the
   * option lines.
   */
  public static Parsed parseArgs(String[] argv) throws IOException {
    int i = 0;
    List<ConfigLine> lines = new ArrayList<>();
    Path file = null;
    if (argv.length > 0 && !argv[0].startsWith("--")) {
      file = Path.of(argv[0]);
      if (!Files.isReadable(file)) {
        throw new ConfigException("Fatal error, can't open config file '" + argv[0] + "': No such file or readable");
      }
      lines.addAll(parse(file));
      i = 1;
    }
    List<String> current = null;
    int optionNo = 0;
    for (; i < argv.length; i++) {
      String a = argv[i];
      if (a.startsWith("--") && a.length() > 2 && !isNumberLike(a)) {
        if (current != null) lines.add(commandLine(current, ++optionNo));
        current = new ArrayList<>();
        current.add(a.substring(2));
      } else {
        if (current == null) {
          throw new ConfigException("Invalid argument '" + a + "': options must start with --, e.g. --port 6379");
        }
        current.add(a);
      }
    }
    if (current != null) lines.add(commandLine(current, ++optionNo));
    return new Parsed(file, lines);
  }

  private static boolean isNumberLike(String a) {
    return a.length() > 2 && Character.isDigit(a.charAt(2)) && a.substring(2).chars().allMatch(Character::isDigit);
  }

  private static ConfigLine commandLine(List<String> words, int optionNo) {
    return new ConfigLine("(command line)", optionNo, String.join(" ", words), List.copyOf(words));
  }

  private static List<String> strings(List<byte[]> words) {
    List<String> out = new ArrayList<>(words.size());
    for (byte[] w : words) out.add(new String(w, StandardCharsets.UTF_8));
    return out;
  }

  /** What a command line held: the config file, if any, and every directive in order. */
  public record Parsed(Path file, List<ConfigLine> lines) {}
}
