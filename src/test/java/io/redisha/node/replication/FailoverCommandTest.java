package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.assertSame;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitCaughtUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.mixedWrites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * FAILOVER as Redis 7.0: error texts against a real redis-server, the coordinated switch in
 * both directions, and FORCE's stages beside redis-server's.
 */
class FailoverCommandTest {

  private static String role(RespClient c) throws Exception {
    return Reply.str(((Reply.Agg) c.call("ROLE")).items().get(0));
  }

  private static String failoverState(RespClient c) throws Exception {
    String info = Reply.str(c.call("INFO", "replication"));
    int at = info.indexOf("master_failover_state:");
    return info.substring(at + 22, info.indexOf("\r\n", at));
  }

  private static final List<List<String>> BAD = List.of(
      List.of("FAILOVER"),
      List.of("FAILOVER", "ABORT"),
      List.of("FAILOVER", "TIMEOUT", "0"),
      List.of("FAILOVER", "TIMEOUT", "-5"),
      List.of("FAILOVER", "TIMEOUT", "soon"),
      List.of("FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"),
      List.of("FAILOVER", "TO", "127.0.0.1"),
      List.of("FAILOVER", "TO", "127.0.0.1", "port"),
      List.of("FAILOVER", "FORCE"),
      List.of("FAILOVER", "FORCE", "FORCE"),
      List.of("FAILOVER", "ABORT", "TIMEOUT", "10"),
      List.of("FAILOVER", "NOW"),
      List.of("FAILOVER", "TO", "127.0.0.1", "1", "FORCE"),
      List.of("FAILOVER", "TO", "127.0.0.1", "1", "TIMEOUT", "100"),
      List.of("REPLICAOF", "NO", "ONE"));

