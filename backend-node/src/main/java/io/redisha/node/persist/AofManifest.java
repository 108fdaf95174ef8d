package io.redisha.node.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of Redis 7.0's multi-part AOF: which files of the append-only directory
 * make up the data set, one per line, as {@code file <name> seq <n> type <b|i|h>}: at
 * most one base (b), then the incremental files (i) in the order they are replayed;
 * history files (h) are leftovers of a rewrite, waiting to be deleted. Redis writes and
 * reads exactly this, so either server can load the other's directory.
 *
 * <p>The manifest is only ever replaced whole (temporary file, fsync, rename, fsync of
 * the directory), so a crash leaves either the old or the new one.
 */
public final class AofManifest {

  /** One line of the manifest. */
  public record Entry(String name, long seq, char type) {}

  public Entry base;
  public final List<Entry> incrs = new ArrayList<>();

  public static Path path(Path dir, String filename) {
    return dir.resolve(filename + ".manifest");
  }

  /** Parses a manifest; the error names the file and the line, as a user must fix it by hand. */
  public static AofManifest read(Path file) throws IOException {
    AofManifest m = new AofManifest();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int lineNo = 0;
    for (String line : lines) {
      lineNo++;
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) continue;
      String[] w = l.split("\\s+");
      String name = null;
      long seq = -1;
      char type = 0;
      for (int i = 0; i + 1 < w.length; i += 2) {
        switch (w[i]) {
          case "file" -> name = unquote(w[i + 1]);
          case "seq" -> seq = Long.parseLong(w[i + 1]);
          case "type" -> type = w[i + 1].length() == 1 ? w[i + 1].charAt(0) : 0;
          default -> { } // unknown keys are skipped, as Redis does, for forward compatibility
        }
      }
      if (name == null || seq < 0 || (type != 'b' && type != 'i' && type != 'h') || w.length % 2 != 0) {
        throw new IOException("Invalid AOF manifest file format: " + file + " line " + lineNo);
      }
      Entry e = new Entry(name, seq, type);
      if (type == 'b') {
        if (m.base != null) throw new IOException("Found duplicate base file information in " + file + " line " + lineNo);
        m.base = e;
      } else if (type == 'i') {
        if (!m.incrs.isEmpty() && m.incrs.get(m.incrs.size() - 1).seq >= seq) {
          throw new IOException("Found a non-monotonic sequence number in " + file + " line " + lineNo);
        }
        m.incrs.add(e);
      }
    }
    if (m.base == null && m.incrs.isEmpty()) throw new IOException("Found an empty AOF manifest: " + file);
    return m;
  }

  /** Names with spaces or quotes would need Redis's quoting; ours never have them, and Redis's rarely. */
  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  String format() {
    StringBuilder sb = new StringBuilder();
    if (base != null) line(sb, base);
    for (Entry e : incrs) line(sb, e);
    return sb.toString();
  }

  private static void line(StringBuilder sb, Entry e) {
    sb.append("file ").append(e.name).append(" seq ").append(e.seq).append(" type ").append(e.type).append('\n');
  }

  long lastIncrSeq() {
    return incrs.isEmpty() ? 0 : incrs.get(incrs.size() - 1).seq;
  }

  long baseSeq() {
    return base == null ? 0 : base.seq;
  }

  /** Replaces the manifest atomically and durably. */
  void write(Path dir, String filename) throws IOException {
    Path tmp = dir.resolve("temp-" + filename + ".manifest");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(format().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, path(dir, filename), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(dir);
  }

  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for sync; the rename is then as durable as they make it.
    }
  }
}
