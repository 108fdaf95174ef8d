package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With reads split to a replica: pipelines that alternate backends, and bad input from one client. */
class GatewaySplitTest {

  static RealRedis master;
  static RealRedis replica;
  static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    master = RealRedis.start(new String[0]);
    replica = RealRedis.start(new String[0]);
    try (RespClient r = replica.client()) {
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
    }
    gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port), "--read-policy", "replica");
    GatewayFailoverTest.awaitTrue(() -> !gw.gw.topology.replicas.isEmpty(), 10_000, "the replica never became usable");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) gw.close();
    if (replica != null) replica.close();
    if (master != null) master.close();
  }

  @Test
  void aPipelineMixingMasterReplicaAndLocalCommandsKeepsOrder() throws Exception {
    try (RespClient direct = master.client()) {
      for (int i = 0; i < 100; i++) direct.call("SET", "pre" + i, "v" + i);
    }
    try (RespClient r = replica.client()) {
      GatewayFailoverTest.awaitTrue(() -> r.call("GET", "pre99").toString().equals("\"v99\""), 5_000, "no replication");
    }
    try (RespClient c = gw.client()) {
      int n = 1000;
      for (int i = 0; i < n; i++) {
        c.send("GET", "pre" + (i % 100)); // replica
        c.send("INCR", "counter"); // master
        c.send("PING"); // gateway
        c.send("STRLEN", "pre" + (i % 100)); // replica
      }
      for (int i = 0; i < n; i++) {
        assertEquals("\"v" + (i % 100) + "\"", c.read().toString());
        assertEquals(":" + (i + 1), c.read().toString());
        assertEquals("+PONG", c.read().toString());
        assertEquals(":" + ("v" + (i % 100)).length(), c.read().toString());
      }
    }
    try (RespClient r = replica.client()) {
      assertTrue(Reply.str(r.call("INFO", "commandstats")).contains("cmdstat_strlen:calls=1000,"),
          "the reads did not run on the replica");
    }
  }

  @Test
  void everyReadPolicySendsReadsWhereItSays() throws Exception {
    for (String policy : new String[] {"master", "replica", "prefer-replica", "round-robin", "least-latency"}) {
      try (TestGateway g = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port), "--read-policy", policy);
          RespClient m = master.client(); RespClient r = replica.client()) {
        if (!policy.equals("master")) {
          GatewayFailoverTest.awaitTrue(() -> !g.gw.topology.replicas.isEmpty(), 10_000, "no usable replica");
        }
        m.call("CONFIG", "RESETSTAT");
        r.call("CONFIG", "RESETSTAT");
        for (int i = 0; i < 10; i++) {
          try (RespClient c = g.client()) {
            c.call("STRLEN", "policy");
          }
        }
        int onMaster = calls(m, "strlen");
        int onReplica = calls(r, "strlen");
        String where = policy + ": " + onMaster + " on the master, " + onReplica + " on the replica";
        switch (policy) {
          case "master" -> assertTrue(onMaster == 10 && onReplica == 0, where);
          case "round-robin" -> assertTrue(onMaster == 5 && onReplica == 5, where);
          default -> assertTrue(onMaster == 0 && onReplica == 10, where);
        }
      }
    }
  }

  static int calls(RespClient c, String cmd) throws Exception {
    String info = Reply.str(c.call("INFO", "commandstats"));
    int at = info.indexOf("cmdstat_" + cmd + ":calls=");
    if (at < 0) return 0;
    int from = at + ("cmdstat_" + cmd + ":calls=").length();
    return Integer.parseInt(info.substring(from, info.indexOf(',', from)));
  }

  @Test
  void scriptsLoadedThroughTheGatewayRunOnReplicas() throws Exception {
    try (RespClient c = gw.client()) {
      String sha = Reply.str(c.call("SCRIPT", "LOAD", "return 'ro:' .. (redis.call('GET', KEYS[1]) or 'nil')"));
      assertEquals(40, sha.length());
      assertEquals("\"ro:nil\"", c.call("EVALSHA_RO", sha, "1", "nosuchkey").toString());
    }
    try (RespClient r = replica.client()) {
      assertTrue(Reply.str(r.call("INFO", "commandstats")).contains("cmdstat_evalsha_ro:calls=1,"),
          "EVALSHA_RO did not run on the replica");
    }
  }

  @Test
  void badInputGetsRedisErrorAndHarmsNoOtherClient() throws Exception {
    try (RespClient bad = gw.client(); RespClient good = gw.client()) {
      good.send("SET", "g", "1");
      bad.sendRaw("*1\r\n$x\r\n");
      assertEquals("-ERR Protocol error: invalid bulk length", bad.read().toString());
      assertTrue(bad.closedByServer(2000), "the gateway kept a connection after a protocol error");
      assertEquals("+OK", good.read().toString());
      try (RespClient unbalanced = gw.client()) {
        unbalanced.sendRaw("SET \"a b\r\n");
        assertEquals("-ERR Protocol error: unbalanced quotes in request", unbalanced.read().toString());
      }
      try (RespClient inline = gw.client()) {
        inline.sendRaw("SET inl ok\r\n");
        assertEquals("+OK", inline.read().toString());
      }
      assertEquals("+PONG", good.call("PING").toString());
    }
  }
}
