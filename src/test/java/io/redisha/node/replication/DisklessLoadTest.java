package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * repl-diskless-load on our replica and on redis-server 7.0's, each against a fresh master
 * of the same kind: what a client sees while the payload arrives, the files left in dir,
 * and the data and rdb_last_load_* counters after.
 */
class DisklessLoadTest {

  private static final int KEYS = 5000;
  private static final int EXPIRED = 3;

  /** A replica under test, ours or redis-server, with its dir. */
  private record Replica(int port, Path dir, AutoCloseable process) implements AutoCloseable {
    static Replica start(boolean ours, String mode) throws Exception {
      if (ours) {
        TestNode n = TestNode.start("--repl-diskless-load", mode);
        return new Replica(n.port(), n.dir, n);
      }
      // Redis answers clients during a socket load only between chunks of this many bytes.
      RealRedis r = RealRedis.start("redis-server", new String[] {"--repl-diskless-load", mode,
          "--loading-process-events-interval-bytes", "1024"});
      return new Replica(r.port, r.dir, r);
    }

    @Override
    public void close() throws Exception {
      process.close();
    }
  }

  /** What a client of the replica saw while the payload arrived, and what was left after. */
  private record Seen(String oldKeyDuring, String pingDuring, String saveDuring, long loading, long asyncLoading,
      String loadingFields, boolean tempFileDuring, boolean dumpAfter, String oldKeyAfter, long dbsize, long keysLoaded, long keysExpired) {}

  /** KEYS keys plus EXPIRED past their TTL (which a master keeps with active expiry off and puts in the payload). */
  private static void fill(RespClient m) throws Exception {
    m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    for (int i = 0; i < KEYS; i++) m.send("SET", "key:" + i, "value:" + i);
    for (int i = 0; i < EXPIRED; i++) m.send("SET", "expired:" + i, "v", "PX", "1");
    for (int i = 0; i < KEYS + EXPIRED; i++) m.read();
    Thread.sleep(5); // the short TTLs pass
  }

