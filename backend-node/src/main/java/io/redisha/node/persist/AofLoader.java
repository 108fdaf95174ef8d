package io.redisha.node.persist;

import io.redisha.node.Client;
import io.redisha.node.Node;
import io.redisha.node.rdb.RdbReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads an append-only directory at start-up: the base (an RDB file, or commands) and
 * then each incremental file, every command replayed through the normal dispatcher by a
 * client without a connection, so each command's own semantics apply (MULTI/EXEC
 * included).
 *
 * <p>A last command cut short (the process died while appending it) is dropped with a
 * warning and the file truncated before it, when aof-load-truncated is yes, as Redis
 * does; otherwise, and for anything that is not a command, start-up stops with the file
 * and the offset.
 */
final class AofLoader {

  /** Why start-up stops; the message is for the user. */
  static final class LoadError extends IOException {
    LoadError(String message) {
      super(message);
    }
  }

  private final Node node;
  private final Client client;
  long commandsLoaded;
  long keysFromBase;

  AofLoader(Node node) {
    this.node = node;
    this.client = Client.loader(node);
  }

  void load(Path dir, String filename, AofManifest m) throws IOException {
    if (m.base != null) {
      Path f = dir.resolve(m.base.name());
      if (!Files.exists(f)) throw new LoadError("The AOF file " + m.base.name() + " doesn't exist");
      if (isRdb(f)) loadRdb(f);
      else loadCommands(f, false, filename);
    }
    for (int i = 0; i < m.incrs.size(); i++) {
      Path f = dir.resolve(m.incrs.get(i).name());
      if (!Files.exists(f)) throw new LoadError("The AOF file " + m.incrs.get(i).name() + " doesn't exist");
      loadCommands(f, i == m.incrs.size() - 1, filename);
    }
    client.replay(new byte[][] {AofData.b("SELECT"), AofData.b("0")});
  }

