package io.redisha.node.persist;

import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Node;
import io.redisha.node.Propagation;
import io.redisha.node.rdb.RdbAux;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The append-only file, as redis-server 7.0 keeps it: a directory (appenddirname) with a
 * base file (an RDB dump, or commands when aof-use-rdb-preamble is no), incremental files
 * of RESP commands, and the manifest naming them ({@link AofManifest}). Real Redis loads
 * our directory and we load its.
 *
 * <h2>Writing</h2>
 * The AOF is a {@link Propagation} sink: commands are encoded into a buffer on the event
 * loop; at the end of the event-loop turn the buffer goes to a single I/O thread, which
 * appends it (and, with appendfsync always, fsyncs it) while the next turn's commands
 * accumulate, so that one write and one fsync cover every command of a turn (group
 * commit). With appendfsync always, replies wait, through {@link Client.ReplyGate},
 * until the I/O thread has written and fsynced what came before them, so not even a
 * power loss costs an acknowledged write. With everysec and no, the first reply of a turn
 * that follows appends writes them into the file right there (a write() into the page
 * cache, as Redis does from its main thread before it sends replies), so a process
 * killed with -9 loses no acknowledged write either; the I/O thread fsyncs once a second
 * (everysec: a power loss costs about a second at most) or never (no).
 *
 * <h2>Rewriting</h2>
 * BGREWRITEAOF (and CONFIG SET appendonly yes, and the automatic rewrite of
 * auto-aof-rewrite-percentage) starts a new incremental file at once, so that every later
 * write goes there, and in the same event-loop turn starts the copy-on-write
 * {@link Snapshot} that BGSAVE uses, which writes the new base as the data was at that
 * instant while clients keep being served; then the manifest is replaced by one naming
 * the new base and the new incremental file, and the old files are deleted. A crash at
 * any point leaves a manifest that describes the data. Only one snapshot runs at a time
 * ({@link RdbPersistence} keeps it): a rewrite asked for while a BGSAVE runs is
 * scheduled, and the cron starts it when the save is over, as Redis does with its one
 * child process.
 */
public final class AofPersistence implements Propagation.Sink, Client.ReplyGate {

  private final Node node;
  private Context loop;
  /** Appends, fsyncs and file switches, in the order the event loop asked for them. */
  private ExecutorService io;

  private Path dir;
  private String filename;
  private boolean on;
  private AofManifest manifest;
  /** Whether {@link #manifest} describes the data (false right after CONFIG SET appendonly yes). */
  private boolean manifestCurrent;
  private FileChannel incr;

