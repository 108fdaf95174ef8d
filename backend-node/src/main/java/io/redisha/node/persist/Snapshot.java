package io.redisha.node.persist;

import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.KeyTable;
import io.redisha.node.Node;
import io.redisha.node.rdb.RdbAux;
import io.redisha.node.rdb.RdbValue;
import io.vertx.core.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.BiConsumer;

/**
 * A BGSAVE in progress (or a replica's payload, or an AOF rewrite's new base): the key
 * space as it was when it started, written out while the node keeps serving. Java cannot fork, so the point in time is kept by copy-on-write at
 * key granularity instead of by the kernel's page copies.
 *
 * <p>At the start each database's key table is copied ({@link KeyTable#frozenCopy}: its
 * three arrays, references only, a few milliseconds for a million keys). A frozen slot's
 * value then moves through three states: the live value object itself (pending: nothing
 * has touched the key since), a {@link Captured} conversion (something was about to
 * change the key, so its value and expiry were converted first) and {@link #DONE}
 * (handed to the writer). Expiry times are not copied up front: a pending key's expiry
 * can only change through the same paths that capture it first, so reading it from the
 * live database when the key is walked gives the value it had at the start.
 *
 * <p>The hooks that capture ({@link RdbPersistence#beforeWrite}, {@link #beforeChange},
 * {@link #beforeFlush}, {@link #beforeSwap}) run on the event loop, as the walk does: a
 * task converts slots for about {@link #CHUNK_NANOS} per turn and hands each batch to the
 * writer thread, which does the expensive part (encoding, LZF, CRC, the disk).
 *
 * <p>Databases are followed through SWAPDB by a map from live db to snapshot db; a
 * flushed database is detached (its pending values can no longer change, its expiry
 * times are copied once).
 */
final class Snapshot {

  /** Event-loop time per walk step; between steps the loop serves clients. */
  static final long CHUNK_NANOS = 2_000_000;
  private static final int QUEUE_BATCHES = 32;

  /** A frozen slot already handed to the writer. */
  private static final Object DONE = new Object();

  /** A key's state at the snapshot's time, converted before something changed it. */
  private record Captured(RdbValue value, long expireAtMs) {}

  private record DbStart(int db, long keys, long expires) {}

  /**
   * Keys for the writer in parallel arrays, so the walk allocates nothing per string key
   * (a string travels as its immutable byte[] and is wrapped on the writer thread): fewer
   * young collections while the event loop is serving. A null key marks a {@link DbStart}
   * in {@code values}.
   */
  private static final class Batch {
    static final int CAPACITY = 4096;
    final byte[][] keys = new byte[CAPACITY][];
    final Object[] values = new Object[CAPACITY];
    final long[] expires = new long[CAPACITY];
    int n;

    void add(byte[] key, long expireAtMs, Object value) {
      keys[n] = key;
      expires[n] = expireAtMs;
      values[n++] = value;
    }

    boolean full() {
      return n >= CAPACITY - 1; // room for one DbStart more
    }
  }

  private static final Object END = new Object();

  private final Node node;
  private final KeyTable[] frozen;
  private final long[] expiresHint;
  /** Live db number to the snapshot db it holds now (SWAPDB moves them), -1 once flushed. */
  private final int[] liveToSnap;
  /** Expiry times of a flushed snapshot db's keys, copied at the flush. */
  private final Map<Key, Long>[] detached;
  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
  private final DumpFile file;
  private final RdbAux aux;
  private final Context context;
  private final BiConsumer<Snapshot, Throwable> onDone;

  final long startMs = System.currentTimeMillis();
  final long totalKeys;
  long processedKeys;
  private int walkDb;
  private int walkSlot;
  private boolean dbStarted;
  private volatile boolean aborted;
  private long timer = -1;
  /** Event-loop time of the initial copy, and of the longest walk step (wall time: GC pauses count), for tests. */
  long copyNanos;
  long maxStepNanos;

  @SuppressWarnings("unchecked")
  Snapshot(Node node, DumpFile file, RdbAux aux, Context context, BiConsumer<Snapshot, Throwable> onDone) {
    this.node = node;
    this.file = file;
    this.aux = aux;
    this.context = context;
    this.onDone = onDone;
    long t0 = System.nanoTime();
    int n = node.databases();
    frozen = new KeyTable[n];
    expiresHint = new long[n];
    liveToSnap = new int[n];
    detached = new Map[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      Db db = node.db(i);
      liveToSnap[i] = i;
      if (db.size() == 0) continue;
      frozen[i] = db.table().frozenCopy();
      expiresHint[i] = db.expiresSize();
      total += db.size();
    }
    totalKeys = total;
    copyNanos = System.nanoTime() - t0;
  }

  void start() {
    start("bgsave-writer");
  }

  void start(String threadName) {
    Thread t = new Thread(this::writeLoop, threadName);
    t.setDaemon(true);
    t.start();
    step();
  }

  // ---------------------------------------------------------------- copy-on-write hooks

  /** A key of live db {@code db} is about to change or go: keep its current state first. */
  void beforeChange(Db db, Key key) {
    int s = liveToSnap[db.id];
    if (s < 0) return;
    KeyTable f = frozen[s];
    if (f == null) return;
    int slot = f.slotOf(key);
    if (slot < 0) return;
    Object v = f.valueAt(slot);
    if (v == DONE || v instanceof Captured) return;
    f.setValueAt(slot, new Captured(Values.toRdb(v), expiryOf(s, db, key)));
  }

