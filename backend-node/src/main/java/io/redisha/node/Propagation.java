package io.redisha.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The change stream: every change to the data set as a command that, replayed in order
 * on an empty node (or on a copy of this node's earlier state), rebuilds the same data.
 * The append-only file consumes it, and replication will.
 *
 * <h2>What is propagated</h2>
 * After a command's handler ran, {@link Client#call} propagates the command as it came,
 * in the client's current database, when it changed something ({@link Node#dirty} grew).
 * A handler whose effect depends on time or chance replaces that with
 * {@link Client#propagateAs}: SET EX becomes SET PXAT, EXPIRE becomes PEXPIREAT, SPOP
 * becomes SREM, INCRBYFLOAT becomes SET KEEPTTL, a blocking pop becomes its
 * non-blocking form, and so on, as Redis 7.0 rewrites them. Keys deleted by expiry
 * (lazily by a lookup, or by the cron) are propagated as DEL.
 *
 * <h2>Units</h2>
 * What one top-level command propagates (including keys it expired on the way, and all
 * of an EXEC's queued commands) is one unit: it is buffered while the call nests
 * ({@link #enter}/{@link #exit}) and, at the end, handed to the sinks alone when it is a
 * single command, or wrapped in MULTI ... EXEC when there are several, so that a replica
 * or a loaded AOF never sees half of it. Serving a blocked client is a unit of its own.
 *
 * <h2>Databases</h2>
 * Each command carries the number of its database; a sink keeps track of the database
 * its consumer has selected and inserts SELECT itself when it changes, as each consumer
 * (AOF, each replica stream) has its own idea of the current database.
 */
public final class Propagation {

  /** A consumer of the stream; called on the event loop, it must not block. */
  public interface Sink {
    void feed(int db, byte[][] argv);
  }

  private record Op(int db, byte[][] argv) {}

  private final List<Sink> sinks = new ArrayList<>();
  /**
   * The open unit, as two parallel arrays reused from unit to unit: a replicated SET
   * passes here once per command on the master and on each replica, and a record plus a
   * list copy per command was about a sixth of what a replica allocated under a SET load
   * (young collections are the pauses a reader sees as replication lag).
   */
  private int[] pendingDb = new int[4];
  private byte[][][] pendingArgv = new byte[4][][];
  private int pending;
  private int depth;

  public void addSink(Sink s) {
    sinks.add(s);
  }

  public void removeSink(Sink s) {
    sinks.remove(s);
  }

  public boolean active() {
    return !sinks.isEmpty();
  }

  /** A unit starts (a top-level call, or the service of a blocked client), or a call nests. */
  public void enter() {
    depth++;
  }

  /** The matching end: the outermost one hands the buffered unit to the sinks. */
  public void exit() {
    if (--depth == 0 && pending > 0) flush();
  }

  /** Adds a command to the stream, in the current unit if one is open. */
  public void propagate(int db, byte[]... argv) {
    if (sinks.isEmpty()) return;
    if (pending == pendingArgv.length) {
      pendingDb = Arrays.copyOf(pendingDb, pending * 2);
      pendingArgv = Arrays.copyOf(pendingArgv, pending * 2);
    }
    pendingDb[pending] = db;
    pendingArgv[pending++] = argv;
    if (depth == 0) flush();
  }

  /** Sinks only consume: none propagates from feed, so the arrays are not reentered. */
  private void flush() {
    int n = pending;
    pending = 0;
    boolean wrap = n > 1;
    if (wrap) feedAll(pendingDb[0], MULTI);
    for (int i = 0; i < n; i++) {
      byte[][] argv = pendingArgv[i];
      pendingArgv[i] = null; // a unit's arguments live no longer than the unit
      feedAll(pendingDb[i], argv);
    }
    if (wrap) feedAll(pendingDb[n - 1], EXEC);
    // A huge EXEC grew them: give the memory back.
    if (pendingArgv.length > 1024) {
      pendingDb = new int[4];
      pendingArgv = new byte[4][][];
    }
  }

  private void feedAll(int db, byte[][] argv) {
    for (int i = 0; i < sinks.size(); i++) sinks.get(i).feed(db, argv);
  }

  static final byte[][] MULTI = {bytes("MULTI")};
  static final byte[][] EXEC = {bytes("EXEC")};
  static final byte[] DEL = bytes("DEL");

  /** Shorthand for handlers building a replacement: strings and byte arrays mixed. */
  public static byte[][] cmd(Object... parts) {
    byte[][] r = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      Object p = parts[i];
      r[i] = p instanceof byte[] b ? b : bytes(String.valueOf(p));
    }
    return r;
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