  private ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);
  private int selectedDb = -1;
  /** Bytes handed to the AOF so far, and how many of them the I/O thread has written (and fsynced if always). */
  private long appended, acked;
  private int inFlight;
  private boolean scheduled;
  private long fsyncTimer = -1;
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  private record Held(Client client, Buffer reply, long upTo) {}

  // INFO persistence
  private boolean lastWriteOk = true;
  private boolean rewriting;
  private boolean rewriteScheduled;
  private long rewriteStartMs;
  private boolean lastRewriteOk = true;
  private long lastRewriteTimeSec = -1;
  private long rewrites;
  private long rewriteFailures;
  /** Redis's aof_current_size: every AOF file's bytes (after a rewrite: the base and the incr file since). */
  private long currentSize;
  /** Redis's aof_rewrite_base_size: the size the automatic rewrite measures growth against. */
  private long rewriteBaseSize;
  /** Bytes in the incremental file being appended to. */
  private long incrSize;
  /** When the rewrite may be tried again after repeated failures (Redis's aofRewriteLimited), and the delay. */
  private long limitedUntilMs;
  private long limitDelayMinutes;
  private long rewriteSeq;

  public AofPersistence(Node node, Commands commands) {
    this.node = node;
    commands.register("bgrewriteaof", (c, argv) -> {
      if (rewriting) {
        c.error("ERR Background append only file rewriting already in progress");
      } else if (node.persistence.snapshotRunning() || c.inExec) {
        rewriteScheduled = true;
        // Asked for by hand: the back-off after failed rewrites does not apply.
        rewriteFailures = 0;
        c.reply().simple("Background append only file rewriting scheduled");
      } else if (rewrite()) {
        c.reply().simple("Background append only file rewriting started");
      } else {
        c.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
      }
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Before the node listens (on a worker thread: nothing else touches the data yet): with
   * appendonly yes, loads the AOF directory (or creates it), and from then on appends,
   * on {@code eventLoop}.
   */
  public void start(Context eventLoop) throws IOException {
    loop = eventLoop;
    io = Executors.newSingleThreadExecutor(r -> daemon(r, "aof-io"));
    node.replyGate = this;
    node.config.onChange("appendonly", v -> loop.runOnContext(x -> {
      if ((Boolean) v && !on) enableAtRuntime();
      else if (!(Boolean) v && on) disable();
    }));
    if (!node.config.bool("appendonly")) return;
    locate();
    Files.createDirectories(dir);
    Path mf = AofManifest.path(dir, filename);
    if (Files.exists(mf)) {
      manifest = AofManifest.read(mf);
      long t0 = System.currentTimeMillis();
      AofLoader loader = new AofLoader(node);
      loader.load(dir, filename, manifest);
      node.log.notice("DB loaded from append only file: " + String.format(java.util.Locale.ROOT, "%.3f",
          (System.currentTimeMillis() - t0) / 1000.0) + " seconds");
      // As Redis after a load: growth is measured from the base (the incr files' share is unknown).
      currentSize = 0;
      for (AofManifest.Entry e : manifest.incrs) currentSize += Files.size(dir.resolve(e.name()));
      rewriteBaseSize = manifest.base == null ? 0 : Files.size(dir.resolve(manifest.base.name()));
      currentSize += rewriteBaseSize;
      if (manifest.incrs.isEmpty()) {
        AofManifest.Entry e = new AofManifest.Entry(incrName(1), 1, 'i');
        Files.write(dir.resolve(e.name()), new byte[0]);
        manifest.incrs.add(e);
        manifest.write(dir, filename);
      }
    } else {
      // As Redis 7.0: a node turning the AOF on at start writes a base of what it has first
      // (its sizes stay 0, as Redis's do, until writes or a rewrite count them).
      manifest = new AofManifest();
      manifest.base = new AofManifest.Entry(baseName(1), 1, 'b');
      DumpFile base = baseFile(dir.resolve(manifest.base.name()));
      try {
        node.persistence.writeAll(base, baseAux());
        base.commit();
      } catch (IOException | RuntimeException e) {
        base.abort();
        throw e;
      }
      manifest.incrs.add(new AofManifest.Entry(incrName(1), 1, 'i'));
      Files.write(dir.resolve(manifest.incrs.get(0).name()), new byte[0]);
      manifest.write(dir, filename);
      node.log.notice("Creating AOF base file " + manifest.base.name() + " on server start");
    }
    manifestCurrent = true;
    Path last = dir.resolve(manifest.incrs.get(manifest.incrs.size() - 1).name());
    incr = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    incrSize = Files.size(last);
    turnOn();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void locate() {
    dir = Path.of(node.config.getString("dir")).resolve(node.config.getString("appenddirname"));
    filename = node.config.getString("appendfilename");
  }

  private void turnOn() {
    on = true;
    selectedDb = -1;
    node.propagation.addSink(this);
    loop.runOnContext(v -> scheduleFsync());
  }

  private void scheduleFsync() {
    if (fsyncTimer >= 0) node.vertx().cancelTimer(fsyncTimer);
    fsyncTimer = node.vertx().setPeriodic(1000, t -> {
      if (on && node.config.getString("appendfsync").equals("everysec") && incr != null) {
        FileChannel ch = incr;
        io.execute(() -> force(ch));
      }
    });
  }

  /** CONFIG SET appendonly yes: appends start now; the base comes from a rewrite, as in Redis. */
  private void enableAtRuntime() {
    try {
      locate();
      Files.createDirectories(dir);
      Path mf = AofManifest.path(dir, filename);
      manifest = Files.exists(mf) ? AofManifest.read(mf) : new AofManifest();
    } catch (IOException e) {
      node.log.warning("Can't enable the append only file: " + e.getMessage());
      manifest = new AofManifest();
    }
    manifestCurrent = false;
    turnOn();
    if ((node.persistence.snapshotRunning() || rewriting) && !node.persistence.aofRewriteRunning()) {
      rewriteScheduled = true;
      node.log.warning("AOF was enabled but there is already another background operation. An AOF background was "
          + "scheduled to start when possible.");
      return;
    }
    if (rewriting) {
      // A rewrite of the AOF-off kind: its base misses the writes since it started, which went nowhere.
      node.log.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF "
          + "and starting a rewrite now.");
      node.persistence.abortAofRewrite();
    }
    if (!rewrite()) {
      node.log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the "
          + "above logs for more info about the error.");
      rewriteScheduled = true;
    }
  }

  private void disable() {
    on = false;
    rewriteScheduled = false;
    node.persistence.abortAofRewrite();
    node.propagation.removeSink(this);
    if (fsyncTimer >= 0) node.vertx().cancelTimer(fsyncTimer);
    fsyncTimer = -1;
    FileChannel ch = incr;
    incr = null;
    drainTo(ch);
    io.execute(() -> closeQuietly(ch));
  }

  /** At shutdown: everything appended reaches the disk, as Redis fsyncs the AOF before it exits. */
  public void close() {
    if (io == null) return;
    if (on) {
      on = false;
      node.propagation.removeSink(this);
      FileChannel ch = incr;
      drainTo(ch);
      io.execute(() -> {
        force(ch);
        closeQuietly(ch);
      });
    }
    io.shutdown();
    try {
      io.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- appending

  @Override
  public void feed(int db, byte[][] argv) {
    if (db != selectedDb) {
      AofData.resp(buf, new byte[][] {AofData.b("SELECT"), AofData.b(Integer.toString(db))});
      selectedDb = db;
    }
    int before = buf.size();
    AofData.resp(buf, argv);
    appended += buf.size() - before;
    if (!scheduled) {
      scheduled = true;
      loop.runOnContext(v -> {
        scheduled = false;
        if (incr == null) drainTo(null);
        else if (inFlight == 0) submit(incr);
      });
    }
  }

  /** Hands the buffer to the I/O thread for {@code ch}. */
  private void submit(FileChannel ch) {
    if (buf.size() == 0 || ch == null) return;
    byte[] chunk = buf.toByteArray();
    buf.reset();
    long upTo = appended;
    boolean always = node.config.getString("appendfsync").equals("always");
    inFlight++;
    io.execute(() -> {
      IOException error = null;
      try {
        ByteBuffer bb = ByteBuffer.wrap(chunk);
        while (bb.hasRemaining()) ch.write(bb);
        if (always) ch.force(false);
      } catch (IOException e) {
        error = e;
      }
      IOException err = error;
      loop.runOnContext(v -> written(ch, upTo, chunk.length, err, always));
    });
  }

  private void written(FileChannel ch, long upTo, int bytes, IOException error, boolean always) {
    inFlight--;
    if (error != null) {
      lastWriteOk = false;
      node.log.warning("Error writing to the AOF file: " + error.getMessage());
      if (always) {
        // As Redis: with fsync always an acknowledged write must be on disk, which can no longer be promised.
        node.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        Runtime.getRuntime().halt(1);
      }
    } else {
      lastWriteOk = true;
      if (ch == incr) incrSize += bytes; // else the file a rewrite just left behind
      currentSize += bytes;
    }
    acked = Math.max(acked, upTo);
    releaseHeld();
    if (inFlight == 0 && buf.size() > 0) submit(incr);
  }

  private void releaseHeld() {
    while (!held.isEmpty() && held.peekFirst().upTo <= acked) {
      Held h = held.pollFirst();
      h.client.release(h.reply);
    }
  }

  /** Whatever is buffered goes to {@code ch} now, before a switch of files. */
  private void drainTo(FileChannel ch) {
    if (ch != null) {
      submit(ch);
    } else {
      // No file yet (appendonly just turned on, its rewrite still to start): the rewrite's copy will hold these writes.
      buf.reset();
      if (inFlight == 0) {
        acked = appended;
        releaseHeld();
      }
    }
  }

  @Override
  public boolean hold(Client c, Buffer reply) {
    if (held.isEmpty() && acked >= appended) return false;
    if (held.isEmpty() && inFlight == 0 && incr != null && !node.config.getString("appendfsync").equals("always")) {
      // everysec and no: write() into the page cache right here, as Redis does from its main
      // thread before it sends replies; cheaper than a round trip to the I/O thread.
      writeNow();
      return false;
    }
    held.addLast(new Held(c, reply, appended));
    return true;
  }

  private void writeNow() {
    int bytes = buf.size();
    try {
      ByteBuffer bb = ByteBuffer.wrap(buf.toByteArray());
      while (bb.hasRemaining()) incr.write(bb);
      lastWriteOk = true;
      incrSize += bytes;
      currentSize += bytes;
    } catch (IOException e) {
      lastWriteOk = false;
      node.log.warning("Error writing to the AOF file: " + e.getMessage());
    }
    buf.reset();
    acked = appended;
  }

  private static void force(FileChannel ch) {
    try {
      ch.force(false);
    } catch (IOException e) {
      // closed by a file switch meanwhile: its last data was forced on close
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) return;
    try {
      ch.force(false);
      ch.close();
    } catch (IOException e) {
      // nothing more to save
    }
  }

  // ---------------------------------------------------------------- rewriting

  private String baseName(long seq) {
    return filename + "." + seq + ".base." + (node.config.bool("aof-use-rdb-preamble") ? "rdb" : "aof");
  }

  private String incrName(long seq) {
    return filename + "." + seq + ".incr.aof";
  }

  /** Redis's temp-rewriteaof-bg-<pid>.aof, numbered so that an aborted writer never shares a file with the next. */
  private String tempName() {
    return "temp-rewriteaof-bg-" + ProcessHandle.current().pid() + "-" + (++rewriteSeq) + ".aof";
  }

  /** A base being written: an RDB dump (aof-use-rdb-preamble yes) or the commands that rebuild the data. */
  private DumpFile baseFile(Path target) throws IOException {
    return node.config.bool("aof-use-rdb-preamble")
        ? DumpFile.create(target, tempName(), node.config.bool("rdbcompression"))
        : DumpFile.commands(target, tempName());
  }

  /** An RDB base's aux fields: no replication fields, aof-base 1, as Redis writes them. */
  private static RdbAux baseAux() {
    Runtime rt = Runtime.getRuntime();
    RdbAux a = RdbAux.now(rt.totalMemory() - rt.freeMemory());
    return new RdbAux(a.redisVer(), a.redisBits(), a.ctimeSec(), a.usedMem(), 0, null, 0, true);
  }

  /**
   * A replica's full sync replaced the data set: the AOF must start over from it, as
   * Redis restarts its AOF after loading a master's payload. Until the rewrite is done a
   * crash would replay the old file plus the new stream (Redis avoids that window by not
   * appending while it waits for the rewrite).
   */
  public void rewriteAfterFullSync() {
    if (!enabled()) return;
    node.persistence.abortAofRewrite(); // its base would be of the old data set
    if (node.persistence.snapshotRunning() || rewriting) rewriteScheduled = true;
    else rewrite();
  }

  /** From the cron when no snapshot runs: a rewrite that had to wait for one (Redis's aof_rewrite_scheduled). */
  public void startScheduledRewrite() {
    if (rewriteScheduled && !rewriting && !rewriteLimited()) rewrite();
  }

  /**
   * From the cron when no snapshot runs: auto-aof-rewrite-percentage and
   * auto-aof-rewrite-min-size, growth measured against the size after the last rewrite
   * (or, after a restart, the base's size), as Redis's serverCron.
   */
  public void autoRewrite() {
    long percentage = node.config.getLong("auto-aof-rewrite-percentage");
    if (!on || !manifestCurrent || rewriting || percentage == 0) return;
    if (currentSize <= node.config.getLong("auto-aof-rewrite-min-size")) return;
    long base = rewriteBaseSize != 0 ? rewriteBaseSize : 1;
    long growth = currentSize * 100 / base - 100;
    if (growth >= percentage && !rewriteLimited()) {
      node.log.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
      rewrite();
    }
  }

  /**
   * After three failed rewrites in a row the automatic and scheduled ones back off: 1, 2,
   * 4 ... up to 60 minutes between tries, as Redis's aofRewriteLimited. BGREWRITEAOF by
   * hand is not held back.
   */
  private boolean rewriteLimited() {
    if (rewriteFailures < 3) {
      limitDelayMinutes = 0;
      limitedUntilMs = 0;
      return false;
    }
    long now = System.currentTimeMillis();
    if (limitedUntilMs != 0) {
      if (now < limitedUntilMs) return true;
      limitedUntilMs = 0;
      return false;
    }
    limitDelayMinutes = limitDelayMinutes == 0 ? 1 : Math.min(60, limitDelayMinutes * 2);
    limitedUntilMs = now + limitDelayMinutes * 60_000;
    node.log.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
        + limitDelayMinutes + " minutes");
    return true;
  }

  /**
   * Starts a background rewrite: the new incremental file and the snapshot begin in the
   * same event-loop turn, so the base plus that file are exactly the data. False (logged)
   * if it could not start; callers start it only when no snapshot runs.
   */
  private boolean rewrite() {
    if (rewriting || node.persistence.snapshotRunning()) return false;
    if (dir == null) locate();
    AofManifest next = new AofManifest();
    List<AofManifest.Entry> obsolete = new ArrayList<>();
    DumpFile base;
    try {
      Files.createDirectories(dir);
      if (manifest == null) {
        Path mf = AofManifest.path(dir, filename);
        manifest = Files.exists(mf) ? AofManifest.read(mf) : new AofManifest();
      }
      next.base = new AofManifest.Entry(baseName(manifest.baseSeq() + 1), manifest.baseSeq() + 1, 'b');
      base = baseFile(dir.resolve(next.base.name()));
    } catch (IOException e) {
      lastRewriteOk = false;
      node.log.warning("Can't rewrite append only file in background: " + e.getMessage());
      return false;
    }
    if (manifest.base != null) obsolete.add(manifest.base);
    obsolete.addAll(manifest.incrs);
    boolean startedOn = on;
    if (on) {
      // Every write from now on goes to a new incremental file, which the new base will precede.
      AofManifest.Entry e = new AofManifest.Entry(incrName(manifest.lastIncrSeq() + 1), manifest.lastIncrSeq() + 1, 'i');
      FileChannel fresh;
      try {
        fresh = FileChannel.open(dir.resolve(e.name()), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException ex) {
        base.abort();
        lastRewriteOk = false;
        node.log.warning("Can't open the append-only file " + e.name() + ": " + ex.getMessage());
        return false;
      }
      FileChannel old = incr;
      drainTo(old);
      incr = fresh;
      incrSize = 0;
      selectedDb = -1;
      next.incrs.add(e);
      if (manifestCurrent) {
        // Until the base is ready the data is the old files plus the new one.
        AofManifest interim = new AofManifest();
        interim.base = manifest.base;
        interim.incrs.addAll(manifest.incrs);
        interim.incrs.add(e);
        manifest = interim;
        io.execute(() -> {
          closeQuietly(old);
          try {
            interim.write(dir, filename);
          } catch (IOException ex) {
            node.log.warning("Can't write the AOF manifest: " + ex.getMessage());
          }
        });
      } else {
        io.execute(() -> closeQuietly(old));
      }
    }
    rewriting = true;
    rewriteScheduled = false;
    rewriteStartMs = System.currentTimeMillis();
    rewrites++;
    node.persistence.startAofSnapshot(base, baseAux(),
        failure -> baseWritten(next, obsolete, startedOn, failure), this::rewriteAborted);
    node.log.notice("Background append only file rewriting started");
    return true;
  }

  /** The snapshot committed the new base (or failed): switch the manifest to it, after the appends queued so far. */
  private void baseWritten(AofManifest next, List<AofManifest.Entry> obsolete, boolean startedOn, Throwable failure) {
    if (failure != null) {
      rewriteDone(false, "Background AOF rewrite terminated with error: " + failure);
      return;
    }
    io.execute(() -> {
      String error = null;
      try {
        next.write(dir, filename);
        for (AofManifest.Entry e : obsolete) {
          if (!e.name().equals(next.base.name()) && next.incrs.stream().noneMatch(x -> x.name().equals(e.name()))) {
            Files.deleteIfExists(dir.resolve(e.name()));
          }
        }
      } catch (IOException e) {
        error = "Can't switch to the rewritten AOF: " + e;
      }
      long size = sizeOf(dir.resolve(next.base.name()));
      String err = error;
      loop.runOnContext(v -> {
        if (err == null) {
          manifest = next;
          if (startedOn) manifestCurrent = true;
          if (on) {
            currentSize = size + incrSize;
            rewriteBaseSize = currentSize;
          }
        }
        rewriteDone(err == null, err);
      });
    });
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private void rewriteDone(boolean ok, String error) {
    rewriting = false;
    lastRewriteOk = ok;
    lastRewriteTimeSec = (System.currentTimeMillis() - rewriteStartMs) / 1000;
    if (ok) {
      rewriteFailures = 0;
      node.log.notice("Background AOF rewrite finished successfully");
    } else {
      rewriteFailures++;
      node.log.warning(error);
    }
    waitForRewrite();
    node.persistence.startScheduledBgsave();
  }

  /** The snapshot was stopped (appendonly turned off or on again, a full sync, shutdown): not a failure, as in Redis. */
  private void rewriteAborted() {
    rewriting = false;
    lastRewriteTimeSec = (System.currentTimeMillis() - rewriteStartMs) / 1000;
    waitForRewrite();
  }

  /** INFO's aof_rewrite_in_progress: from the switch to a new incr file until the manifest names the new base. */
  public boolean rewriteInProgress() {
    return rewriting;
  }

  /** Appendonly is on but the files do not describe the data yet: only a rewrite can fix that, so one is due. */
  private void waitForRewrite() {
    if (on && !manifestCurrent) rewriteScheduled = true;
  }

  // ---------------------------------------------------------------- INFO

  /** The aof_* fields of INFO persistence, Redis's names and order. */
  public void info(StringBuilder sb) {
    field(sb, "aof_enabled", on ? 1 : 0);
    field(sb, "aof_rewrite_in_progress", rewriting ? 1 : 0);
    field(sb, "aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
    field(sb, "aof_last_rewrite_time_sec", lastRewriteTimeSec);
    field(sb, "aof_current_rewrite_time_sec", rewriting ? (System.currentTimeMillis() - rewriteStartMs) / 1000 : -1);
    field(sb, "aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
    field(sb, "aof_rewrites", rewrites);
    field(sb, "aof_rewrites_consecutive_failures", rewriteFailures);
    field(sb, "aof_last_write_status", lastWriteOk ? "ok" : "err");
    field(sb, "aof_last_cow_size", 0);
  }

  /** The fields Redis adds after module_fork_last_cow_size when the AOF is on. */
  public void infoWhenOn(StringBuilder sb) {
    if (!on) return;
    field(sb, "aof_current_size", currentSize);
    field(sb, "aof_base_size", rewriteBaseSize);
    field(sb, "aof_pending_rewrite", rewriteScheduled ? 1 : 0);
    field(sb, "aof_buffer_length", buf.size());
    field(sb, "aof_pending_bio_fsync", 0);
    field(sb, "aof_delayed_fsync", 0);
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  public boolean enabled() {
    return on;
  }

  /** INFO's aof_last_write_status as a boolean, for the node's meters. */
  public boolean lastWriteOk() {
    return lastWriteOk;
  }
}
