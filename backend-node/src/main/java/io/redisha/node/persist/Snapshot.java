package io.redisha.node.persist;

import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.KeyTable;
import io.redisha.node.Node;
import io.redisha.node.rdb.RdbAux;
import io.redisha.node.rdb.RdbValue;
import io.vertx.core.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * A BGSAVE in progress (or a replica's payload, or an AOF rewrite's new base): the key
 * space as it was when it started, written out while the node keeps serving. Java cannot
 * fork, so the point in time is kept by copy-on-write at key granularity instead of by
 * the kernel's page copies.
 *
 * <p>Nothing is copied at the start, so starting costs microseconds whatever the size of
 * the data set. (Cloning the key tables' arrays instead stalled clients for 24-106 ms with
 * a million keys: the clones themselves, then the young collection after them, which had
 * to scan those big old-generation arrays full of references to young objects.)
 * Instead a task on the event loop walks each database's live {@link KeyTable} with its
 * hash-space cursor, which survives resizes: every key whose {@link KeyTable#hashPoint}
 * is below a database's {@link Part#cursor} has been handed to the writer. A key at or
 * past the cursor is pending, and everything that is about to change one ({@link
 * RdbPersistence#beforeWrite} for a command's keys, {@link #beforeChange} for Db's sets,
 * deletions, expiries and TTL changes) records it first in the part's {@code changed}
 * map: its value and expiry converted as they are now, or {@link #BORN} if it does not
 * exist (it was created after the start, since deleting an older key would have captured
 * it). The walk emits a recorded state instead of the live one and skips born keys; once
 * a database is walked, its remaining recorded states are the keys deleted meanwhile, and
 * they are emitted too. A pending key's expiry is read from the live expiry map when it is
 * walked: it can only have changed through the paths that record the key first.
 *
 * <p>The walk converts keys for about {@link #CHUNK_NANOS} per event-loop turn and hands
 * each batch to the writer thread, which does the expensive part (encoding, LZF, CRC, the
 * disk). Only collections are converted on the loop (commands change them in place);
 * strings are immutable and travel as they are. The loop's other costs are kept off the
 * save too: a string key allocates nothing on either thread (batches are recycled), so a
 * save causes no young collection of its own, and the save's classes are loaded when the
 * node starts ({@link #preload}), not by the first BGSAVE. Databases are followed through
 * SWAPDB by a map from live db to snapshot db (a part holds the table and expiry map
 * objects, which SWAPDB moves between Db numbers); FLUSHDB and FLUSHALL give the Db new
 * tables ({@link Db#flush}), so a flushed part keeps the old ones, which nothing changes
 * any more, and is walked as they were.
 */
final class Snapshot {

  /** Event-loop time per walk step; between steps the loop serves clients. */
  static final long CHUNK_NANOS = 2_000_000;
  private static final int QUEUE_BATCHES = 32;
  /** Keys per scan call of the walk; the step's deadline is checked between calls. */
  private static final int SCAN_COUNT = 128;
  /** The cursor of a database walked to its end: past every point of the hash space. */
  private static final long WALKED = 1L << 32;

  /** In a part's {@code changed} map: the key did not exist when the snapshot started. */
  private static final Object BORN = new Object();

  /** A key's state at the snapshot's time, converted before something changed it. */
  private record Captured(RdbValue value, long expireAtMs) {}

  private record DbStart(int db, long keys, long expires) {}

  /** One database as the snapshot walks it. */
  private static final class Part {
    final int db;
    /** The live tables when the snapshot started; SWAPDB moves them to another Db, FLUSHDB detaches them. */
    final KeyTable table;
    final Map<Key, Long> expires;
    /** Sizes at the start, the RDB's resize hints. */
    final long keys;
    final long volatileKeys;
    /** Keys whose hash point lies below it were handed to the writer; {@link #WALKED} at the end. */
    long cursor;
    /** Pending keys changed since the start: their {@link Captured} state, or {@link #BORN}. */
    final HashMap<Key, Object> changed = new HashMap<>();
    /** Over {@code changed} once the table is walked: what is left are the keys deleted meanwhile. */
    Iterator<Map.Entry<Key, Object>> deleted;

    Part(int db, KeyTable table, Map<Key, Long> expires) {
      this.db = db;
      this.table = table;
      this.expires = expires;
      this.keys = table.size();
      this.volatileKeys = expires.size();
    }

    long expiryOf(Key key) {
      if (expires.isEmpty()) return -1;
      Long w = expires.get(key);
      return w == null ? -1 : w;
    }
  }

  /**
   * Keys for the writer in parallel arrays, recycled through {@link #free}, so that saving
   * a string key allocates nothing on either thread (it travels as its immutable byte[]):
   * a save adds no young collections to the serving event loop's. Keys travel as {@link
   * Key}s, immutable too, so that the writer rather than the loop reads their bytes (one
   * cache miss per key less on the loop). A null key marks a {@link DbStart} in {@code
   * values}. {@link #full} is a soft limit: a scan call ends at a bucket's end, so a batch
   * may take a few keys more, and grows for them.
   */
  private static final class Batch {
    static final int CAPACITY = 4096;
    Key[] keys = new Key[CAPACITY];
    Object[] values = new Object[CAPACITY];
    long[] expires = new long[CAPACITY];
    int n;

    void add(Key key, long expireAtMs, Object value) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        values = Arrays.copyOf(values, n * 2);
        expires = Arrays.copyOf(expires, n * 2);
      }
      keys[n] = key;
      expires[n] = expireAtMs;
      values[n++] = value;
    }

    boolean full() {
      return n >= CAPACITY - SCAN_COUNT;
    }
  }

  private static final Object END = new Object();

  private final Node node;
  /** By snapshot db (the number a database had at the start); null when empty then, or walked. */
  private final Part[] parts;
  /** Live db number to the snapshot db it holds now (SWAPDB moves them), -1 once flushed. */
  private final int[] liveToSnap;
  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
  /** Batches the writer is done with, for the walk to fill again. */
  private final ConcurrentLinkedQueue<Batch> free = new ConcurrentLinkedQueue<>();
  private final DumpFile file;
  private final RdbAux aux;
  private final Context context;
  private final BiConsumer<Snapshot, Throwable> onDone;
  private final BiConsumer<Key, Object> walkVisitor = this::walked;

  final long startMs = System.currentTimeMillis();
  final long totalKeys;
  long processedKeys;
  private int walkDb;
  private boolean dbStarted;
  private Batch batch;
  private volatile boolean aborted;
  private long timer = -1;
  /** Event-loop time of the start, of the longest walk step and of all steps (wall time: GC pauses count). */
  long startNanos;
  long maxStepNanos;
  long walkNanos;

  Snapshot(Node node, DumpFile file, RdbAux aux, Context context, BiConsumer<Snapshot, Throwable> onDone) {
    this.node = node;
    this.file = file;
    this.aux = aux;
    this.context = context;
    this.onDone = onDone;
    long t0 = System.nanoTime();
    int n = node.databases();
    parts = new Part[n];
    liveToSnap = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      Db db = node.db(i);
      liveToSnap[i] = i;
      if (db.size() == 0) continue;
      parts[i] = new Part(i, db.table(), db.expiresMap());
      total += db.size();
    }
    totalKeys = total;
    startNanos = System.nanoTime() - t0;
  }

  /**
   * Loads and links the classes a save runs, by writing a one-key dump to nowhere: loaded
   * lazily, they cost the first BGSAVE of a process about 15 ms on the event loop. Called
   * while the node starts, before clients connect.
   */
  static void preload() {
    try {
      DumpFile f = DumpFile.stream(OutputStream.nullOutputStream(), true);
      f.header(RdbAux.now(0));
      f.selectDb(0, 1, 0);
      f.stringEntry(new byte[] {'k'}, -1, new byte[64]); // compressible: LZF's classes too
      f.commit();
      new Batch().add(null, 0, new DbStart(0, 1, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void start() {
    start("bgsave-writer");
  }

  void start(String threadName) {
    Thread t = new Thread(this::writeLoop, threadName);
    t.setDaemon(true);
    t.start();
    // Not at once: the command that started the save ends first, as short as a fork.
    timer = node.vertx().setTimer(1, x -> step());
  }

  // ---------------------------------------------------------------- copy-on-write hooks

  /** A key of live db {@code db} is about to be created, change or go: record its current state first. */
  void beforeChange(Db db, Key key) {
    int s = liveToSnap[db.id];
    if (s < 0) return;
    Part p = parts[s];
    if (p == null || KeyTable.hashPoint(key) < p.cursor || p.changed.containsKey(key)) return;
    Object v = p.table.get(key);
    p.changed.put(key, v == null ? BORN : new Captured(Values.toRdb(v), p.expiryOf(key)));
  }

  /** FLUSHDB/FLUSHALL: the Db gets new tables; the part keeps walking the old ones, unchanged from now on. */
  void beforeFlush(Db db) {
    liveToSnap[db.id] = -1;
  }

  /** SWAPDB: each snapshot db follows its data to the other number. */
  void beforeSwap(Db a, Db b) {
    int t = liveToSnap[a.id];
    liveToSnap[a.id] = liveToSnap[b.id];
    liveToSnap[b.id] = t;
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
    batch = emptyBatch();
    outer:
    while (walkDb < parts.length) {
      Part p = parts[walkDb];
      if (p == null) {
        walkDb++;
        continue;
      }
      if (!dbStarted) {
        batch.add(null, 0, new DbStart(p.db, p.keys, p.volatileKeys));
        dbStarted = true;
      }
      while (p.cursor != WALKED) {
        long next = p.table.scanEntries(p.cursor, SCAN_COUNT, walkVisitor);
        p.cursor = next == 0 ? WALKED : next;
        if (handOver() || System.nanoTime() > deadline) break outer;
      }
      // Nothing adds to the map once the part is walked, so one iterator serves all steps.
      if (p.deleted == null) p.deleted = p.changed.entrySet().iterator();
      while (p.deleted.hasNext()) {
        Map.Entry<Key, Object> e = p.deleted.next();
        if (e.getValue() instanceof Captured c) {
          batch.add(e.getKey(), c.expireAtMs(), c.value());
          processedKeys++;
          if (handOver() || System.nanoTime() > deadline) break outer;
        }
      }
      parts[walkDb] = null; // walked: nothing left to capture, and the tables can go
      walkDb++;
      dbStarted = false;
    }
    if (batch.n > 0) queue.add(batch);
    else free.add(batch);
    batch = null;
    long took = System.nanoTime() - stepStart;
    maxStepNanos = Math.max(maxStepNanos, took);
    walkNanos += took;
    if (walkDb == parts.length) {
      queue.add(END);
      return;
    }
    // A timer rather than runOnContext: Netty would run a self-resubmitting task up to 64
    // times before looking at the sockets again.
    timer = node.vertx().setTimer(1, t -> step());
  }

  /** The walk's visitor: a live key of the part being walked. */
  private void walked(Key k, Object v) {
    Part p = parts[walkDb];
    Object c = p.changed.isEmpty() ? null : p.changed.remove(k);
    if (c == BORN) return;
    if (c instanceof Captured cap) batch.add(k, cap.expireAtMs(), cap.value());
    else batch.add(k, p.expiryOf(k), v instanceof byte[] ? v : Values.toRdb(v));
    processedKeys++;
  }

  /** Hands a full batch to the writer; true when the queue is nearly full, so the step must end. */
  private boolean handOver() {
    if (!batch.full()) return false;
    queue.add(batch);
    batch = emptyBatch();
    return queue.remainingCapacity() < 2;
  }

  private Batch emptyBatch() {
    Batch b = free.poll();
    return b != null ? b : new Batch();
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
          } else if (v instanceof byte[] bytes) {
            file.stringEntry(b.keys[i].bytes, b.expires[i], bytes);
          } else {
            file.entry(b.keys[i].bytes, b.expires[i], (RdbValue) v);
          }
        }
        // Dropped references: a recycled batch must not keep old values alive.
        Arrays.fill(b.keys, 0, b.n, null);
        Arrays.fill(b.values, 0, b.n, null);
        b.n = 0;
        free.add(b);
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
