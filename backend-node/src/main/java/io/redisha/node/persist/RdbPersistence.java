package io.redisha.node.persist;

import static io.redisha.node.commands.Args.is;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.commands.Args;
import io.redisha.node.commands.CommandCmd;
import io.redisha.node.rdb.RdbAux;
import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbReader;
import io.redisha.node.rdb.RdbValue;
import io.redisha.node.rdb.RdbVisitor;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * RDB persistence as redis-server 7.0 does it: the dump is loaded at start, written by
 * SAVE (blocking), BGSAVE (in the background, see {@link Snapshot}), the {@code save
 * <seconds> <changes>} rules of the cron, and SHUTDOWN or SIGTERM when save points are
 * configured. {@link Node#dirty} is Redis's server.dirty: what a successful save resets.
 */
public final class RdbPersistence {

  public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable "
      + "to persist to disk. Commands that may modify the data set are disabled, because this instance is configured "
      + "to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
      + "the Redis logs for details about the RDB error.";

  /** As Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE the save rules wait this long. */
  private static final long RETRY_DELAY_MS = 5000;

  /**
   * Read once: the first ProcessHandle call, and linking a string concatenation of a long,
   * cost the first BGSAVE of a process milliseconds on the event loop.
   */
  private static final String PID = Long.toString(ProcessHandle.current().pid());

  private final Node node;
  /**
   * The one snapshot running, as Redis runs one child at a time: a BGSAVE, a replica's
   * payload, or an AOF rewrite's base ({@link #aofChild}). The others wait (scheduled) or
   * are refused, with Redis's replies.
   */
  private Snapshot snapshot;
  /** The running snapshot is an AOF rewrite's (Redis's CHILD_TYPE_AOF); it is told when it is aborted. */
  private boolean aofChild;
  private Runnable aofAborted;
  /** BGSAVE SCHEDULE (or BGSAVE in a transaction) while another snapshot ran: the cron starts it later. */
  private boolean bgsaveScheduled;
  /** Set while the running snapshot is a full sync's payload rather than a BGSAVE. */
  private java.util.function.Consumer<Throwable> replicationDone;

  private boolean lastBgsaveOk = true;
  private long lastBgsaveTimeSec = -1;
  private long lastBgsaveTryMs;
  private long dirtyAtBgsave;
  private long saves;
  private long loadedKeys;
  private long expiredOnLoad;
  private long lastBgsaveMaxStepNanos;
  private long lastBgsaveStartNanos;

  public RdbPersistence(Node node) {
    this.node = node;
    Snapshot.preload();
  }

  public void register(Commands commands) {
    commands.register("save", (c, argv) -> {
      if (rdbChildRunning()) {
        c.error("ERR Background save already in progress");
        return;
      }
      saves++;
      if (saveNow()) c.reply().ok();
      else c.error("ERR");
    });
    commands.register("bgsave", (c, argv) -> {
      if (argv.length > 2 || (argv.length == 2 && !is(argv[1], "schedule"))) {
        c.error(Args.SYNTAX);
        return;
      }
      if (rdbChildRunning()) {
        c.error("ERR Background save already in progress");
      } else if (busy() || c.inExec) {
        // An AOF rewrite runs (or a transaction, which must not start one): later, if asked to.
        if (argv.length == 2 || c.inExec) {
          bgsaveScheduled = true;
          c.reply().simple("Background saving scheduled");
        } else {
          c.error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
              + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
        }
      } else {
        startBgsave();
        c.reply().simple("Background saving started");
      }
    });
    commands.register("lastsave", (c, argv) -> c.reply().integer(node.lastSaveTime));
  }

  // ---------------------------------------------------------------- where

  public Path file() {
    return Path.of(node.config.getString("dir")).resolve(node.config.getString("dbfilename"));
  }

  private static String tempName(String kind) {
    return "temp-" + kind + PID + ".rdb";
  }

  private RdbAux aux() {
    Runtime rt = Runtime.getRuntime();
    return RdbAux.now(rt.totalMemory() - rt.freeMemory());
  }

  /**
   * stop-writes-on-bgsave-error: with save points configured, after a failed BGSAVE write
   * commands and PING are refused with MISCONF until a save succeeds.
   */
  public boolean refusesWrites() {
    return !lastBgsaveOk && node.config.bool("stop-writes-on-bgsave-error") && hasSavePoints();
  }

  /** Whether save points are configured (save ""  has none), which makes SHUTDOWN and SIGTERM save. */
  public boolean hasSavePoints() {
    return !node.config.getString("save").isBlank();
  }

  // ---------------------------------------------------------------- load

  /**
   * Loads the dump into the (empty) databases before the node listens. A missing file is
   * an empty data set; a corrupt, truncated or unreadable one is an IOException whose
   * message names the file, the byte offset and the problem, and the node must not start
   * (nor ever overwrite that file). Keys already expired are dropped, as a master does.
   */
  public void load() throws IOException {
    Path f = file();
    if (!Files.exists(f)) return;
    long startNs = System.nanoTime();
    try (java.io.InputStream in = Files.newInputStream(f)) {
      loadFrom(in, f.toString());
    } catch (NoSuchFileException e) {
      return;
    }
    node.log.notice(String.format("DB loaded from disk: %.3f seconds (%d keys, %d expired skipped)",
        (System.nanoTime() - startNs) / 1e9, loadedKeys, expiredOnLoad));
  }

  /**
   * The data set as an RDB in memory, for a replica's full sync. Made on the event loop,
   * so the stream offset it reflects is exact; it blocks the node as SAVE does.
   */
  public byte[] replicationPayload() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 16);
    io.redisha.node.rdb.RdbWriter w = new io.redisha.node.rdb.RdbWriter(bytes, node.config.bool("rdbcompression"));
    w.header(aux().withReplication(node.replication.payloadStreamDb(), node.replid, node.replication.offset()));
    for (int i = 0; i < node.databases(); i++) {
      Db db = node.db(i);
      if (db.size() == 0) continue;
      w.selectDb(i, db.size(), db.expiresSize());
      Map<Key, Long> expires = db.expiresMap();
      for (Map.Entry<Key, Object> e : db.entries()) {
        Long t = expires.isEmpty() ? null : expires.get(e.getKey());
        w.entry(e.getKey().bytes, t == null ? -1 : t, Values.toRdb(e.getValue()));
      }
    }
    w.finish();
    return bytes.toByteArray();
  }

  private void loadFrom(java.io.InputStream in, String f) throws IOException {
    long now = node.replication.isReplica() ? Long.MIN_VALUE : System.currentTimeMillis();
    long[] counts = new long[2];
    try {
      RdbReader.read(in, f, new RdbVisitor() {
        @Override
        public void aux(String name, byte[] value) {
          if (name.equals("repl-stream-db")) {
            try {
              node.replication.payloadStreamDb(Integer.parseInt(new String(value, java.nio.charset.StandardCharsets.US_ASCII)));
            } catch (NumberFormatException ignored) {
              // not a number: the stream starts in database 0
            }
          }
        }

        @Override
        public void selectDb(int db) throws IOException {
          if (db >= node.databases()) {
            throw new IOException(f + ": the dump has a key in database " + db + " but this node has only "
                + node.databases() + " (databases)");
          }
        }

        @Override
        public void entry(RdbEntry e) throws IOException {
          if (e.expireAtMs() >= 0 && e.expireAtMs() < now) {
            counts[1]++;
            return;
          }
          Object v = Values.fromRdb(e.value(), node.config);
          if (v == null) return;
          Db db = node.db(e.db());
          Key k = new Key(e.key());
          if (db.dict().put(k, v) != null) {
            throw new IOException(f + ": duplicate key " + RdbValue.show(e.key()) + " in database " + e.db());
          }
          if (e.expireAtMs() >= 0) db.expiresMap().put(k, e.expireAtMs());
          counts[0]++;
        }
      });
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      for (int i = 0; i < node.databases(); i++) node.db(i).flush();
      throw e instanceof IOException io ? io : new IOException(f + ": " + e, e);
    }
    loadedKeys = counts[0];
    expiredOnLoad = counts[1];
  }

  // ---------------------------------------------------------------- SAVE

  /**
   * Writes the whole data set now, on the calling (event-loop) thread, as Redis's SAVE
   * blocks its server. False after logging if it failed; the old dump is then intact.
   * Only SAVE and BGSAVE count in rdb_saves, as in Redis (not FLUSHALL's or SHUTDOWN's save).
   */
  public boolean saveNow() {
    DumpFile f = null;
    try {
      f = DumpFile.create(file(), tempName(""), node.config.bool("rdbcompression"));
      writeAll(f, aux());
      f.commit();
    } catch (IOException | RuntimeException e) {
      if (f != null) f.abort();
      node.log.warning("Failed saving the DB to " + file() + ": " + e);
      return false; // Redis leaves rdb_last_bgsave_status alone when SAVE fails
    }
    node.dirty = 0;
    node.lastSaveTime = System.currentTimeMillis() / 1000;
    lastBgsaveOk = true;
    node.log.notice("DB saved on disk");
    return true;
  }

  /** The whole data set into {@code f} now, on the calling thread (SAVE, or an AOF base before the node listens). */
  void writeAll(DumpFile f, RdbAux a) throws IOException {
    f.header(a);
    for (int i = 0; i < node.databases(); i++) {
      Db db = node.db(i);
      if (db.size() == 0) continue;
      f.selectDb(i, db.size(), db.expiresSize());
      Map<Key, Long> expires = db.expiresMap();
      for (Map.Entry<Key, Object> e : db.entries()) {
        Long w = expires.isEmpty() ? null : expires.get(e.getKey());
        f.entry(e.getKey().bytes, w == null ? -1 : w, Values.toRdb(e.getValue()));
      }
    }
  }

  // ---------------------------------------------------------------- BGSAVE

  private void startBgsave() {
    saves++;
    lastBgsaveTryMs = System.currentTimeMillis();
    dirtyAtBgsave = node.dirty;
    DumpFile f;
    try {
      f = DumpFile.create(file(), tempName("bg-"), node.config.bool("rdbcompression"));
    } catch (IOException e) {
      node.log.warning("Failed opening the temp RDB file for saving: " + e);
      node.log.warning("Background saving error");
      lastBgsaveOk = false;
      return;
    }
    snapshot = new Snapshot(node, f, aux(), Vertx.currentContext(), this::bgsaveDone);
    node.log.notice("Background saving started");
    snapshot.start();
  }

  private void bgsaveDone(Snapshot s, Throwable failure) {
    if (snapshot != s) return;
    snapshot = null;
    lastBgsaveMaxStepNanos = s.maxStepNanos;
    lastBgsaveStartNanos = s.startNanos;
    lastBgsaveTimeSec = (System.currentTimeMillis() - s.startMs) / 1000;
    if (failure == null) {
      node.dirty -= dirtyAtBgsave;
      node.lastSaveTime = System.currentTimeMillis() / 1000;
      lastBgsaveOk = true;
      node.log.notice("Background saving terminated with success");
    } else {
      s.abort();
      lastBgsaveOk = false;
      node.log.warning("Background saving error: " + failure);
    }
  }

  /**
   * A full sync's payload written in the background from the copy-on-write snapshot, as
   * BGSAVE writes dump.rdb, but to {@code target} (never over the dump). False when a save
   * is already running: the caller makes the payload otherwise. {@code done} runs on the
   * event loop with null or the failure. While it runs, INFO shows a BGSAVE in progress,
   * as Redis does for its replication child.
   */
  public boolean startReplicationSave(Path target, java.util.function.Consumer<Throwable> done) {
    if (snapshot != null) return false;
    DumpFile f;
    try {
      f = DumpFile.create(target, tempName("repl-"), node.config.bool("rdbcompression"));
      f.durable = false;
    } catch (IOException e) {
      node.log.warning("Failed opening the temp RDB file for the replicas: " + e);
      return false;
    }
    RdbAux a = aux().withReplication(node.replication.payloadStreamDb(), node.replid, node.replication.offset());
    replicationDone = done;
    snapshot = new Snapshot(node, f, a, Vertx.currentContext(), (s, failure) -> {
      if (snapshot != s) return;
      snapshot = null;
      replicationDone = null;
      if (failure != null) s.abort();
      done.accept(failure);
    });
    node.log.notice("Starting BGSAVE for SYNC with target: disk");
    snapshot.start();
    return true;
  }

  /**
   * repl-diskless-sync: as {@link #startReplicationSave}, but the payload is written by the
   * snapshot's writer thread straight into {@code out} (which may block it for backpressure),
   * no file in between. {@code done} runs on the event loop with null or the failure.
   */
  public boolean startReplicationStream(java.io.OutputStream out, java.util.function.Consumer<Throwable> done) {
    if (snapshot != null) return false;
    RdbAux a = aux().withReplication(node.replication.payloadStreamDb(), node.replid, node.replication.offset());
    replicationDone = done;
    snapshot = new Snapshot(node, DumpFile.stream(out, node.config.bool("rdbcompression")), a, Vertx.currentContext(),
        (s, failure) -> {
          if (snapshot != s) return;
          snapshot = null;
          replicationDone = null;
          if (failure != null) s.abort();
          done.accept(failure);
        });
    node.log.notice("Starting BGSAVE for SYNC with target: replicas sockets");
    snapshot.start();
    return true;
  }

  /**
   * An AOF rewrite's new base, written from a copy-on-write snapshot as BGSAVE writes
   * dump.rdb. False when another snapshot runs (the caller schedules the rewrite). {@code
   * done} runs on the event loop with null or the failure, after {@code f} was committed;
   * {@code aborted} runs instead if the snapshot is stopped.
   */
  boolean startAofSnapshot(DumpFile f, RdbAux a, java.util.function.Consumer<Throwable> done, Runnable aborted) {
    if (snapshot != null) return false;
    aofChild = true;
    aofAborted = aborted;
    snapshot = new Snapshot(node, f, a, Vertx.currentContext(), (s, failure) -> {
      if (snapshot != s) return;
      snapshot = null;
      aofChild = false;
      aofAborted = null;
      if (failure != null) s.abort();
      node.log.notice(String.format(java.util.Locale.ROOT, "AOF rewrite snapshot of %d keys: start %.2f ms, "
          + "longest walk step %.1f ms, walk %.1f ms in all on the event loop", s.totalKeys, s.startNanos / 1e6,
          s.maxStepNanos / 1e6, s.walkNanos / 1e6));
      done.accept(failure);
    });
    snapshot.start("aof-rewrite-writer");
    return true;
  }

  /** Whether a snapshot of any kind runs (Redis's hasActiveChildProcess). */
  public boolean snapshotRunning() {
    return snapshot != null;
  }

  /** Whether the running snapshot is a BGSAVE or a replica's payload (Redis's CHILD_TYPE_RDB). */
  private boolean rdbChildRunning() {
    return snapshot != null && !aofChild;
  }

  boolean aofRewriteRunning() {
    return snapshot != null && aofChild;
  }

  /** Stops a running AOF rewrite's snapshot, as Redis kills its rewrite child; nothing else. */
  void abortAofRewrite() {
    if (aofRewriteRunning()) abortBgsave();
  }

  /**
   * Stops whatever snapshot runs (SHUTDOWN saves synchronously instead, as Redis kills its
   * child; a replica's full sync replaces the data).
   */
  public void abortBgsave() {
    if (snapshot == null) return;
    snapshot.abort();
    snapshot = null;
    if (aofChild) {
      Runnable a = aofAborted;
      aofChild = false;
      aofAborted = null;
      node.log.notice("Killing running AOF rewrite");
      a.run();
      return;
    }
    if (replicationDone != null) {
      // As Redis killing its replication child: the replicas waiting for it are dropped and sync again.
      java.util.function.Consumer<Throwable> d = replicationDone;
      replicationDone = null;
      d.accept(new IOException("the save was aborted"));
    }
    node.log.warning("Background saving aborted");
  }

  /**
   * The background work of the cron, in Redis's order: a scheduled AOF rewrite; when no
   * snapshot runs, the save rules (BGSAVE once a rule's changes happened within its
   * seconds) and the automatic AOF rewrite; last a scheduled BGSAVE. Event loop only.
   */
  public void cron() {
    if (!busy()) node.aof.startScheduledRewrite();
    if (!busy()) {
      saveRules(System.currentTimeMillis());
      if (!busy()) node.aof.autoRewrite();
    }
    startScheduledBgsave();
  }

  /**
   * A scheduled BGSAVE starts once nothing else runs: from the cron, and at once when an
   * AOF rewrite ends, as Redis starts it in the cron tick that reaps the rewrite's child.
   */
  void startScheduledBgsave() {
    if (busy() || !bgsaveScheduled) return;
    if (lastBgsaveOk || System.currentTimeMillis() - lastBgsaveTryMs > RETRY_DELAY_MS) {
      bgsaveScheduled = false;
      startBgsave();
    }
  }

  /** A snapshot runs, or an AOF rewrite is still switching its manifest after its snapshot. */
  private boolean busy() {
    return snapshot != null || node.aof.rewriteInProgress();
  }

  private void saveRules(long nowMs) {
    String rules = node.config.getString("save");
    if (rules.isBlank()) return;
    long sinceSave = nowMs / 1000 - node.lastSaveTime;
    String[] w = rules.trim().split("\\s+");
    for (int i = 0; i + 1 < w.length; i += 2) {
      long seconds = Long.parseLong(w[i]);
      long changes = Long.parseLong(w[i + 1]);
      if (node.dirty >= changes && sinceSave > seconds && (lastBgsaveOk || nowMs - lastBgsaveTryMs > RETRY_DELAY_MS)) {
        node.log.notice(changes + " changes in " + seconds + " seconds. Saving...");
        startBgsave();
        return;
      }
    }
  }

  /**
   * SIGTERM or a stop with save points configured: a running BGSAVE gives way to a
   * synchronous save, as Redis's prepareForShutdown. Event loop only.
   */
  public boolean saveForExit() {
    abortBgsave();
    node.log.notice("Saving the final RDB snapshot before exiting.");
    return saveNow();
  }

  // ---------------------------------------------------------------- copy-on-write hooks

  /**
   * Before a write command runs: while a BGSAVE is in progress, the keys it names (the
   * same positions COMMAND GETKEYS reports) are captured into the snapshot first.
   */
  public void beforeWrite(Client c, CommandSpec spec, byte[][] argv) {
    if (snapshot == null || !spec.isWrite()) return;
    captureKeys(c.db, spec, argv);
  }

  /** Before a blocked client is served: its command's keys (a BLMOVE destination too). */
  public void beforeServe(Client c, byte[][] argv) {
    if (snapshot == null || argv == null) return;
    CommandSpec spec = node.commands.table().get(argv[0]);
    if (spec != null) captureKeys(c.db, spec, argv);
  }

  private void captureKeys(Db db, CommandSpec spec, byte[][] argv) {
    if (spec.has(CommandFlag.MOVABLEKEYS)) {
      List<Integer> keys = CommandCmd.movableKeys(spec, argv);
      if (keys != null) for (int p : keys) snapshot.beforeChange(db, new Key(argv[p]));
    } else {
      for (int p : spec.keyPositions(argv.length)) if (p < argv.length) snapshot.beforeChange(db, new Key(argv[p]));
    }
  }

  /** Db calls this before replacing, deleting, expiring or changing the TTL of a key. */
  public void beforeChange(Db db, Key key) {
    if (snapshot != null) snapshot.beforeChange(db, key);
  }

  public void beforeFlush(Db db) {
    if (snapshot != null) snapshot.beforeFlush(db);
  }

  public void beforeSwap(Db a, Db b) {
    if (snapshot != null) snapshot.beforeSwap(a, b);
  }

  // ---------------------------------------------------------------- INFO persistence

  /** INFO's rdb_bgsave_in_progress: a BGSAVE or a replica's payload, not an AOF rewrite. */
  public boolean bgsaveInProgress() {
    return rdbChildRunning();
  }

  public String lastBgsaveStatus() {
    return lastBgsaveOk ? "ok" : "err";
  }

  public long lastBgsaveTimeSec() {
    return lastBgsaveTimeSec;
  }

  public long currentBgsaveTimeSec() {
    return !rdbChildRunning() ? -1 : (System.currentTimeMillis() - snapshot.startMs) / 1000;
  }

  public long saves() {
    return saves;
  }

  public long keysProcessed() {
    return snapshot == null ? 0 : snapshot.processedKeys;
  }

  public long keysTotal() {
    return snapshot == null ? 0 : snapshot.totalKeys;
  }

  /** The longest the event loop was busy with the last BGSAVE at once (one walk step). */
  public long lastBgsaveMaxStepNanos() {
    return lastBgsaveMaxStepNanos;
  }

  public long lastBgsaveStartNanos() {
    return lastBgsaveStartNanos;
  }

  /** A replica's full sync loaded {@code keys}: INFO's rdb_last_load_* tell that load (a replica expires none). */
  public void replicaLoaded(long keys) {
    loadedKeys = keys;
    expiredOnLoad = 0;
  }

  public long loadedKeys() {
    return loadedKeys;
  }

  public long expiredOnLoad() {
    return expiredOnLoad;
  }
}