  /** FLUSHDB/FLUSHALL: the pending values become unreachable, only their expiry times must be kept. */
  void beforeFlush(Db db) {
    int s = liveToSnap[db.id];
    if (s < 0) return;
    if (frozen[s] != null && !db.expiresMap().isEmpty()) detached[s] = new HashMap<>(db.expiresMap());
    liveToSnap[db.id] = -1;
  }

  /** SWAPDB: each snapshot db follows its data to the other number. */
  void beforeSwap(Db a, Db b) {
    int t = liveToSnap[a.id];
    liveToSnap[a.id] = liveToSnap[b.id];
    liveToSnap[b.id] = t;
  }

  private long expiryOf(int snapDb, Db live, Key key) {
    Map<Key, Long> expires = detached[snapDb] != null ? detached[snapDb] : live == null ? null : live.expiresMap();
    if (expires == null || expires.isEmpty()) return -1;
    Long w = expires.get(key);
    return w == null ? -1 : w;
  }

  private Db liveDbOf(int snapDb) {
    for (int i = 0; i < liveToSnap.length; i++) if (liveToSnap[i] == snapDb) return node.db(i);
    return null;
  }

  // ---------------------------------------------------------------- the walk (event loop)

  private void step() {
    timer = -1;
    if (aborted) return;
    // The walk is the only producer, so room checked now is room when offering.
    if (queue.remainingCapacity() < 2) {
      timer = node.vertx().setTimer(1, t -> step());
      return;
    }
    long stepStart = System.nanoTime();
    long deadline = stepStart + CHUNK_NANOS;
    Batch batch = new Batch();
    outer:
    while (walkDb < frozen.length) {
      KeyTable f = frozen[walkDb];
      if (f == null) {
        walkDb++;
        continue;
      }
      if (!dbStarted) {
        batch.add(null, 0, new DbStart(walkDb, f.size(), expiresHint[walkDb]));
        dbStarted = true;
      }
      Db live = detached[walkDb] != null ? null : liveDbOf(walkDb);
      int n = f.slotCount();
      while (walkSlot < n) {
        Key k = f.keyAt(walkSlot);
        if (k != null) {
          Object v = f.valueAt(walkSlot);
          if (v instanceof Captured c) batch.add(k.bytes, c.expireAtMs(), c.value());
          else batch.add(k.bytes, expiryOf(walkDb, live, k), v instanceof byte[] ? v : Values.toRdb(v));
          f.setValueAt(walkSlot, DONE);
          processedKeys++;
        }
        walkSlot++;
        if (batch.full()) {
          queue.add(batch);
          batch = new Batch();
          if (queue.remainingCapacity() < 2) break outer;
        }
        if ((walkSlot & 63) == 0 && System.nanoTime() > deadline) break outer;
      }
      frozen[walkDb] = null; // walked: nothing left to capture, and the arrays can go
      detached[walkDb] = null;
      walkDb++;
      walkSlot = 0;
      dbStarted = false;
    }
    if (batch.n > 0) queue.add(batch);
    maxStepNanos = Math.max(maxStepNanos, System.nanoTime() - stepStart);
    if (walkDb == frozen.length) {
      queue.add(END);
      return;
    }
    // A timer rather than runOnContext: Netty would run a self-resubmitting task up to 64
    // times before looking at the sockets again.
    timer = node.vertx().setTimer(1, t -> step());
  }

  /** Stops the save: the writer deletes its temporary file. Event loop only. */
  void abort() {
    aborted = true;
    if (timer >= 0) node.vertx().cancelTimer(timer);
    timer = -1;
    queue.clear();
    queue.offer(END);
  }

  boolean aborted() {
    return aborted;
  }

  // ---------------------------------------------------------------- the writer thread

  private void writeLoop() {
    Throwable failure = null;
    try {
      file.header(aux);
      while (true) {
        Object o = queue.take();
        if (aborted) break;
        if (o == END) {
          file.commit();
          break;
        }
        Batch b = (Batch) o;
        // Read per batch, so that a test can CONFIG SET it back to 0 to let a slow save finish.
        long delayUs = node.config.getLong("rdb-key-save-delay");
        for (int i = 0; i < b.n; i++) {
          if (delayUs != 0 && b.keys[i] != null) {
            keySaveDelay(delayUs);
            if (aborted) break;
          }
          Object v = b.values[i];
          if (b.keys[i] == null) {
            DbStart d = (DbStart) v;
            file.selectDb(d.db(), d.keys(), d.expires());
          } else {
            file.entry(b.keys[i], b.expires[i], v instanceof byte[] bytes ? new RdbValue.Str(bytes) : (RdbValue) v);
          }
        }
      }
    } catch (Throwable e) {
      failure = e;
    }
    if (aborted || failure != null) file.abort();
    if (aborted) return;
    Throwable f = failure;
    context.runOnContext(v -> onDone.accept(this, f));
  }

  /**
   * Redis's rdb-key-save-delay, which its tests use to make a save last: microseconds per
   * key, or a negative -n for one microsecond on about one key in n. On the writer
   * thread, so the event loop never waits for it.
   */
  private static void keySaveDelay(long us) {
    if (us < 0) us = java.util.concurrent.ThreadLocalRandom.current().nextLong(-us) == 0 ? 1 : 0;
    if (us > 0) java.util.concurrent.locks.LockSupport.parkNanos(us * 1000);
  }
}
