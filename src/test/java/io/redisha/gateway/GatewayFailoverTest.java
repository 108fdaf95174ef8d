package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A failover under load, all real: redis-server master and replica, three
 * redis-sentinels (down-after 1000 ms: at 500 a loaded CI machine can fail over twice), the master killed with SIGKILL while a client
 * writes through the gateway. Writes must succeed again through the gateway, on the
 * promoted replica; the test prints how long that took.
 */
class GatewayFailoverTest {

  @Test
  void writesSucceedAgainAfterTheMasterIsKilled() throws Exception {
    failover(0);
  }

  /** With write-ack-replicas 1, no acknowledged write may be lost to the kill. */
  @Test
  void noAcknowledgedWriteLostWithWriteAckReplicas() throws Exception {
    assertEquals(0, failover(1));
  }

  /** Runs the story; returns how many acknowledged writes the new master lacks. */
  private int failover(int writeAck) throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    try {
      RealRedis master = RealRedis.start(new String[0]);
      all.add(master);
      // Two replicas, so that the promoted one still has a replica for write-ack-replicas 1.
      List<RealRedis> replicas = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RealRedis replica = RealRedis.start(new String[0]);
        all.add(replica);
        replicas.add(replica);
        try (RespClient r = replica.client()) {
          r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
          awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"), 10_000,
              "the replica never linked to the master");
        }
      }
      List<String> gwArgs = new ArrayList<>(List.of("--master-name", "mymaster", "--failover-hold-ms", "15000",
          "--write-ack-replicas", Integer.toString(writeAck)));
      List<RealSentinel> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RealSentinel s = RealSentinel.start("mymaster", master.port, 2, 1000);
        all.add(s);
        sentinels.add(s);
        gwArgs.addAll(List.of("--sentinel", "127.0.0.1", Integer.toString(s.port)));
      }
      TestGateway gw = TestGateway.start(gwArgs.toArray(String[]::new));
      all.add(gw);
      assertEquals(new GatewayConfig.HostPort("127.0.0.1", master.port), gw.gw.topology.master);

      RespClient subscriber = gw.client();
      all.add(subscriber);
      subscriber.setTimeout(20_000);
      assertEquals("*[\"subscribe\", \"events\", :1]", subscriber.call("SUBSCRIBE", "events").toString());
      try (RespClient pub = gw.client()) {
        assertEquals(":1", pub.call("PUBLISH", "events", "before").toString());
      }
      assertEquals("*[\"message\", \"events\", \"before\"]", subscriber.read().toString());

      AtomicLong ok = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicLong lastOkNanos = new AtomicLong();
      AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong firstOkAfterKill = new AtomicLong();
      List<String> errorTexts = new ArrayList<>();
      List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        try (RespClient c = gw.client()) {
          c.setTimeout(30_000);
          for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
            long issued = System.nanoTime();
            Reply rep = c.call("SET", "k" + i, Long.toString(i));
            if (rep instanceof Reply.Simple) {
              acked.add("k" + i);
              ok.incrementAndGet();
              long now = System.nanoTime();
              lastOkNanos.set(now);
              if (issued > killAt.get()) firstOkAfterKill.compareAndSet(0, now);
            } else {
              errors.incrementAndGet();
              synchronized (errorTexts) {
                errorTexts.add(rep.toString());
              }
            }
          }
        } catch (Exception e) {
          // interrupted at the end, or the socket closed under it
        }
      }, "failover-writer");
      writer.start();
      awaitTrue(() -> ok.get() > 200, 10_000, "no writes went through before the kill");

      long killNanos = System.nanoTime();
      killAt.set(killNanos);
      master.process().destroyForcibly();
      long sentinelSwitchNanos = 0;
      RealRedis promoted = null;
      long deadline = System.currentTimeMillis() + 30_000;
      try (RespClient s = sentinels.get(0).client()) {
        while (System.currentTimeMillis() < deadline) {
          Reply a = s.call("SENTINEL", "get-master-addr-by-name", "mymaster");
          for (RealRedis r : replicas) {
            if (a.toString().contains("\"" + r.port + "\"")) {
              sentinelSwitchNanos = System.nanoTime();
              promoted = r;
            }
          }
          if (promoted != null) break;
          Thread.sleep(10);
        }
      }
      assertTrue(sentinelSwitchNanos > 0, "the sentinels never promoted the replica");
      long okAtSwitch = ok.get();
      awaitTrue(() -> ok.get() > okAtSwitch + 100 && firstOkAfterKill.get() > 0, 20_000,
          "writes did not succeed through the gateway after the failover");
      long firstOkAfter = firstOkAfterKill.get();
      writer.interrupt();
      writer.join(5_000);
      // The sentinels' view now, not their first answer: on a loaded machine they may have
      // moved on since, and the gateway must follow whatever they settled on.
      RealRedis replica = promoted;
      try (RespClient s = sentinels.get(0).client()) {
        Reply now = s.call("SENTINEL", "get-master-addr-by-name", "mymaster");
        for (RealRedis r : replicas) {
          if (now.toString().contains("\"" + r.port + "\"")) replica = r;
        }
      }
      RealRedis current = replica;
      awaitTrue(() -> new GatewayConfig.HostPort("127.0.0.1", current.port).equals(gw.gw.topology.master), 10_000,
          "the gateway did not follow the sentinels' master");
      assertEquals(new GatewayConfig.HostPort("127.0.0.1", replica.port), gw.gw.topology.master);
      try (RespClient r = replica.client()) {
        assertTrue(Reply.str(r.call("INFO", "replication")).contains("role:master"));
      }
      // The subscriber was re-subscribed on the new master without noticing.
      try (RespClient pub = gw.client()) {
        awaitTrue(() -> pub.call("PUBLISH", "events", "after").toString().equals(":1"), 5_000,
            "the subscriber was not re-subscribed on the new master");
      }
      assertEquals("*[\"message\", \"events\", \"after\"]", subscriber.read().toString());
      int lost = 0;
      try (RespClient n = replica.client()) {
        List<String> snapshot;
        synchronized (acked) {
          snapshot = new ArrayList<>(acked);
        }
        for (String k : snapshot) n.send("EXISTS", k);
        for (String k : snapshot) if (!n.read().toString().equals(":1")) lost++;
      }
      System.out.printf("failover (write-ack-replicas " + writeAck + "): " + lost + " acknowledged writes lost; sentinel answered with the new master %d ms after the kill; "
              + "writes through the gateway succeeded by %d ms after the kill (%d ms after the sentinel); "
              + "%d writes ok, %d errors %s%n",
          (sentinelSwitchNanos - killNanos) / 1_000_000, (firstOkAfter - killNanos) / 1_000_000,
          (firstOkAfter - sentinelSwitchNanos) / 1_000_000, ok.get(), errors.get(), errorTexts);
      // One write is in flight at the kill. On a loaded machine a second one can reach the
      // dying process (its sockets close a moment after SIGKILL); it too must be reported
      // as of unknown fate, never as success and never replayed.
      synchronized (errorTexts) {
        for (String e : errorTexts) {
          assertTrue(e.contains("may or may not have been applied"), "unexpected error during the failover: " + e);
        }
      }
      assertTrue(errors.get() <= 2, "more writes failed than were in flight around the kill: " + errorTexts);
      return lost;
    } finally {
      for (int i = all.size() - 1; i >= 0; i--) {
        try {
          all.get(i).close();
        } catch (Exception ignored) {
          // keep closing the rest
        }
      }
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(Check c, long ms, String what) throws Exception {
    long deadline = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < deadline) {
      if (c.ok()) return;
      Thread.sleep(10);
    }
    throw new AssertionError(what + " (within " + ms + " ms)");
  }
}
