package io.redisha.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
  private final List<Op> pending = new ArrayList<>();
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
    if (--depth == 0 && !pending.isEmpty()) flush();
  }

  /** Adds a command to the stream, in the current unit if one is open. */
  public void propagate(int db, byte[]... argv) {
    if (sinks.isEmpty()) return;
    pending.add(new Op(db, argv));
    if (depth == 0) flush();
  }

  private void flush() {
    List<Op> unit = new ArrayList<>(pending);
    pending.clear();
    boolean wrap = unit.size() > 1;
    if (wrap) feedAll(unit.get(0).db, MULTI);
    for (Op op : unit) feedAll(op.db, op.argv);
    if (wrap) feedAll(unit.get(unit.size() - 1).db, EXEC);
  }

  private void feedAll(int db, byte[][] argv) {
    for (Sink s : sinks) s.feed(db, argv);
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
