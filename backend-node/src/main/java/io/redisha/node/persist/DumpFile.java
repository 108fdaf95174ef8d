package io.redisha.node.persist;

import io.redisha.node.rdb.RdbAux;
import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbValue;
import io.redisha.node.rdb.RdbWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One dump being written: to a temporary file in the target's directory, which only
 * {@link #commit} renames over the target after an fsync, and then the directory is
 * fsynced so the rename itself survives a power cut. Whatever happens before the rename
 * (a crash, kill -9, a full disk) leaves the previous dump as it was.
 *
 * <p>The dump is an RDB file, or, for an AOF base with aof-use-rdb-preamble no, the
 * commands that rebuild the same entries ({@link #commands}).
 */
final class DumpFile {

  private final Path dir;
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  /** Null when the dump is written as commands. */
  private final RdbWriter writer;
  private final OutputStream commandsOut;
  private final ByteArrayOutputStream commandsBuf;
  private long commandBytes;
  private boolean done;
  /** False for a replica's payload, read back at once and deleted: no fsync needed. */
  boolean durable = true;

  private DumpFile(Path dir, Path target, Path temp, FileChannel channel, boolean compress, boolean asCommands) {
    this.dir = dir;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.writer = asCommands ? null : new RdbWriter(Channels.newOutputStream(channel), compress);
    this.commandsOut = asCommands ? Channels.newOutputStream(channel) : null;
    this.commandsBuf = asCommands ? new ByteArrayOutputStream(1 << 16) : null;
  }

  /** A replica's payload: no file, the RDB goes to {@code out}. */
  private DumpFile(OutputStream out, boolean compress) {
    this.dir = null;
    this.target = null;
    this.temp = null;
    this.channel = null;
    this.writer = new RdbWriter(out, compress);
    this.commandsOut = null;
    this.commandsBuf = null;
  }

  /**
   * A replica's payload written straight to {@code out} (repl-diskless-sync): no file, and
   * nothing to commit or delete; the stream's owner learns the outcome from the save's callback.
   */
  static DumpFile stream(OutputStream out, boolean compress) {
    return new DumpFile(out, compress);
  }

  static DumpFile create(Path target, String tempName, boolean compress) throws IOException {
    return open(target, tempName, compress, false);
  }

  /** An AOF base without RDB preamble: SELECT, then per key the commands of {@link AofData#commands}. */
  static DumpFile commands(Path target, String tempName) throws IOException {
    return open(target, tempName, false, true);
  }

  private static DumpFile open(Path target, String tempName, boolean compress, boolean asCommands) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve(tempName);
    FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    return new DumpFile(dir, target, temp, ch, compress, asCommands);
  }

  Path temp() {
    return temp;
  }

  void header(RdbAux aux) throws IOException {
    if (writer != null) writer.header(aux);
  }

  void selectDb(int db, long keys, long expires) throws IOException {
    if (writer != null) writer.selectDb(db, keys, expires);
    else AofData.resp(commandsBuf, new byte[][] {AofData.b("SELECT"), AofData.b(Integer.toString(db))});
  }

  void entry(byte[] key, long expireAtMs, RdbValue value) throws IOException {
    if (writer != null) {
      writer.entry(key, expireAtMs, value);
      return;
    }
    for (byte[][] argv : AofData.commands(new RdbEntry(0, key, expireAtMs, value))) AofData.resp(commandsBuf, argv);
    if (commandsBuf.size() > 1 << 16) spill();
  }

  /** A string key; writes a dump without allocating (the commands form converts as {@link #entry} does). */
  void stringEntry(byte[] key, long expireAtMs, byte[] value) throws IOException {
    if (writer != null) writer.stringEntry(key, expireAtMs, value);
    else entry(key, expireAtMs, new RdbValue.Str(value));
  }

  private void spill() throws IOException {
    commandBytes += commandsBuf.size();
    commandsBuf.writeTo(commandsOut);
    commandsBuf.reset();
  }

  /** Ends the dump, makes it durable and puts it in place; returns its size in bytes. */
  long commit() throws IOException {
    long size;
    if (writer != null) {
      writer.finish();
      size = writer.bytesWritten();
    } else {
      spill();
      size = commandBytes;
    }
    if (channel == null) {
      done = true;
      return size;
    }
    if (durable) channel.force(true);
    channel.close();
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    done = true;
    if (!durable) return size;
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    return size;
  }

  /** Gives up: the temporary file goes, the target stays untouched. */
  void abort() {
    if (done) return;
    done = true;
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException ignored) {
      // deleting it is what matters
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // a stale temp file is harmless: the next save truncates it
    }
  }
}
