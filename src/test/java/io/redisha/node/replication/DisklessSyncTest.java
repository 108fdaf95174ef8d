package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.PW;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.assertSame;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitShortKeyGone;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.auth;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitCaughtUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.mixedWrites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** repl-diskless-sync on our master (the EOF-marker payload from the snapshot) and on a real one. */
class DisklessSyncTest {

  private static String handshake(RawReplica r) throws Exception {
    r.send("REPLCONF", "capa", "eof", "capa", "psync2");
    assertEquals("+OK", r.line());
    r.send("PSYNC", "?", "-1");
    return r.line();
  }

  @Test
  void disklessPayloadIsEofMarkedAndTheStreamWaitsForTheFirstAck() throws Exception {
    try (TestNode ours = TestNode.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
        RespClient m = ours.client()) {
      mixedWrites(m, "before:");
      try (RawReplica raw = new RawReplica(ours.port())) {
        String full = handshake(raw);
        assertTrue(full.startsWith("+FULLRESYNC "), full);
        String header = raw.line();
        assertTrue(header.matches("\\$EOF:[0-9a-f]{40}"), header);
        byte[] rdb = raw.payload(header);
        assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
        m.call("SET", "after-payload", "1");
        // As Redis: the stream kept since the payload's offset waits for the replica's first ACK.
        assertEquals(0, raw.drain(300).length);
        raw.send("REPLCONF", "ACK", full.split(" ")[2]);
        String stream = new String(raw.drain(500), StandardCharsets.ISO_8859_1);
        assertTrue(stream.contains("after-payload"), stream);
      }
    }
  }

  @Test
  void realReplicaLoadsBothForms() throws Exception {
    for (String diskless : new String[] {"yes", "no"}) {
      try (TestNode ours = TestNode.start("--requirepass", PW, "--masterauth", PW, "--repl-diskless-sync", diskless,
              "--repl-diskless-sync-delay", "0");
          RespClient m = ours.client()) {
        auth(m);
        mixedWrites(m, "before:");
        try (RealRedis real = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--masterauth", PW,
                "--replicaof", "127.0.0.1", Integer.toString(ours.port())});
            RespClient r = real.client()) {
          auth(r);
          awaitLinkUp(r, "the real replica (diskless " + diskless + ")");
          mixedWrites(m, "after:");
          awaitCaughtUp(m, r);
          awaitShortKeyGone(m, r);
          assertSame(m, r);
          String log = Files.readString(real.dir.resolve("redis.log"));
          String form = diskless.equals("yes") ? "receiving streamed RDB from master with EOF" : "bytes from master to disk";
          assertTrue(log.contains(form), "the real replica's log does not say '" + form + "':\n" + log);
        }
      }
    }
  }

  @Test
  void replicasArrivingWithinTheDelayShareOneSaveAndMaxReplicasStartsIt() throws Exception {
    try (TestNode ours = TestNode.start("--repl-diskless-sync-delay", "100", "--repl-diskless-sync-max-replicas", "2");
        RespClient m = ours.client();
        RawReplica a = new RawReplica(ours.port());
        RawReplica b = new RawReplica(ours.port())) {
      m.call("SET", "k", "v");
      a.send("REPLCONF", "capa", "eof");
      assertEquals("+OK", a.line());
      a.send("PSYNC", "?", "-1");
      assertTrue(a.silentFor(2500), "the first replica's sync started before the delay or the second replica");
      assertTrue(Reply.str(m.call("INFO", "replication")).contains("state=wait_bgsave"));
      String fb = handshake(b);
      String fa = a.line();
      assertTrue(fa.startsWith("+FULLRESYNC "), fa);
      assertEquals(fa, fb, "both replicas are served by one save");
      String ha = a.line(), hb = b.line();
      assertTrue(ha.startsWith("$EOF:"), ha);
      assertEquals(ha, hb, "one payload, one mark");
      assertEquals(new String(a.payload(ha), StandardCharsets.ISO_8859_1), new String(b.payload(hb), StandardCharsets.ISO_8859_1));
    }
  }

  /**
   * A replica that does not read holds the diskless transfer back (the socket's write queue is
   * full) without the master buffering the data set or stalling; a replica arriving meanwhile
   * waits for the next save, which starts once the stuck one is gone.
   */
  @Test
  void aStuckReplicaHoldsTheTransferAndLateReplicasWaitForTheNextSave() throws Exception {
    try (TestNode ours = TestNode.start("--repl-diskless-sync-delay", "0"); RespClient m = ours.client()) {
      // Random bytes: LZF must not shrink the payload below what the socket buffers hold.
      byte[] random = new byte[1500];
      new java.util.Random(7).nextBytes(random);
      String value = java.util.Base64.getEncoder().encodeToString(random);
      for (int i = 0; i < 20_000; i++) m.send("SET", "key:" + i, value + i);
      for (int i = 0; i < 20_000; i++) m.read();
      RawReplica stuck = new RawReplica(ours.port());
      try (RawReplica late = new RawReplica(ours.port())) {
        String f = handshake(stuck);
        assertTrue(f.startsWith("+FULLRESYNC"), f);
        Await.until(() -> ours.node.persistence.bgsaveInProgress(), "the save for the stuck replica to start");
        late.send("REPLCONF", "capa", "eof");
        assertEquals("+OK", late.line());
        late.send("PSYNC", "?", "-1");
        // stuck reads nothing: the save cannot end, and the master still answers at once.
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) assertEquals(new Reply.Simple("PONG"), m.call("PING"));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000, "PINGs were slow during a held transfer");
        assertTrue(late.silentFor(2500), "the late replica joined the running diskless save: "
            + late.lastUnexpected + new String(late.drain(200), StandardCharsets.ISO_8859_1) + " save running: " + ours.node.persistence.bgsaveInProgress());
        assertTrue(ours.node.persistence.bgsaveInProgress(), "the save ended although a replica reads nothing");
        stuck.close();
        String lateFull = late.line();
        assertTrue(lateFull.startsWith("+FULLRESYNC"), lateFull);
        byte[] rdb = late.payload(late.line());
        assertTrue(rdb.length > 20_000 * 2000 / 2, "payload of " + rdb.length + " bytes");
      } finally {
        stuck.close();
      }
    }
  }

  @Test
  void ourReplicaReadsARealDisklessMaster() throws Exception {
    try (RealRedis real = RealRedis.start("redis-server", new String[] {"--requirepass", PW, "--repl-diskless-sync", "yes",
            "--repl-diskless-sync-delay", "0"});
        RespClient m = real.client();
        TestNode ours = TestNode.start("--masterauth", PW);
        RespClient o = ours.client()) {
      auth(m);
      mixedWrites(m, "before:");
      o.call("REPLICAOF", "127.0.0.1", Integer.toString(real.port));
      awaitLinkUp(o, "our replica of the diskless master");
      mixedWrites(m, "after:");
      awaitCaughtUp(m, o);
      awaitShortKeyGone(m, o);
      assertSame(m, o);
      String log = Files.readString(real.dir.resolve("redis.log"));
      assertTrue(log.contains("Starting BGSAVE for SYNC with target: replicas sockets"), log);
    }
  }
}
