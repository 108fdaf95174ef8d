package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitCaughtUp;
import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.PW;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What users of a master and its replicas see, on our nodes (and field lists against redis-server). */
class ReplicationBehaviourTest {

  /**
   * A node that starts a full sync as soon as a replica asks: Redis's default
   * repl-diskless-sync-delay of 5 s waits for more replicas, which these stories never bring.
   */
  private static TestNode node(String... args) throws Exception {
    String[] all = java.util.Arrays.copyOf(new String[] {"--repl-diskless-sync-delay", "0"}, 2 + args.length);
    System.arraycopy(args, 0, all, 2, args.length);
    return TestNode.start(all);
  }

  static final Reply OK = new Reply.Simple("OK");

  @Test
  void waitAndMinReplicasToWrite() throws Exception {
    try (TestNode m = node(); RespClient mc = m.client();
        TestNode r = node("--replicaof", "127.0.0.1", Integer.toString(m.port())); RespClient rc = r.client()) {
      awaitLinkUp(rc, "the replica");
      mc.call("SET", "a", "1");
      assertEquals(new Reply.Int(1), mc.call("WAIT", "1", "2000"));
      long t0 = System.nanoTime();
      assertEquals(new Reply.Int(1), mc.call("WAIT", "2", "200"));
      assertTrue(System.nanoTime() - t0 >= 150_000_000L, "WAIT 2 returned before its timeout");
      assertEquals(new Reply.Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
          + "if a replica is configured to be writable (which is not the default) writes to replicas are just local and "
          + "are not propagated."), rc.call("WAIT", "0", "0"));
      assertEquals(OK, mc.call("CONFIG", "SET", "min-replicas-to-write", "2"));
      assertEquals(new Reply.Error("NOREPLICAS Not enough good replicas to write."), mc.call("SET", "a", "2"));
      assertTrue(mc.call("GET", "a") instanceof Reply.Bulk, "reads stay allowed");
      assertEquals(OK, mc.call("CONFIG", "SET", "min-replicas-to-write", "1"));
      assertEquals(OK, mc.call("SET", "a", "3"));
      awaitCaughtUp(mc, rc);
      assertEquals(new Reply.Bulk("3".getBytes()), rc.call("GET", "a"));
      assertEquals(new Reply.Error("READONLY You can't write against a read only replica."), rc.call("DEL", "a"));
      assertEquals(OK, rc.call("CONFIG", "SET", "replica-read-only", "no"));
      assertEquals(new Reply.Int(1), rc.call("DEL", "a"));
    }
  }

  @Test
  void replicaKeepsExpiredKeysUntilTheMastersDel() throws Exception {
    try (TestNode m = node("--enable-debug-command", "yes"); RespClient mc = m.client();
        TestNode r = node("--replicaof", "127.0.0.1", Integer.toString(m.port())); RespClient rc = r.client()) {
      awaitLinkUp(rc, "the replica");
      assertEquals(OK, mc.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
      mc.call("SET", "k", "v", "PX", "50");
      awaitCaughtUp(mc, rc);
      Thread.sleep(80); // the key's TTL has to pass; nothing else observable waits for it
      assertEquals(new Reply.Null('$'), rc.call("GET", "k"));
      assertEquals(new Reply.Int(1), rc.call("DBSIZE"), "the replica does not delete the key itself");
      assertEquals(new Reply.Null('$'), mc.call("GET", "k"));
      Await.until(() -> rc.call("DBSIZE").equals(new Reply.Int(0)), "the master's DEL to reach the replica");
    }
  }

  @Test
  void staleDataMasterDownAndWrongMasterauth() throws Exception {
    try (TestNode m = node("--requirepass", PW); RespClient mc = m.client();
        TestNode r = node("--masterauth", "wrong", "--replicaof", "127.0.0.1", Integer.toString(m.port()));
        RespClient rc = r.client()) {
      auth(mc);
      Await.until(() -> Reply.str(mc.call("INFO", "errorstats")).contains("errorstat_WRONGPASS:count="),
          "the master to refuse the replica's AUTH");
      assertTrue(Reply.str(rc.call("INFO", "replication")).contains("master_link_status:down"));
      assertTrue(rc.call("GET", "x") instanceof Reply.Null, "a replica without its master serves (stale) reads");
      assertEquals(OK, rc.call("CONFIG", "SET", "replica-serve-stale-data", "no"));
      assertEquals(new Reply.Error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
          rc.call("GET", "x"));
      assertTrue(rc.call("INFO", "replication") instanceof Reply.Bulk, "INFO is allowed on a stale replica");
      assertEquals(OK, rc.call("CONFIG", "SET", "masterauth", PW));
      awaitLinkUp(rc, "the replica after the right password");
      assertTrue(rc.call("GET", "x") instanceof Reply.Null);
    }
  }

  @Test
  void chainedReplicaHasTheSameOffsets() throws Exception {
    try (TestNode a = node(); RespClient ac = a.client();
        TestNode b = node("--replicaof", "127.0.0.1", Integer.toString(a.port())); RespClient bc = b.client();
        TestNode c = node("--replicaof", "127.0.0.1", Integer.toString(b.port())); RespClient cc = c.client()) {
      awaitLinkUp(bc, "the first replica");
      awaitLinkUp(cc, "the chained replica");
      for (int i = 0; i < 50; i++) ac.call("RPUSH", "l", Integer.toString(i));
      ac.call("SELECT", "2");
      ac.call("SET", "in2", "x");
      // A replica of the middle one joining now: its stream continues in database 2 without a SELECT.
      try (TestNode d = node("--replicaof", "127.0.0.1", Integer.toString(b.port())); RespClient dc = d.client()) {
        awaitCaughtUp(ac, bc);
        awaitLinkUp(dc, "the late chained replica");
        ac.call("SET", "in2-later", "y");
        awaitCaughtUp(ac, dc);
        assertEquals(Keyspace.dump(ac, 3), Keyspace.dump(dc, 3));
      }
      awaitCaughtUp(ac, bc);
      awaitCaughtUp(ac, cc);
      assertEquals(Keyspace.dump(ac, 3), Keyspace.dump(cc, 3));
      assertEquals(Info.field(ac, "replication", "master_repl_offset"), Info.field(cc, "replication", "master_repl_offset"));
    }
  }

  /** The field names of INFO replication, in order, for both roles: ours against redis-server's. */
  @Test
  void infoReplicationFieldsAsRedis() throws Exception {
    try (RealRedis rm = RealRedis.start("redis-server", new String[0]);
        RealRedis rr = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", "0"});
        TestNode om = node();
        TestNode or = node();
        RespClient rmc = rm.client(); RespClient rrc = rr.client(); RespClient omc = om.client(); RespClient orc = or.client()) {
      rrc.call("REPLICAOF", "127.0.0.1", Integer.toString(rm.port));
      orc.call("REPLICAOF", "127.0.0.1", Integer.toString(om.port()));
      awaitLinkUp(rrc, "the real replica");
      awaitLinkUp(orc, "our replica");
      assertEquals(names(rmc), names(omc));
      assertEquals(names(rrc), names(orc));
      Reply.Agg realRole = (Reply.Agg) rrc.call("ROLE");
      Reply.Agg ourRole = (Reply.Agg) orc.call("ROLE");
      assertEquals(realRole.items().size(), ourRole.items().size());
      assertEquals(realRole.items().get(3), ourRole.items().get(3));
    }
  }

  private static List<String> names(RespClient c) throws Exception {
    List<String> out = new ArrayList<>();
    for (String l : Reply.str(c.call("INFO", "replication")).split("\r\n")) {
      if (l.contains(":")) out.add(l.replaceAll("^slave\\d+:.*", "slaveN").split(":")[0]);
    }
    return out;
  }

  /** Replication commands' replies and errors, ours against redis-server's. */
  @Test
  void commandRepliesAsRedis() throws Exception {
    try (io.redisha.testing.Differential d = new io.redisha.testing.Differential()) {
      d.both("REPLICAOF", "127.0.0.1", "abc");
      d.both("REPLICAOF", "127.0.0.1", "70000");
      d.both("REPLICAOF", "127.0.0.1");
      d.both("REPLICAOF", "NO", "ONE");
      d.both("SLAVEOF", "no", "one");
      d.both("REPLCONF", "listening-port");
      d.both("REPLCONF", "listening-port", "1234");
      d.both("REPLCONF", "capa", "eof", "capa", "psync2");
      d.both("REPLCONF", "nosuch", "x");
      d.both("WAIT", "0", "0");
      d.both("WAIT", "x", "0");
      d.both("WAIT", "0", "-1");
      d.both("ROLE");
      d.both("MULTI");
      d.both("REPLICAOF", "NO", "ONE");
      d.both("EXEC");
    }
  }

  @Test
  void blockedClientsAreReleasedWhenTheMasterBecomesAReplica() throws Exception {
    try (io.redisha.testing.Differential d = new io.redisha.testing.Differential();
        RespClient ob = d.ours.client(); RespClient tb = d.theirs.client()) {
      ob.send("BLPOP", "list", "0");
      tb.send("BLPOP", "list", "0");
      Await.blockedClients(d.a, 1, "ours");
      Await.blockedClients(d.b, 1, "redis");
      // Pointed at a port where nobody listens: the role change alone releases the client.
      d.both("REPLICAOF", "127.0.0.1", "1");
      assertEquals(tb.read(), ob.read());
      d.both("REPLICAOF", "NO", "ONE");
    }
  }

  /** A replica with appendonly yes starts its AOF over from the master's payload: a restart loads the master's data. */
  @Test
  void replicaAofHoldsTheSyncedDataSet() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("replica-aof-");
    try (TestNode m = node(); RespClient mc = m.client()) {
      for (int i = 0; i < 100; i++) mc.call("SET", "m" + i, "v" + i);
      try (TestNode r = node("--dir", dir.toString(), "--appendonly", "yes"); RespClient rc = r.client()) {
        rc.call("SET", "local-only", "gone after the sync");
        rc.call("REPLICAOF", "127.0.0.1", Integer.toString(m.port()));
        awaitLinkUp(rc, "the replica");
        Await.until(() -> Info.field(rc, "persistence", "aof_rewrite_in_progress") == 0
            && Info.field(rc, "persistence", "aof_rewrites") >= 1, "the AOF rewrite after the full sync");
        mc.call("SET", "after", "sync");
        mc.call("DEL", "m7");
        awaitCaughtUp(mc, rc);
      }
      try (TestNode restarted = node("--dir", dir.toString(), "--appendonly", "yes");
          RespClient c = restarted.client()) {
        assertEquals(Keyspace.dump(mc, 1), Keyspace.dump(c, 1));
      }
    } finally {
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** A replica that stops reading is dropped at the replica class's output limit, not buffered forever. */
  @Test
  void replicaThatDoesNotReadIsDroppedAtTheOutputLimit() throws Exception {
    try (TestNode m = node(); RespClient mc = m.client(); RespClient fake = m.client()) {
      assertEquals(OK, mc.call("CONFIG", "SET", "client-output-buffer-limit", "replica 1000000 0 0"));
      fake.send("PSYNC", "?", "-1"); // and never reads again
      Await.until(() -> Info.field(mc, "replication", "connected_slaves") == 1, "the fake replica to be attached");
      String value = "x".repeat(100_000);
      for (int i = 0; i < 400 && Info.field(mc, "replication", "connected_slaves") == 1; i++) mc.call("SET", "k" + i, value);
      Await.until(() -> Info.field(mc, "replication", "connected_slaves") == 0, "the fake replica to be dropped");
    }
  }
}