  private static boolean isRdb(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] magic = in.readNBytes(5);
      return new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("REDIS");
    }
  }

  private void loadRdb(Path f) throws IOException {
    long now = node.clock.nowMs();
    int[] selected = {-1};
    RdbReader.read(f, entry -> {
      // A master drops keys that expired while it was down, as Redis's loader does.
      if (entry.expireAtMs() != -1 && entry.expireAtMs() <= now) return;
      if (entry.value() instanceof io.redisha.node.rdb.RdbValue.Str str) {
        // Most keys are strings: stored as SET stores them, without a trip through the dispatcher.
        io.redisha.node.Db db = node.db(entry.db());
        io.redisha.node.Key key = new io.redisha.node.Key(entry.key());
        db.set(key, str.bytes());
        if (entry.expireAtMs() != -1) db.setExpire(key, entry.expireAtMs());
        keysFromBase++;
        return;
      }
      if (entry.db() != selected[0]) {
        selected[0] = entry.db();
        client.replay(new byte[][] {AofData.b("SELECT"), AofData.b(Integer.toString(entry.db()))});
      }
      for (byte[][] argv : AofData.commands(entry)) client.replay(argv);
      keysFromBase++;
    });
  }

  /**
   * Replays a file of RESP commands. {@code last}: the file the node appends to, the only
   * one whose tail may legitimately be cut short.
   */
  private void loadCommands(Path f, boolean last, String filename) throws IOException {
    long validUpTo = 0;
    boolean inMulti = false;
    long multiStart = 0;
    try (CountingStream in = new CountingStream(Files.newInputStream(f))) {
      while (true) {
        long start = in.offset;
        int c = in.read();
        if (c == -1) break;
        byte[][] argv;
        try {
          if (c != '*') throw new Bad();
          int n = (int) in.number();
          if (n < 1) throw new Bad();
          argv = new byte[n][];
          for (int i = 0; i < n; i++) {
            in.expect('$');
            long len = in.number();
            if (len < 0 || len > Integer.MAX_VALUE - 2) throw new Bad();
            argv[i] = in.exactly((int) len);
            in.expect('\r');
            in.expect('\n');
          }
        } catch (Truncated t) {
          truncatedTail(f, last, filename, inMulti ? multiStart : start);
          if (inMulti) client.replay(new byte[][] {AofData.b("DISCARD")});
          return;
        } catch (Bad b) {
          throw new LoadError("Bad file format reading the append only file " + f.getFileName() + " at offset " + start
              + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
        }
        String name = new String(argv[0], java.nio.charset.StandardCharsets.US_ASCII);
        io.redisha.command.CommandSpec spec = node.commands.table().get(argv[0]);
        if (spec == null || (!spec.isContainer() && !node.commands.implemented(spec.name()))) {
          // As Redis: a command this server cannot run means the data cannot be rebuilt here.
          throw new LoadError("Unknown command '" + name + "' reading the append only file " + f.getFileName()
              + " at offset " + start);
        }
        if (name.equalsIgnoreCase("multi")) {
          inMulti = true;
          multiStart = start;
        } else if (name.equalsIgnoreCase("exec")) {
          inMulti = false;
        }
        client.replay(argv);
        commandsLoaded++;
        if (!inMulti) validUpTo = in.offset;
      }
    }
    if (inMulti) {
      // A transaction without its EXEC: Redis treats it as a truncated tail too.
      truncatedTail(f, last, filename, validUpTo);
      client.replay(new byte[][] {AofData.b("DISCARD")});
    }
  }

  private void truncatedTail(Path f, boolean last, String filename, long validUpTo) throws IOException {
    if (!last || !node.config.bool("aof-load-truncated")) {
      throw new LoadError("Unexpected end of file reading the append only file " + f.getFileName() + " at offset "
          + validUpTo + ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
          + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
    }
    node.log.warning("!!! Warning: short read while loading the AOF file " + f.getFileName() + "!!!");
    node.log.warning("!!! Truncating the AOF " + f.getFileName() + " at offset " + validUpTo + " !!!");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(validUpTo);
      ch.force(true);
    }
    node.log.warning("AOF " + f.getFileName() + " loaded anyway because aof-load-truncated is enabled");
  }

  private static final class Truncated extends IOException {
    Truncated() {
      super(null, null);
    }
  }

  private static final class Bad extends IOException {
    Bad() {
      super(null, null);
    }
  }

  /** A byte stream that knows its offset and reads RESP's pieces, through its own (unsynchronized) buffer. */
  private static final class CountingStream implements AutoCloseable {
    final InputStream in;
    final byte[] buf = new byte[1 << 16];
    int pos, limit;
    long offset;

    CountingStream(InputStream in) {
      this.in = in;
    }

    private boolean fill() throws IOException {
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) return false;
      pos = 0;
      limit = n;
      return true;
    }

    int read() throws IOException {
      if (pos == limit && !fill()) return -1;
      offset++;
      return buf[pos++] & 0xff;
    }

    /** Digits up to CRLF; the end of the file inside is a truncation. */
    long number() throws IOException {
      long n = 0;
      int digits = 0;
      boolean neg = false;
      while (true) {
        int c = read();
        if (c == -1) throw new Truncated();
        if (c == '\r') break;
        if (c == '-' && digits == 0 && !neg) {
          neg = true;
          continue;
        }
        if (c < '0' || c > '9' || digits > 18) throw new Bad();
        n = n * 10 + (c - '0');
        digits++;
      }
      int lf = read();
      if (lf == -1) throw new Truncated();
      if (lf != '\n' || digits == 0) throw new Bad();
      return neg ? -n : n;
    }

    void expect(char ch) throws IOException {
      int c = read();
      if (c == -1) throw new Truncated();
      if (c != ch) throw new Bad();
    }

    byte[] exactly(int len) throws IOException {
      byte[] b = new byte[len];
      int got = 0;
      while (got < len) {
        if (pos == limit && !fill()) {
          offset += got;
          throw new Truncated();
        }
        int n = Math.min(len - got, limit - pos);
        System.arraycopy(buf, pos, b, got, n);
        pos += n;
        got += n;
      }
      offset += len;
      return b;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static List<String> describe(AofManifest m) {
    List<String> names = new ArrayList<>();
    if (m.base != null) names.add(m.base.name());
    for (AofManifest.Entry e : m.incrs) names.add(e.name());
    return names;
  }
}
