package io.redisha.node.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import org.junit.jupiter.api.Test;

/** Our node as a replica of a real redis-server 7.0 master, both with passwords as production sets them. */
class ReplicaOfRealMasterTest {

  static final String PW = "s3cret";

  static void auth(RespClient c) throws Exception {
    assertEquals(new Reply.Simple("OK"), c.call("AUTH", PW));
  }

  /** A bit of every type, TTLs, a transaction, another database, and commands Redis rewrites when propagating. */
  static void mixedWrites(RespClient m, String p) throws Exception {
    m.call("SET", p + "s", "v");
    m.call("SET", p + "ttl", "v", "EX", "1000");
    m.call("INCR", p + "n");
    m.call("INCRBYFLOAT", p + "f", "1.5");
    m.call("APPEND", p + "s", "w");
    m.call("RPUSH", p + "l", "a", "b", "c", "d");
    m.call("LPOP", p + "l");
    m.call("HSET", p + "h", "a", "1", "b", "2");
    m.call("HDEL", p + "h", "a");
    m.call("HINCRBY", p + "h", "n", "5");
    m.call("SADD", p + "set", "x", "y", "z", "w");
    m.call("SPOP", p + "set");
    m.call("SREM", p + "set", "nope");
    m.call("ZADD", p + "z", "1", "a", "2", "b", "3.5", "c");
    m.call("ZINCRBY", p + "z", "2", "a");
    m.call("ZPOPMIN", p + "z");
    m.call("EXPIRE", p + "l", "500");
    m.call("SET", p + "gone", "x");
    m.call("DEL", p + "gone");
    // Expiring while the test compares would race; only the first batch has one.
    if (p.equals("before:")) m.call("SET", p + "short", "x", "PX", "30");
    m.call("MULTI");
    m.call("SET", p + "t1", "1");
    m.call("LPUSH", p + "t2", "1", "2");
    m.call("EXEC");
    m.call("SELECT", "3");
    m.call("SET", p + "db3", "three");
    m.call("HSET", p + "h3", "f", "v");
    m.call("SELECT", "0");
    m.call("RENAME", p + "s", p + "s2");
    m.call("SETRANGE", p + "s2", "10", "pad");
  }

  static void awaitCaughtUp(RespClient master, RespClient replica) throws Exception {
    Await.until(() -> Info.field(master, "replication", "master_repl_offset")
        == Info.field(replica, "replication", "slave_repl_offset"), "the replica to reach the master's offset");
  }

  /**
   * mixedWrites' key with a 30 ms TTL: a replica keeps it until the master's DEL arrives,
   * so the two data sets only compare equal once it is gone from both.
   */
  static void awaitShortKeyGone(RespClient m, RespClient r) throws Exception {
    Await.until(() -> !Keyspace.dump(m, 4).containsKey("0:before:short")
        && !Keyspace.dump(r, 4).containsKey("0:before:short"), "the short key's DEL to reach the replica");
  }

  static void assertSame(RespClient m, RespClient r) throws Exception {
    var a = Keyspace.dump(m, 4);
    var b = Keyspace.dump(r, 4);
    if (!a.equals(b)) {
      var diff = new java.util.TreeMap<String, String>();
      for (var e : a.entrySet()) if (!e.getValue().equals(b.get(e.getKey()))) diff.put(e.getKey(), e.getValue() + " vs " + b.get(e.getKey()));
      for (var e : b.entrySet()) if (!a.containsKey(e.getKey())) diff.put(e.getKey(), "missing vs " + e.getValue());
      throw new AssertionError("data differs (master vs replica): " + diff);
    }
  }

  @Test
  void fullSyncStreamAndPartialResyncFromRealMaster() throws Exception {
    try (RealRedis real = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--masterauth", PW});
        RespClient m = real.client()) {
      auth(m);
      mixedWrites(m, "before:");
      try (TestNode ours = TestNode.start("--requirepass", PW, "--masterauth", PW,
              "--replicaof", "127.0.0.1", Integer.toString(real.port));
          RespClient r = ours.client()) {
        auth(r);
        Await.until(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            "the link to come up after a full sync");
        assertEquals(1, Info.field(m, "stats", "sync_full"));
        mixedWrites(m, "after:");
        awaitCaughtUp(m, r);
        awaitShortKeyGone(m, r);
        awaitCaughtUp(m, r);
        assertSame(m, r);

        assertEquals(new Reply.Error("READONLY You can't write against a read only replica."), r.call("SET", "x", "y"));
        Reply.Agg role = (Reply.Agg) r.call("ROLE");
        assertEquals("slave", Reply.str(role.items().get(0)));
        assertEquals("connected", Reply.str(role.items().get(3)));

        // The link is cut; writes go on on the master; the replica continues from its offset.
        assertEquals(new Reply.Int(1), r.call("CLIENT", "KILL", "TYPE", "master"));
        mixedWrites(m, "during:");
        Await.until(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            "the link to come back");
        awaitCaughtUp(m, r);
        assertEquals(1, Info.field(m, "stats", "sync_partial_ok"));
        assertEquals(1, Info.field(m, "stats", "sync_full"));
        assertSame(m, r);
        // Reads are served while the link is down.
        assertTrue(r.call("GET", "after:t1") instanceof Reply.Bulk);
      }
    }
  }

  /** Redis's disk-based full sync sends a sized payload ({@code $<len>}), not the EOF-marker form. */
  @Test
  void fullSyncFromDiskBasedRealMaster() throws Exception {
    try (RealRedis real = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--repl-diskless-sync", "no"});
        RespClient m = real.client()) {
      auth(m);
      mixedWrites(m, "before:");
      try (TestNode ours = TestNode.start("--masterauth", PW, "--replica-announce-ip", "10.1.2.3");
          RespClient r = ours.client()) {
        assertEquals(new Reply.Simple("OK"), r.call("REPLICAOF", "127.0.0.1", Integer.toString(real.port)));
        assertEquals(new Reply.Simple("OK Already connected to specified master"),
            r.call("SLAVEOF", "127.0.0.1", Integer.toString(real.port)));
        Await.until(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            "the link to come up after a disk-based full sync");
        assertTrue(Reply.str(m.call("INFO", "replication")).contains("slave0:ip=10.1.2.3,port=" + ours.port()));
        mixedWrites(m, "after:");
        awaitCaughtUp(m, r);
        Await.until(() -> !Keyspace.dump(r, 4).containsKey("0:before:short"), "the short key's DEL");
        assertSame(m, r);
      }
    }
  }
}