  @Test
  void errorTextsMatchRedis() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient o = ours.client();
        RealRedis real = RealRedis.start("redis-server", new String[0]); RespClient r = real.client()) {
      // Without replicas.
      for (List<String> cmd : BAD) {
        String[] a = cmd.toArray(String[]::new);
        assertEquals(r.call(a), o.call(a), String.join(" ", cmd) + " (no replicas)");
      }
      // With one replica each, a real redis-server.
      try (RealRedis rr = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(real.port)});
          RealRedis or = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(ours.port())});
          RespClient rrc = rr.client(); RespClient orc = or.client()) {
        awaitLinkUp(rrc, "the real master's replica");
        awaitLinkUp(orc, "our master's replica");
        for (List<String> cmd : BAD) {
          if (cmd.get(0).equals("REPLICAOF")) continue;
          if (cmd.size() == 1 || cmd.equals(List.of("FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"))) continue; // these would start one
          String[] a = cmd.toArray(String[]::new);
          assertEquals(r.call(a), o.call(a), String.join(" ", cmd) + " (one replica)");
        }
        // On a replica.
        assertEquals(rrc.call("FAILOVER"), orc.call("FAILOVER"));
        // While one is waiting (the replica stopped, so it cannot catch up): the in-progress errors, then ABORT.
        long[] pids = {rr.pid(), or.pid()};
        for (long pid : pids) new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        try {
          r.call("SET", "moved", "1");
          o.call("SET", "moved", "1");
          assertEquals(new Reply.Simple("OK"), r.call("FAILOVER"));
          assertEquals(new Reply.Simple("OK"), o.call("FAILOVER"));
          assertEquals("waiting-for-sync", failoverState(r));
          assertEquals("waiting-for-sync", failoverState(o));
          assertEquals(r.call("FAILOVER"), o.call("FAILOVER"));
          assertEquals(r.call("REPLICAOF", "127.0.0.1", "1"), o.call("REPLICAOF", "127.0.0.1", "1"));
          assertEquals(r.call("FAILOVER", "ABORT"), o.call("FAILOVER", "ABORT"));
          assertEquals("no-failover", failoverState(o));
        } finally {
          for (long pid : pids) new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
      }
    }
  }

  /** A write held by the failover pause runs when a TIMEOUT without FORCE aborts it. */
  @Test
  void timeoutWithoutForceAbortsAndReleasesHeldWrites() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient o = ours.client();
        RealRedis replica = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(ours.port())});
        RespClient rc = replica.client(); RespClient writer = ours.client()) {
      awaitLinkUp(rc, "the replica");
      new ProcessBuilder("kill", "-STOP", Long.toString(replica.pid())).start().waitFor();
      try {
        o.call("SET", "k", "1");
        assertEquals(new Reply.Simple("OK"), o.call("FAILOVER", "TIMEOUT", "1500"));
        long t0 = System.currentTimeMillis();
        CompletableFuture<Reply> held = CompletableFuture.supplyAsync(() -> {
          try {
            return writer.call("SET", "k", "2");
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        assertEquals(new Reply.Bulk("1".getBytes()), o.call("GET", "k"), "reads run during the failover");
        assertEquals(new Reply.Simple("OK"), held.get(10, java.util.concurrent.TimeUnit.SECONDS));
        long waited = System.currentTimeMillis() - t0;
        assertTrue(waited >= 1300, "the write was not held: " + waited + " ms");
        assertEquals("no-failover", failoverState(o));
        assertEquals("master", role(o));
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(replica.pid())).start().waitFor();
      }
    }
  }

  /** A master's replication state as INFO and ROLE show it, offsets left out. */
  private static String stage(RespClient c) throws Exception {
    String info = Reply.str(c.call("INFO", "replication"));
    StringBuilder s = new StringBuilder();
    for (String line : info.split("\r\n")) {
      if (line.matches("(role|master_host|master_link_status|master_sync_in_progress|connected_slaves|master_failover_state):.*")) {
        s.append(line.replaceAll(":\\d{4,5}$", ":<port>")).append(' ');
      }
    }
    List<Reply> role = ((Reply.Agg) c.call("ROLE")).items();
    s.append("ROLE=").append(Reply.str(role.get(0)));
    if (Reply.str(role.get(0)).equals("slave")) s.append(' ').append(Reply.str(role.get(3))).append(' ').append(role.get(4));
    return s.toString();
  }

  /**
   * FAILOVER TO ... FORCE TIMEOUT against a replica stopped with SIGSTOP, so it never
   * acknowledges: what the master answers and shows while it waits, once the timeout
   * forces it to become the replica's replica, while the stopped target cannot answer the
   * handshake (past repl-timeout, so it is made again), and once the target wakes up and
   * takes over; and what the write held meanwhile gets.
   */
  private static List<String> forceStory(RespClient m, int masterPort, RealRedis replica) throws Exception {
    try (RespClient rc = replica.client(); RespClient writer = new RespClient(masterPort)) {
      Await.until(() -> Reply.str(m.call("INFO", "replication")).contains("state=online"), "the replica to be online");
      // A write seen on the replica: its first ACK came, so the stream flows to it (a diskless sync's does not before).
      m.call("SET", "warm", "1");
      Await.until(() -> rc.call("GET", "warm").equals(new Reply.Bulk("1".getBytes())), "the replica to apply a write");
      List<String> seen = new java.util.ArrayList<>();
      new ProcessBuilder("kill", "-STOP", Long.toString(replica.pid())).start().waitFor();
      try {
        m.call("SET", "k", "1");
        long t0 = System.nanoTime();
        seen.add("reply " + m.call("FAILOVER", "TO", "127.0.0.1", Integer.toString(replica.port), "FORCE", "TIMEOUT", "500"));
        CompletableFuture<Reply> held = CompletableFuture.supplyAsync(() -> {
          try {
            return writer.call("SET", "held", "1");
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        seen.add("waiting " + stage(m));
        Await.until(() -> !failoverState(m).equals("waiting-for-sync"), "the FORCE timeout to pass");
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs >= 450, "the failover did not wait for its timeout: " + waitedMs + " ms");
        seen.add("forced " + stage(m));
        // The target stays stopped past repl-timeout: the handshake times out and is tried again, the failover goes on.
        Thread.sleep(2500);
        seen.add("target still stopped " + stage(m) + " held write done=" + held.isDone());
        new ProcessBuilder("kill", "-CONT", Long.toString(replica.pid())).start().waitFor();
        Await.until(() -> failoverState(m).equals("no-failover") && stage(m).contains("master_link_status:up"),
            "the woken target to take over");
        seen.add("after " + stage(m));
        seen.add("held write " + held.get(10, java.util.concurrent.TimeUnit.SECONDS));
        seen.add("target " + stage(rc) + " k=" + rc.call("GET", "k"));
        return seen;
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(replica.pid())).start().waitFor();
      }
    }
  }

  @Test
  void forceFailsOverAtTheTimeoutToAReplicaThatCannotCatchUpLikeRedis() throws Exception {
    List<String> real, ours;
    try (RealRedis master = RealRedis.start("redis-server", new String[] {"--repl-diskless-sync-delay", "0", "--repl-timeout", "1"});
        RespClient m = master.client();
        RealRedis replica = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(master.port)})) {
      real = forceStory(m, master.port, replica);
    }
    try (TestNode master = TestNode.start("--repl-diskless-sync-delay", "0", "--repl-timeout", "1");
        RespClient m = master.client();
        RealRedis replica = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(master.port())})) {
      ours = forceStory(m, master.port(), replica);
    }
    assertEquals(String.join("\n", real), String.join("\n", ours));
    assertEquals(List.of(
        "reply +OK",
        "waiting role:master connected_slaves:1 master_failover_state:waiting-for-sync ROLE=master",
        // Still listed: Redis 7.0 keeps its replicas on becoming one; repl-timeout drops the silent one later.
        "forced role:slave master_host:127.0.0.1 master_link_status:down master_sync_in_progress:0 connected_slaves:1 "
            + "master_failover_state:failover-in-progress ROLE=slave handshake :-1",
        "target still stopped role:slave master_host:127.0.0.1 master_link_status:down master_sync_in_progress:0 "
            + "connected_slaves:0 master_failover_state:failover-in-progress ROLE=slave handshake :-1 held write done=false",
        "after role:slave master_host:127.0.0.1 master_link_status:up master_sync_in_progress:0 connected_slaves:0 "
            + "master_failover_state:no-failover ROLE=slave connected :80",
        "held write -READONLY You can't write against a read only replica.",
        "target role:master connected_slaves:1 master_failover_state:no-failover ROLE=master k=\"1\""), ours);
  }

  /** Our master hands over to a real replica, and a real master to ours: PSYNC FAILOVER both ways, no full resync. */
  @Test
  void failoverToAReplicaInBothDirections() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient o = ours.client();
        RealRedis real = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(ours.port())});
        RespClient r = real.client()) {
      awaitLinkUp(r, "the real replica");
      mixedWrites(o, "before:");
      awaitCaughtUp(o, r);
      assertEquals(new Reply.Simple("OK"), o.call("FAILOVER", "TO", "127.0.0.1", Integer.toString(real.port), "TIMEOUT", "5000"));
      Await.until(() -> role(r).equals("master") && role(o).equals("slave") && failoverState(o).equals("no-failover"),
          "ours to hand over to the real replica");
      awaitLinkUp(o, "our node, now the real one's replica");
      assertEquals(0, Info.field(r, "stats", "sync_full"), "the real one took over without a full resync");
      assertEquals(1, Info.field(r, "stats", "sync_partial_ok"));
      mixedWrites(r, "after:");
      awaitCaughtUp(r, o);
      assertSame(r, o);

      // And back: the real master fails over to ours.
      assertEquals(new Reply.Simple("OK"), r.call("FAILOVER"));
      Await.until(() -> role(o).equals("master") && role(r).equals("slave") && failoverState(r).equals("no-failover"),
          "the real master to hand over to ours");
      awaitLinkUp(r, "the real node, now our replica");
      assertEquals(1, Info.field(o, "stats", "sync_partial_ok"));
      assertEquals(0, Info.field(o, "stats", "sync_full") - 1, "ours took over without a full resync (its one full sync was the first)");
      mixedWrites(o, "back:");
      awaitCaughtUp(o, r);
      assertSame(o, r);
    }
  }
}
