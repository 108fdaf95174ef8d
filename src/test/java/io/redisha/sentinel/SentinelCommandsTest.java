package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our sentinel and a real redis-sentinel 7.0 watch the same master and replica; every
 * reply that does not depend on timing or ids must be identical, and the field lists of
 * SENTINEL masters / replicas / sentinels must have the same names in the same order.
 */
class SentinelCommandsTest {

  static Fleet fleet;
  static int ours;
  static int real;
  static int masterPort;

  @BeforeAll
  static void start() throws Exception {
    fleet = new Fleet();
    masterPort = fleet.replicationGroup(1).get(0).port;
    real = fleet.real(masterPort, 5000, 60000).port;
    ours = fleet.ours(masterPort, 5000, 60000).port();
    Fleet.await("both see the other sentinel and the replica", 15_000, () -> List.of(ours, real).stream().allMatch(p ->
        Fleet.masterField(p, "num-other-sentinels").equals("1") && Fleet.masterField(p, "num-slaves").equals("1")));
    Fleet.await("replica info known", 15_000, () -> List.of(ours, real).stream().allMatch(p ->
        Fleet.str(Fleet.call(p, "SENTINEL", "replicas", Fleet.NAME)).contains("\"ok\"")));
    Fleet.await("links to the other sentinel up", 15_000, () -> List.of(ours, real).stream().allMatch(p ->
        Fleet.str(Fleet.call(p, "SENTINEL", "ckquorum", Fleet.NAME)).startsWith("OK 2")));
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  private static final List<String> mismatches = new ArrayList<>();

  private static void same(String... cmd) {
    String r = Fleet.call(real, cmd).toString();
    String o = Fleet.call(ours, cmd).toString();
    if (!r.equals(o)) mismatches.add(String.join(" ", cmd) + "\n  redis: " + r + "\n  ours:  " + o);
  }

  private static List<String> keys(Reply r) {
    List<String> out = new ArrayList<>();
    Reply.Agg a = (Reply.Agg) r;
    for (int i = 0; i < a.items().size(); i += 2) out.add(Fleet.str(a.items().get(i)));
    return out;
  }

  private static Reply first(Reply r) {
    return ((Reply.Agg) r).items().get(0);
  }

  @Test
  void fieldListsMatchRedis() {
    for (String sub : List.of("masters", "replicas", "slaves", "sentinels")) {
      String[] cmd = sub.equals("masters") ? new String[] {"SENTINEL", sub} : new String[] {"SENTINEL", sub, Fleet.NAME};
      assertEquals(keys(first(Fleet.call(real, cmd))), keys(first(Fleet.call(ours, cmd))), sub);
    }
    assertEquals(keys(Fleet.call(real, "SENTINEL", "master", Fleet.NAME)), keys(Fleet.call(ours, "SENTINEL", "master", Fleet.NAME)));
  }

  @Test
  void repliesMatchRedis() {
    same("ROLE");
    same("PING");
    same("PING", "hi");
    same("SENTINEL", "get-master-addr-by-name", Fleet.NAME);
    same("SENTINEL", "get-master-addr-by-name", "nosuch");
    same("SENTINEL", "master", "nosuch");
    same("SENTINEL", "replicas", "nosuch");
    same("SENTINEL", "ckquorum", Fleet.NAME);
    same("SENTINEL", "is-master-down-by-addr", "127.0.0.1", String.valueOf(masterPort), "0", "*");
    same("SENTINEL", "is-master-down-by-addr", "10.0.0.1", "1", "0", "*");
    same("SENTINEL", "set", Fleet.NAME, "notification-script", "/bin/true");
    same("SENTINEL", "monitor", Fleet.NAME, "127.0.0.1", String.valueOf(masterPort), "2");
    same("SENTINEL", "monitor", "other", "127.0.0.1", String.valueOf(masterPort), "0");
    same("SENTINEL", "failover", "nosuch");
    same("SET", "x", "1");
    same("GET", "x");
    same("AUTH", "x");
    same("CLIENT", "SETNAME", "a b");
    same("CLIENT", "SETNAME", "name1");
    same("CLIENT", "GETNAME");
    same("SENTINEL");
    same("SENTINEL", "nosuchsub");
    same("SENTINEL", "ckquorum", "nosuch");
    same("SENTINEL", "set", Fleet.NAME, "nosuchoption", "1");
    same("SENTINEL", "set", Fleet.NAME, "quorum", "abc");
    same("SENTINEL", "reset", "nomatch*");
    same("SENTINEL", "remove", "nosuch");
    same("SUBSCRIBE");
    same("HELLO", "4");
    same("HELLO", "x");
    assertEquals(List.of(), mismatches, String.join("\n", mismatches));
  }

  @Test
  void infoSentinelMatchesRedis() {
    String r = Fleet.str(Fleet.call(real, "INFO", "sentinel"));
    String o = Fleet.str(Fleet.call(ours, "INFO", "sentinel"));
    assertEquals(r, o);
    assertTrue(Fleet.str(Fleet.call(ours, "INFO")).contains("redis_mode:sentinel"));
  }

  @Test
  void myidIsFortyHexAndPersisted() throws Exception {
    String id = Fleet.str(Fleet.call(ours, "SENTINEL", "MYID"));
    assertTrue(id.matches("[0-9a-f]{40}"), id);
    String conf = java.nio.file.Files.readString(fleet.root.resolve("ours-" + ours + ".conf"));
    assertTrue(conf.contains("sentinel myid " + id), conf);
    assertTrue(conf.contains("sentinel known-replica " + Fleet.NAME + " 127.0.0.1 "), conf);
    assertTrue(conf.contains("sentinel known-sentinel " + Fleet.NAME + " 127.0.0.1 " + real + " "), conf);
    assertTrue(conf.contains("sentinel current-epoch 0"), conf);
  }

  @Test
  void theOtherSentinelStaysUsable() throws Exception {
    long end = System.currentTimeMillis() + 3000;
    while (System.currentTimeMillis() < end) {
      String q = Fleet.str(Fleet.call(ours, "SENTINEL", "ckquorum", Fleet.NAME));
      assertTrue(q.startsWith("OK 2"), q + "\n" + Fleet.str(Fleet.call(ours, "SENTINEL", "sentinels", Fleet.NAME)));
      Thread.sleep(50);
    }
  }
}
