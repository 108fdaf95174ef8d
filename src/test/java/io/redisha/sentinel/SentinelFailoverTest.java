package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Three of our sentinels manage real redis-server 7.0 through a kill -9 of the master. */
class SentinelFailoverTest {

  private static String scriptOutput(java.nio.file.Path dir) {
    StringBuilder sb = new StringBuilder();
    try (var files = java.nio.file.Files.list(dir)) {
      for (var p : files.filter(p -> p.toString().endsWith(".out")).toList()) sb.append(java.nio.file.Files.readString(p));
    } catch (java.io.IOException e) {
      return "";
    }
    return sb.toString();
  }

  @Test
  void killedMasterIsReplacedAndReturnsAsReplica() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(2);
      Fleet.Server master = g.get(0);
      java.nio.file.Path script = f.root.resolve("record.sh");
      java.nio.file.Files.writeString(script, "#!/bin/sh\necho \"$@\" >> \"$0.$PPID.out\"\n");
      script.toFile().setExecutable(true);
      for (int i = 0; i < 3; i++) {
        f.ours(master.port, 500, 5000, "sentinel notification-script mymaster " + script + "\n"
            + "sentinel client-reconfig-script mymaster " + script + "\n");
      }
      int s1 = f.ours.get(0).port();
      Fleet.await("all sentinels know 2 replicas and 2 other sentinels", 10_000, () -> f.ours.stream().allMatch(s ->
          Fleet.masterField(s.port(), "num-slaves").equals("2") && Fleet.masterField(s.port(), "num-other-sentinels").equals("2")));
      assertEquals("127.0.0.1:" + master.port, Fleet.masterAddr(s1));

      io.redisha.testing.RespClient events = new io.redisha.testing.RespClient(f.ours.get(1).port());
      events.setTimeout(5000);
      events.call("SUBSCRIBE", "+switch-master");
      events.call("PSUBSCRIBE", "+odown");
      long t0 = System.currentTimeMillis();
      master.kill9();
      try {
        Fleet.await("a replica promoted", 5_000, () -> {
          String a = Fleet.masterAddr(s1);
          return !a.isEmpty() && !a.endsWith(":" + master.port);
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + f.logs(), e);
      }
      long elapsed = System.currentTimeMillis() - t0;
      String newAddr = Fleet.masterAddr(s1);
      int newPort = Integer.parseInt(newAddr.substring(newAddr.indexOf(':') + 1));
      Fleet.Server promoted = g.stream().filter(s -> s.port == newPort).findFirst().orElseThrow();
      Fleet.Server other = g.stream().filter(s -> s != master && s != promoted).findFirst().orElseThrow();
      assertEquals("master", promoted.field("role"));
      assertEquals("*[\"pmessage\", \"+odown\", \"+odown\", \"master mymaster 127.0.0.1 " + master.port + " #quorum",
          events.read().toString().replaceAll(" #quorum.*", " #quorum"));
      assertEquals("*[\"message\", \"+switch-master\", \"mymaster 127.0.0.1 " + master.port + " " + newAddr.replace(':', ' ') + "\"]",
          events.read().toString());
      events.close();
      Fleet.await("all sentinels agree on the new master", 5_000,
          () -> f.ours.stream().allMatch(s -> Fleet.masterAddr(s.port()).equals(newAddr)));
      Fleet.await("the other replica follows the new master", 5_000,
          () -> other.field("master_port").equals(String.valueOf(newPort)) && other.field("master_link_status").equals("up"));
      String epoch = Fleet.masterField(s1, "config-epoch");
      assertTrue(f.ours.stream().allMatch(s -> Fleet.masterField(s.port(), "config-epoch").equals(epoch)));
      assertEquals("1", epoch, "exactly one failover");
      String old = "127.0.0.1 " + master.port;
      Fleet.await("the scripts ran with Redis's arguments", 5_000, () -> {
        String out = scriptOutput(f.root);
        return out.contains("+sdown master mymaster " + old + "\n")
            && out.contains("mymaster leader start " + old + " " + newAddr.replace(':', ' ') + "\n")
            && out.contains("mymaster observer start " + old + " " + newAddr.replace(':', ' ') + "\n");
      });
      System.out.println("failover detected by get-master-addr-by-name after " + elapsed + " ms");

      long t1 = System.currentTimeMillis();
      master.start();
      Fleet.await("the old master is a synced replica of the new one", 5_000,
          () -> master.field("master_port").equals(String.valueOf(newPort)) && master.field("master_link_status").equals("up"));
      System.out.println("old master synced replica after " + (System.currentTimeMillis() - t1) + " ms");
      Thread.sleep(1500);
      assertEquals(newAddr, Fleet.masterAddr(s1), "no flapping");
      if (System.getenv("SENTINEL_TEST_LOGS") != null) System.out.println(f.logs());
      assertEquals("1", Fleet.masterField(s1, "config-epoch"));
    }
  }

  @Test
  void manualFailoverNeedsNoAgreementAndDemotesTheOldMaster() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(1);
      Fleet.Server master = g.get(0);
      Fleet.Server replica = g.get(1);
      int s = f.ours(master.port, 5000, 10000).port();
      Fleet.await("the replica is known with its offset", 10_000,
          () -> Fleet.str(Fleet.call(s, "SENTINEL", "replicas", Fleet.NAME)).contains("\"ok\""));
      assertEquals("OK", Fleet.str(Fleet.call(s, "SENTINEL", "FAILOVER", Fleet.NAME)));
      Fleet.await("the replica is the new master", 5_000, () -> Fleet.masterAddr(s).equals("127.0.0.1:" + replica.port));
      Fleet.await("the old master follows it", 5_000, () -> master.field("master_port").equals(String.valueOf(replica.port))
          && master.field("master_link_status").equals("up"));
      assertEquals("master", replica.field("role"));
      assertEquals("1", Fleet.masterField(s, "config-epoch"));
      assertEquals("ERR No such master with that name", Fleet.str(Fleet.call(s, "SENTINEL", "FAILOVER", "nosuch")));
    }
  }
}
