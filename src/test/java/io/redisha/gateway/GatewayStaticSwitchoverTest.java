package io.redisha.gateway;

import static io.redisha.gateway.GatewayFailoverTest.awaitTrue;
import static io.redisha.gateway.GatewayRefusedWriteTest.linkReplica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A static gateway (master and replica lines, no sentinel) over real redis-servers
 * follows a switchover made by hand, finds the new master by ROLE among the configured
 * nodes, never writes to a node while it is a replica, and holds writes while two nodes
 * claim master with nothing to tell them apart.
 */
class GatewayStaticSwitchoverTest {

  private static final int WRITERS = 2;

  /** Demote the old master first, then promote the replica: no acknowledged write is lost. */
  @Test
  void followsAReplicaofSwitchover() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b, "10000"); Writers w = new Writers(gw);
          RespClient da = a.client(); RespClient db = b.client()) {
        assertEquals(addr(a), gw.gw.topology.master);
        w.awaitAcked(300);
        long rejectedBefore = rejectedSets(da);

        assertEquals("+OK", da.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port)).toString());
        awaitTrue(() -> gw.gw.topology.master == null, 5_000, "the gateway kept the demoted master");
        // Both nodes say slave: no master, and writes wait (none is acknowledged meanwhile).
        int ackedInOutage = w.acked();
        Thread.sleep(600);
        assertEquals(ackedInOutage, w.acked(), "writes were acknowledged while no node was master");
        assertTrue(w.errors.isEmpty(), "writes failed: " + w.errors);

        assertEquals("+OK", db.call("REPLICAOF", "NO", "ONE").toString());
        awaitTrue(() -> addr(b).equals(gw.gw.topology.master), 5_000, "the gateway did not find the promoted replica");
        w.awaitAcked(ackedInOutage + 300);
        w.close();

        assertTrue(w.errors.isEmpty(), "writes failed: " + w.errors);
        assertEquals(addr(b), gw.gw.topology.master);
        w.assertAllOn(db);
        assertTrue(w.acked() > ackedInOutage, "no write after the switchover");
        // Fencing: only the writes in flight at the demotion reached the demoted node (and were refused there).
        long reachedReplica = rejectedSets(da) - rejectedBefore;
        assertTrue(reachedReplica <= WRITERS, reachedReplica + " writes reached " + a.port + " while it was a replica");
        awaitTrue(() -> offset(da) == offset(db) && Reply.str(da.call("INFO", "replication")).contains("master_link_status:up"),
            10_000, "the old master never synced from the new one");
        assertEquals(db.call("DBSIZE").toString(), da.call("DBSIZE").toString());
        assertOldMasterServesReads(gw, a, da);
      }
    }
  }

  /** Redis 7.0's FAILOVER: the master pauses writes, waits for the replica, and swaps roles with it. */
  @Test
  void followsAFailoverCommand() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b, "10000"); Writers w = new Writers(gw);
          RespClient da = a.client(); RespClient db = b.client()) {
        w.awaitAcked(300);
        int before = w.acked();
        assertEquals("+OK", da.call("FAILOVER").toString());
        awaitTrue(() -> addr(b).equals(gw.gw.topology.master), 5_000, "the gateway did not follow FAILOVER");
        w.awaitAcked(before + 300);
        w.close();
        // A write paused on the old master when the gateway moved away from it has an unknown fate; nothing else fails.
        for (String e : w.errors) assertTrue(e.startsWith("-ERR gateway: connection to the master 127.0.0.1:" + a.port), e);
        assertTrue(w.errors.size() <= WRITERS, "writes failed: " + w.errors);
        w.assertAllOn(db);
        assertEquals(1, gw.gw.topology.failovers);
      }
    }
  }

  /** Mid-switchover both nodes say master and neither names the other: writes wait, then fail clearly. */
  @Test
  void twoMastersWithNoTieBreakHoldWritesThenFail() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b, "1500"); RespClient c = gw.client();
          RespClient da = a.client(); RespClient db = b.client()) {
        c.setTimeout(10_000);
        assertEquals("+OK", c.call("SET", "before", "1").toString());
        assertEquals("+OK", db.call("REPLICAOF", "NO", "ONE").toString());
        awaitTrue(() -> gw.gw.topology.master == null, 5_000, "the gateway kept writing with two masters");
        long t0 = System.nanoTime();
        Reply r = c.call("SET", "ambiguous", "1");
        long heldMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.toString().startsWith("-MASTERDOWN gateway: no master available"), r.toString());
        assertTrue(heldMs >= 1_200, "answered after " + heldMs + " ms, before failover-hold-ms");
        assertEquals("(nil$)", da.call("GET", "ambiguous").toString());
        assertEquals("(nil$)", db.call("GET", "ambiguous").toString());

        // The operator finishes the switchover: the old master follows the new one.
        assertEquals("+OK", da.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port)).toString());
        assertEquals("+OK", c.call("SET", "after", "1").toString());
        assertEquals(addr(b), gw.gw.topology.master);
        assertEquals("\"1\"", db.call("GET", "after").toString());
      }
    }
  }

  /** Two nodes say master, the third still names one of them: that one keeps the writes. */
  @Test
  void twoMastersAreToldApartByTheReplicaNamingOne() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start(); RealRedis c3 = RealRedis.start()) {
      linkReplica(b, a);
      linkReplica(c3, a);
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(a.port),
          "--replica", "127.0.0.1", Integer.toString(b.port), "--replica", "127.0.0.1", Integer.toString(c3.port),
          "--failover-hold-ms", "1500"); RespClient c = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        assertEquals("+OK", db.call("REPLICAOF", "NO", "ONE").toString());
        // Several checks go by; each must keep the master the third node names.
        long checks = gw.gw.topology.checkSeq;
        awaitTrue(() -> gw.gw.topology.checkSeq >= checks + 3, 5_000, "no periodic checks");
        assertEquals(addr(a), gw.gw.topology.master);
        assertEquals("+OK", c.call("SET", "k", "v").toString());
        assertEquals("\"v\"", da.call("GET", "k").toString());
        assertEquals("(nil$)", db.call("GET", "k").toString());
      }
    }
  }

  private static TestGateway staticGateway(RealRedis master, RealRedis replica, String holdMs) throws Exception {
    return TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
        "--replica", "127.0.0.1", Integer.toString(replica.port), "--failover-hold-ms", holdMs, "--read-policy", "replica");
  }

  /** The old master, once a synced replica of the new one, is given reads. */
  private static void assertOldMasterServesReads(TestGateway gw, RealRedis old, RespClient direct) throws Exception {
    awaitTrue(() -> gw.gw.topology.replicas.stream().anyMatch(r -> r.addr.equals(addr(old))), 10_000,
        "the old master never became a replica serving reads");
    long gets = commandCalls(direct, "get");
    try (RespClient c = gw.client()) {
      for (int i = 0; i < 10; i++) assertEquals("\"0\"", c.call("GET", "w0:0").toString());
    }
    assertTrue(commandCalls(direct, "get") - gets >= 10, "the reads did not go to the old master, now a replica");
  }

  private static HostPort addr(RealRedis r) {
    return new HostPort("127.0.0.1", r.port);
  }

  private static long offset(RespClient c) throws Exception {
    Matcher m = Pattern.compile("master_repl_offset:(\\d+)").matcher(Reply.str(c.call("INFO", "replication")));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** SETs the node refused (a replica answers READONLY): each is a write that reached it while it was a replica. */
  private static long rejectedSets(RespClient c) throws Exception {
    Matcher m = Pattern.compile("cmdstat_set:.*rejected_calls=(\\d+)").matcher(Reply.str(c.call("INFO", "commandstats")));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  static long commandCalls(RespClient c, String cmd) throws Exception {
    Matcher m = Pattern.compile("cmdstat_" + cmd + ":calls=(\\d+)").matcher(Reply.str(c.call("INFO", "commandstats")));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Writers through the gateway, each SET w{n}:{i} i in turn; what was acknowledged and what failed. */
  private static final class Writers implements AutoCloseable {
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final int[] acked = new int[WRITERS];
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Writers(TestGateway gw) throws Exception {
      for (int n = 0; n < WRITERS; n++) {
        int id = n;
        RespClient c = gw.client();
        c.setTimeout(20_000);
        Thread t = new Thread(() -> {
          try (c) {
            for (int i = 0; !stop.get(); i++) {
              Reply r = c.call("SET", "w" + id + ":" + i, Integer.toString(i));
              if (r.toString().equals("+OK")) {
                synchronized (acked) {
                  acked[id] = i + 1;
                }
              } else {
                errors.add(r.toString());
              }
            }
          } catch (Exception e) {
            errors.add(e.toString());
          }
        });
        t.start();
        threads.add(t);
      }
    }

    int acked() {
      synchronized (acked) {
        int s = 0;
        for (int x : acked) s += x;
        return s;
      }
    }

    void awaitAcked(int n) throws Exception {
      awaitTrue(() -> acked() >= n || !errors.isEmpty() && errors.size() > WRITERS, 15_000, "writers stalled at " + acked());
    }

    /** Every acknowledged write is on the node (writes that failed may be there or not). */
    void assertAllOn(RespClient node) throws Exception {
      int[] upTo;
      synchronized (acked) {
        upTo = acked.clone();
      }
      for (int id = 0; id < WRITERS; id++) {
        for (int i = 0; i < upTo[id]; i++) node.send("GET", "w" + id + ":" + i);
        int lost = 0;
        for (int i = 0; i < upTo[id]; i++) if (!node.read().toString().equals("\"" + i + "\"")) lost++;
        assertEquals(0, lost, "acknowledged writes of writer " + id + " lost (of " + upTo[id] + ")");
      }
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      for (Thread t : threads) t.join(30_000);
    }
  }
}
