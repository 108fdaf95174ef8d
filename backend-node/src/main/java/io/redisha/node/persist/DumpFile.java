package io.redisha.node.persist;

import io.redisha.node.rdb.RdbAux;
import io.redisha.node.rdb.RdbValue;
import io.redisha.node.rdb.RdbWriter;
import java.io.IOException;
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
 */
final class DumpFile {

  private final Path dir;
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final RdbWriter writer;
  private boolean done;
  /** False for a replica's payload, read back at once and deleted: no fsync needed. */
  boolean durable = true;

  private DumpFile(Path dir, Path target, Path temp, FileChannel channel, RdbWriter writer) {
    this.dir = dir;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.writer = writer;
  }

  static DumpFile create(Path target, String tempName, boolean compress) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve(tempName);
    FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    return new DumpFile(dir, target, temp, ch, new RdbWriter(Channels.newOutputStream(ch), compress));
  }

  /**
   * A replica's payload written straight to {@code out} (repl-diskless-sync): no file, and
   * nothing to commit or delete; the stream's owner learns the outcome from the save's callback.
   */
  static DumpFile stream(java.io.OutputStream out, boolean compress) {
    return new DumpFile(null, null, null, null, new RdbWriter(out, compress));
  }

  Path temp() {
    return temp;
  }

  void header(RdbAux aux) throws IOException {
    writer.header(aux);
  }

  void selectDb(int db, long keys, long expires) throws IOException {
    writer.selectDb(db, keys, expires);
  }

  void entry(byte[] key, long expireAtMs, RdbValue value) throws IOException {
    writer.entry(key, expireAtMs, value);
  }

  /** Ends the dump, makes it durable and puts it in place; returns its size in bytes. */
  long commit() throws IOException {
    writer.finish();
    long size = writer.bytesWritten();
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
