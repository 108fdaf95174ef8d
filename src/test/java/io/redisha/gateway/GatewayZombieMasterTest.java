package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The zombie master: frozen with SIGSTOP long enough for the sentinels to promote the
 * replica, then woken with SIGCONT while it still believes it is master. Four clients
 * write unique keys through the gateway the whole time. Every write the gateway
 * acknowledged must be on the new master once the old one has been turned into a
 * replica: none went to the zombie and was lost.
 */
class GatewayZombieMasterTest {

  @Test
  void noAcknowledgedWriteIsLostToAZombieMaster() throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    try {
      RealRedis master = RealRedis.start(new String[0]);
      all.add(master);
      RealRedis replica = RealRedis.start(new String[0]);
      all.add(replica);
      try (RespClient r = replica.client()) {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
        GatewayFailoverTest.awaitTrue(() -> Reply.str(r.call("INFO", "replication")).contains("master_link_status:up"),
            10_000, "the replica never linked");
      }
      List<String> gwArgs = new ArrayList<>(List.of("--master-name", "mymaster", "--failover-hold-ms", "15000"));
      List<RealSentinel> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RealSentinel s = RealSentinel.start("mymaster", master.port, 2, 500);
        all.add(s);
        sentinels.add(s);
        gwArgs.addAll(List.of("--sentinel", "127.0.0.1", Integer.toString(s.port)));
      }
      TestGateway gw = TestGateway.start(gwArgs.toArray(String[]::new));
      all.add(gw);

      List<String> acked = Collections.synchronizedList(new ArrayList<>());
      AtomicLong errors = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int id = w;
        Thread t = new Thread(() -> {
          try (RespClient c = gw.client()) {
            c.setTimeout(30_000);
            for (long i = 0; !stop.get(); i++) {
              String key = "z" + id + ":" + i;
              if (c.call("SET", key, "1") instanceof Reply.Simple) acked.add(key);
              else errors.incrementAndGet();
            }
          } catch (Exception e) {
            // the end
          }
        });
        t.start();
        writers.add(t);
      }
      GatewayFailoverTest.awaitTrue(() -> acked.size() > 200, 10_000, "no writes before the freeze");
      signal("STOP", master.pid());
      try (RespClient s = sentinels.get(0).client()) {
        GatewayFailoverTest.awaitTrue(() -> s.call("SENTINEL", "get-master-addr-by-name", "mymaster").toString()
            .contains("\"" + replica.port + "\""), 30_000, "the sentinels never promoted the replica");
      }
      int atPromotion = acked.size();
      GatewayFailoverTest.awaitTrue(() -> acked.size() > atPromotion + 200, 15_000, "writes did not resume on the new master");
      signal("CONT", master.pid());
      // The woken zombie believes it is master until a sentinel turns it into a replica.
      // (A node turned into a replica drops its clients, so each poll connects anew.)
      GatewayFailoverTest.awaitTrue(() -> {
        try (RespClient z = master.client()) {
          return Reply.str(z.call("INFO", "replication")).contains("master_link_status:up");
        } catch (java.io.IOException e) {
          return false;
        }
      }, 30_000, "the old master was never turned into a replica");
      stop.set(true);
      for (Thread t : writers) t.join(10_000);
      List<String> lost = new ArrayList<>();
      try (RespClient n = replica.client()) {
        List<String> snapshot;
        synchronized (acked) {
          snapshot = new ArrayList<>(acked);
        }
        for (int from = 0; from < snapshot.size(); from += 1000) {
          List<String> chunk = snapshot.subList(from, Math.min(snapshot.size(), from + 1000));
          for (String k : chunk) n.send("EXISTS", k);
          for (String k : chunk) if (!n.read().toString().equals(":1")) lost.add(k);
        }
        System.out.println("zombie master: " + snapshot.size() + " acknowledged writes, " + lost.size() + " lost, "
            + errors.get() + " answered with an error");
      }
      assertEquals(List.of(), lost, "acknowledged writes lost");
      assertTrue(errors.get() <= 4, "more errors than writes in flight at the freeze: " + errors.get());
    } finally {
      for (int i = all.size() - 1; i >= 0; i--) {
        try {
          all.get(i).close();
        } catch (Exception ignored) {
          // keep closing
        }
      }
    }
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertEquals(0, p.waitFor());
  }
}