  private static boolean has(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".rdb"));
    }
  }

  /**
   * A redis-server master that streams its payload slowly (diskless, 200 µs a key), so the
   * transfer lasts about a second; the replica starts with the key "old" (its own, or an
   * earlier sync's of the same history when {@code sameHistory}) and syncs.
   */
  private static Seen syncFromSlowRealMaster(boolean ours, String mode, boolean replicaHasData, boolean sameHistory)
      throws Exception {
    try (RealRedis master = RealRedis.start("redis-server", new String[] {"--enable-debug-command", "yes",
            "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--repl-backlog-size", "16384"});
        RespClient m = master.client();
        Replica replica = Replica.start(ours, mode);
        RespClient r = new RespClient(replica.port())) {
      fill(m);
      String port = Integer.toString(master.port);
      if (sameHistory) {
        // A first sync, then the link is cut and the master writes past its backlog: the
        // second sync is full, but from the history the replica's data already belongs to.
        m.call("SET", "old", "1");
        r.call("REPLICAOF", "127.0.0.1", port);
        awaitLinkUp(r, "the first sync");
        awaitCaughtUp(m, r);
        m.call("CONFIG", "SET", "requirepass", "pw");
        m.call("CLIENT", "KILL", "TYPE", "replica");
        m.call("DEL", "old");
        for (int i = 0; i < 300; i++) m.send("SET", "pad:" + i, "x".repeat(200));
        for (int i = 0; i < 300; i++) m.read();
        m.call("CONFIG", "SET", "rdb-key-save-delay", "200");
        r.call("CONFIG", "SET", "masterauth", "pw");
      } else {
        if (replicaHasData) r.call("SET", "old", "1");
        m.call("CONFIG", "SET", "rdb-key-save-delay", "200");
        r.call("REPLICAOF", "127.0.0.1", port);
      }
      try (RespClient probe = new RespClient(replica.port())) {
        Await.until(() -> {
          String info = Reply.str(probe.call("INFO", "persistence"));
          return info.contains("\r\nloading:1\r\n") || info.contains("\r\nasync_loading:1\r\n") || has(replica.dir(), "temp-");
        }, "the payload to start arriving");
        String oldDuring = String.valueOf(probe.call("GET", "old"));
        String ping = String.valueOf(probe.call("PING"));
        // SAVE is flagged no_async_loading; elsewhere it would race the sync for dump.rdb, so it is only tried then.
        String save = sameHistory ? String.valueOf(probe.call("SAVE")) : "-";
        long loading = Info.field(probe, "persistence", "loading");
        long async = Info.field(probe, "persistence", "async_loading");
        String fields = Stream.of(Reply.str(probe.call("INFO", "persistence")).split("\r\n"))
            .filter(l -> l.startsWith("loading_")).map(l -> l.substring(0, l.indexOf(':'))).toList().toString();
        boolean temp = has(replica.dir(), "temp-");
        Await.until(() -> Reply.str(probe.call("INFO", "replication")).contains("master_link_status:up"), "the sync to end");
        return new Seen(oldDuring, ping, save, loading, async, fields, temp, Files.exists(replica.dir().resolve("dump.rdb")),
            String.valueOf(probe.call("GET", "old")), ((Reply.Int) probe.call("DBSIZE")).value(),
            Info.field(probe, "persistence", "rdb_last_load_keys_loaded"),
            Info.field(probe, "persistence", "rdb_last_load_keys_expired"));
      }
    }
  }

  /** Runs the story on redis-server's replica and on ours; they must see the same, and {@code expected}. */
  private static void sameAsRedis(String mode, boolean replicaHasData, boolean sameHistory, Seen expected) throws Exception {
    Seen real = syncFromSlowRealMaster(false, mode, replicaHasData, sameHistory);
    Seen ours = syncFromSlowRealMaster(true, mode, replicaHasData, sameHistory);
    assertEquals(real, ours, mode + ": ours differs from redis-server");
    assertEquals(expected, ours, mode);
  }

  private static final String LOADING = "-LOADING Redis is loading the dataset in memory";
  private static final long LOADED = KEYS + EXPIRED;
  private static final String LOADING_FIELDS = "[loading_start_time, loading_total_bytes, loading_rdb_used_mem, "
      + "loading_loaded_bytes, loading_loaded_perc, loading_eta_seconds]";

  @Test
  void disabledReceivesIntoATempFileWhileServingTheOldDataThenLoadsDumpRdb() throws Exception {
    sameAsRedis("disabled", true, false, new Seen("\"1\"", "+PONG", "-", 0, 0, "[]", true, true, "(nil$)", LOADED, LOADED, 0));
  }

  @Test
  void onEmptyDbGoesThroughDiskWhenTheReplicaHasData() throws Exception {
    sameAsRedis("on-empty-db", true, false, new Seen("\"1\"", "+PONG", "-", 0, 0, "[]", true, true, "(nil$)", LOADED, LOADED, 0));
  }

  @Test
  void onEmptyDbLoadsFromTheSocketWhenTheReplicaIsEmpty() throws Exception {
    sameAsRedis("on-empty-db", false, false, new Seen(LOADING, LOADING, "-", 1, 0, LOADING_FIELDS, false, false, "(nil$)", LOADED, LOADED, 0));
  }

  @Test
  void swapdbFromAnotherHistoryLoadsFromTheSocketBehindLoading() throws Exception {
    sameAsRedis("swapdb", true, false, new Seen(LOADING, LOADING, "-", 1, 0, LOADING_FIELDS, false, false, "(nil$)", LOADED, LOADED, 0));
  }

  @Test
  void swapdbFromTheSameHistoryServesTheOldDataWhileItLoads() throws Exception {
    long loaded = LOADED + 300; // the padding written while the link was cut
    sameAsRedis("swapdb", true, true, new Seen("\"1\"", "+PONG", LOADING, 0, 1, LOADING_FIELDS, false, false, "(nil$)", loaded, loaded, 0));
  }

  /** Our master, each mode: the same files, data and counters on our replica as on redis-server's. */
  @Test
  void eachModeFromOurMasterEndsLikeRedis() throws Exception {
    for (String mode : List.of("disabled", "on-empty-db", "swapdb")) {
      for (boolean diskless : List.of(true, false)) {
        try (TestNode master = TestNode.start("--enable-debug-command", "yes", "--repl-diskless-sync", diskless ? "yes" : "no",
                "--repl-diskless-sync-delay", "0");
            RespClient m = master.client()) {
          fill(m);
          String[] seen = new String[2];
          for (boolean ours : List.of(false, true)) {
            try (Replica replica = Replica.start(ours, mode); RespClient r = new RespClient(replica.port())) {
              r.call("SET", "old", "1");
              r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
              awaitLinkUp(r, mode + " replica");
              awaitCaughtUp(m, r);
              seen[ours ? 1 : 0] = "dump.rdb=" + Files.exists(replica.dir().resolve("dump.rdb"))
                  + " temp=" + has(replica.dir(), "temp-")
                  + " old=" + r.call("GET", "old") + " key:7=" + r.call("GET", "key:7")
                  + " dbsize=" + r.call("DBSIZE")
                  + " loaded=" + Info.field(r, "persistence", "rdb_last_load_keys_loaded")
                  + " expired=" + Info.field(r, "persistence", "rdb_last_load_keys_expired");
            }
          }
          assertEquals(seen[0], seen[1], mode + (diskless ? ", diskless master" : ", disk master"));
          boolean disk = !mode.equals("swapdb");
          assertEquals("dump.rdb=" + disk + " temp=false old=(nil$) key:7=\"value:7\" dbsize=:" + LOADED
              + " loaded=" + LOADED + " expired=0", seen[1], mode);
        }
      }
    }
  }

  @Test
  void configGetAndSetMatchRedis() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient o = ours.client();
        RealRedis real = RealRedis.start("redis-server", new String[0]); RespClient r = real.client()) {
      for (String v : List.of("swapdb", "on-empty-db", "disabled", "SWAPDB", "bogus", "")) {
        assertEquals(r.call("CONFIG", "SET", "repl-diskless-load", v), o.call("CONFIG", "SET", "repl-diskless-load", v), v);
        assertEquals(r.call("CONFIG", "GET", "repl-diskless-load"), o.call("CONFIG", "GET", "repl-diskless-load"), v);
      }
    }
  }
}
