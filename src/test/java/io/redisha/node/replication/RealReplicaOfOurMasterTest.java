package io.redisha.node.replication;

import static io.redisha.node.replication.ReplicaOfRealMasterTest.PW;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.assertSame;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitShortKeyGone;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.auth;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.mixedWrites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import org.junit.jupiter.api.Test;

/** Our node as the master of a real redis-server 7.0 replica, and of our own. */
class RealReplicaOfOurMasterTest {

  static void awaitLinkUp(RespClient r, String who) throws Exception {
    Await.until(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"), who + "'s link to come up");
  }

  static void awaitCaughtUp(RespClient master, RespClient replica) throws Exception {
    Await.until(() -> Info.field(master, "replication", "master_repl_offset")
        == Info.field(replica, "replication", "master_repl_offset"), "the replica to reach the master's offset");
  }

  @Test
  void realReplicaFullSyncStreamAndPartialResync() throws Exception {
    try (TestNode ours = TestNode.start("--requirepass", PW, "--masterauth", PW);
        RespClient m = ours.client()) {
      auth(m);
      mixedWrites(m, "before:");
      try (RealRedis real = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--masterauth", PW,
              "--replicaof", "127.0.0.1", Integer.toString(ours.port())});
          RespClient r = real.client()) {
        auth(r);
        awaitLinkUp(r, "the real replica");
        assertEquals(1, Info.field(m, "stats", "sync_full"));
        mixedWrites(m, "after:");
        awaitCaughtUp(m, r);
        awaitShortKeyGone(m, r);
        awaitCaughtUp(m, r);
        assertSame(m, r);
        String info = Reply.str(m.call("INFO", "replication"));
        assertTrue(info.contains("connected_slaves:1\r\nslave0:ip=127.0.0.1,port=" + real.port + ",state=online,offset="), info);
        Await.until(() -> Info.field(m, "replication", "master_repl_offset")
            == Long.parseLong(Reply.str(((Reply.Agg) ((Reply.Agg) ((Reply.Agg) m.call("ROLE")).items().get(2)).items().get(0)).items().get(2))),
            "ROLE to show the replica's ACK of the current offset");

        assertEquals(new Reply.Int(1), m.call("WAIT", "1", "1000"));
        assertEquals(new Reply.Int(1), m.call("CLIENT", "KILL", "TYPE", "replica"));
        mixedWrites(m, "during:");
        awaitLinkUp(r, "the real replica");
        awaitCaughtUp(m, r);
        assertEquals(1, Info.field(m, "stats", "sync_partial_ok"));
        assertEquals(1, Info.field(m, "stats", "sync_full"));
        assertSame(m, r);
      }
    }
  }

  @Test
  void ourReplicaAndPromotionKeepsOtherReplicasPartial() throws Exception {
    // real master -> ours and a real replica; ours is promoted; the real one re-pointed to ours continues partially.
    try (RealRedis master = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--masterauth", PW});
        RespClient m = master.client()) {
      auth(m);
      mixedWrites(m, "before:");
      try (TestNode ours = TestNode.start("--requirepass", PW, "--masterauth", PW);
          RespClient o = ours.client();
          RealRedis other = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--masterauth", PW,
              "--replicaof", "127.0.0.1", Integer.toString(master.port)});
          RespClient x = other.client()) {
        auth(o);
        auth(x);
        assertEquals(new Reply.Simple("OK"), o.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port)));
        awaitLinkUp(o, "our replica");
        awaitLinkUp(x, "the real replica");
        mixedWrites(m, "after:");
        awaitCaughtUp(m, o);
        awaitCaughtUp(m, x);
        assertEquals(new Reply.Simple("OK"), o.call("REPLICAOF", "NO", "ONE"));
        assertEquals("master", Reply.str(((Reply.Agg) o.call("ROLE")).items().get(0)));
        assertEquals(new Reply.Simple("OK"), x.call("REPLICAOF", "127.0.0.1", Integer.toString(ours.port())));
        awaitLinkUp(x, "the real replica re-pointed to ours");
        assertEquals(1, Info.field(o, "stats", "sync_partial_ok"));
        assertEquals(0, Info.field(o, "stats", "sync_full"));
        mixedWrites(o, "promoted:");
        awaitCaughtUp(o, x);
        assertSame(o, x);
      }
    }
  }

  /** Writes that land while the background save makes the payload reach the replica after it, in order. */
  @Test
  void writesDuringTheBackgroundSaveFollowThePayload() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient m = ours.client()) {
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 200; i++) big.append("value-").append(i);
      for (int i = 0; i < 20_000; i++) m.send("SET", "key:" + i, big.toString());
      for (int i = 0; i < 20_000; i++) m.read();
      try (RealRedis real = RealRedis.start("redis-server", new String[0]); RespClient r = real.client();
          RespClient w = ours.client()) {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(ours.port()));
        int n = 0;
        // Keep writing until the replica is up: some writes fall inside the save.
        while (!Reply.str(r.call("INFO", "replication")).contains("master_link_status:up") && n < 200_000) {
          w.call("INCR", "counter");
          w.call("RPUSH", "log", Integer.toString(n++));
          w.call("SET", "key:" + (n % 20_000), "changed" + n);
        }
        assertTrue(n > 0, "no write happened during the sync");
        for (int i = 0; i < 100; i++) w.call("INCR", "counter");
        awaitCaughtUp(m, r);
        assertEquals(m.call("GET", "counter"), r.call("GET", "counter"));
        assertEquals(m.call("LRANGE", "log", "0", "-1"), r.call("LRANGE", "log", "0", "-1"));
        assertEquals(new Reply.Int(20_002), r.call("DBSIZE"));
        for (int i = 0; i < 20_000; i += 97) assertEquals(m.call("GET", "key:" + i), r.call("GET", "key:" + i));
      }
    }
  }

  /** Two real replicas asking at once: both get a full sync (sharing the background save when they overlap). */
  @Test
  void twoReplicasSyncAtOnce() throws Exception {
    try (TestNode ours = TestNode.start(); RespClient m = ours.client()) {
      String value = "v".repeat(500);
      for (int i = 0; i < 20_000; i++) m.send("SET", "key:" + i, value);
      for (int i = 0; i < 20_000; i++) m.read();
      try (RealRedis a = RealRedis.start("redis-server", new String[0]); RealRedis b = RealRedis.start("redis-server", new String[0]);
          RespClient ac = a.client(); RespClient bc = b.client(); RespClient w = ours.client()) {
        ac.send("REPLICAOF", "127.0.0.1", Integer.toString(ours.port()));
        bc.send("REPLICAOF", "127.0.0.1", Integer.toString(ours.port()));
        ac.read();
        bc.read();
        for (int i = 0; i < 500; i++) w.call("INCR", "counter");
        awaitLinkUp(ac, "the first replica");
        awaitLinkUp(bc, "the second replica");
        for (int i = 0; i < 500; i++) w.call("INCR", "counter");
        awaitCaughtUp(m, ac);
        awaitCaughtUp(m, bc);
        assertEquals(new Reply.Bulk("1000".getBytes()), ac.call("GET", "counter"));
        assertEquals(new Reply.Bulk("1000".getBytes()), bc.call("GET", "counter"));
        assertEquals(new Reply.Int(20_001), ac.call("DBSIZE"));
        assertEquals(new Reply.Int(20_001), bc.call("DBSIZE"));
        assertEquals(2, Info.field(m, "stats", "sync_full"));
      }
    }
  }
}
