package io.redisha.gateway;

import static io.redisha.gateway.GatewayFailoverTest.awaitTrue;
import static io.redisha.gateway.GatewayRefusedWriteTest.linkReplica;
import static io.redisha.gateway.GatewayStaticSwitchoverTest.commandCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching (CLIENT TRACKING) through the gateway, over real redis-servers: a
 * tracking client is pinned to a dedicated master connection where its invalidations
 * come, and after the master moves it is told to drop its whole cache and tracked again
 * on the new master.
 */
class GatewayTrackingTest {

  private static final String FLUSH_ALL = ">[\"invalidate\", (nil_)]";

  @Test
  void invalidationsReachTheTrackingClientAndItsReadsStayOnTheMaster() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient t = gw.client(); RespClient w = gw.client();
          RespClient direct = a.client()) {
        assertEquals("+OK", w.call("SET", "k", "v1").toString());
        awaitTrue(() -> Reply.str(b.client().call("GET", "k")).equals("v1"), 5_000, "the replica never got k");
        t.call("HELLO", "3");
        assertEquals("+OK", t.call("CLIENT", "TRACKING", "ON").toString());
        long masterGets = commandCalls(direct, "get");
        assertEquals("\"v1\"", t.call("GET", "k").toString());
        assertEquals(masterGets + 1, commandCalls(direct, "get"), "the tracked read was not served by the master");

        assertEquals("+OK", w.call("SET", "k", "v2").toString());
        assertEquals(">[\"invalidate\", *[\"k\"]]", t.read().toString());
        assertTrue(t.call("CLIENT", "TRACKINGINFO").toString().contains("\"on\""));

        // Off again: back to the shared connections, where tracking is off.
        assertEquals("+OK", t.call("CLIENT", "TRACKING", "OFF").toString());
        assertTrue(t.call("CLIENT", "TRACKINGINFO").toString().contains("\"off\""));
      }
    }
  }

  @Test
  void broadcastModeWithPrefixes() throws Exception {
    try (RealRedis a = RealRedis.start(); TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(a.port));
        RespClient t = gw.client(); RespClient w = gw.client()) {
      t.call("HELLO", "3");
      assertEquals("+OK", t.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:").toString());
      assertEquals("+OK", w.call("SET", "other", "1").toString());
      assertEquals("+OK", w.call("SET", "user:1", "x").toString());
      assertEquals(">[\"invalidate\", *[\"user:1\"]]", t.read().toString());
    }
  }

  @Test
  void errorsAreRedisOwnOrSayWhyNot() throws Exception {
    try (RealRedis a = RealRedis.start(); TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(a.port));
        RespClient c = gw.client()) {
      assertEquals("-ERR PREFIX option requires BCAST mode to be enabled",
          c.call("CLIENT", "TRACKING", "ON", "PREFIX", "a").toString());
      // The refused ON left the client unpinned: its commands use the shared connections.
      assertTrue(c.call("CLIENT", "TRACKINGINFO").toString().contains("\"off\""));
      assertTrue(c.call("CLIENT", "TRACKING", "ON", "REDIRECT", "7").toString().startsWith(
          "-ERR gateway: CLIENT TRACKING REDIRECT cannot be used through the gateway"));
      assertEquals("-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
          c.call("CLIENT", "CACHING", "yes").toString());
    }
  }

  @Test
  void afterASwitchoverWhatItReadIsInvalidatedAndTrackedAgainOnTheNewMaster() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient t = gw.client(); RespClient w = gw.client();
          RespClient da = a.client(); RespClient db = b.client()) {
        t.call("HELLO", "3");
        assertEquals("+OK", t.call("CLIENT", "TRACKING", "ON").toString());
        assertEquals("(nil_)", t.call("GET", "k").toString());
        assertEquals("(nil_)", t.call("GET", "gone").toString());
        assertEquals("+OK", w.call("SET", "gone", "1").toString());
        assertEquals(">[\"invalidate\", *[\"gone\"]]", t.read().toString());

        switchover(gw, da, db, b);
        // What it read and may still cache, by name: k (gone was invalidated already).
        assertEquals(">[\"invalidate\", *[\"k\"]]", t.read().toString());

        // Tracked again on the new master: its writes invalidate what the client reads there.
        assertEquals("(nil_)", t.call("GET", "k").toString());
        assertEquals("+OK", w.call("SET", "k", "new").toString());
        assertEquals(">[\"invalidate\", *[\"k\"]]", t.read().toString());
      }
    }
  }

  /** A read whose keys the command table cannot tell (movable keys): everything is invalidated. */
  @Test
  void readsOfUnknownKeysInvalidateEverythingAfterASwitchover() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient t = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        t.call("HELLO", "3");
        assertEquals("+OK", t.call("CLIENT", "TRACKING", "ON").toString());
        assertEquals("(nil_)", t.call("GET", "k").toString());
        assertEquals("*[]", t.call("ZUNION", "2", "z1", "z2").toString());
        switchover(gw, da, db, b);
        assertEquals(FLUSH_ALL, t.read().toString());
      }
    }
  }

  /**
   * Lettuce's own client-side cache through the gateway: invalidated by writes, and across
   * a switchover (it cannot take the invalidate-everything push: the keys it read are named).
   */
  @Test
  void lettuceCacheAcrossASwitchover() throws Exception {
    try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
      linkReplica(b, a);
      try (TestGateway gw = staticGateway(a, b); RespClient w = gw.client(); RespClient da = a.client(); RespClient db = b.client()) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", gw.port()));
        try (StatefulRedisConnection<String, String> conn = client.connect(StringCodec.UTF8)) {
          Map<String, String> cache = new ConcurrentHashMap<>();
          CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(cache), conn,
              TrackingArgs.Builder.enabled());
          assertEquals("+OK", w.call("SET", "k", "v0").toString());
          assertEquals("v0", frontend.get("k"));
          assertEquals("v0", cache.get("k"));
          assertEquals("+OK", w.call("SET", "k", "v1").toString());
          awaitTrue(() -> !cache.containsKey("k"), 5_000, "the cached value was never invalidated");
          assertEquals("v1", frontend.get("k"));
          switchover(gw, da, db, b);
          awaitTrue(() -> !cache.containsKey("k"), 5_000, "the cache kept k across the switchover");
          assertEquals("v1", frontend.get("k"));
          assertEquals("+OK", w.call("SET", "k", "v2").toString());
          awaitTrue(() -> !cache.containsKey("k"), 5_000, "the new master's write did not invalidate k");
          assertEquals("v2", frontend.get("k"));
          frontend.close();
        } finally {
          client.shutdown();
        }
      }
    }
  }

  private static void switchover(TestGateway gw, RespClient oldMaster, RespClient newMaster, RealRedis b) throws Exception {
    assertEquals("+OK", oldMaster.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port)).toString());
    assertEquals("+OK", newMaster.call("REPLICAOF", "NO", "ONE").toString());
    awaitTrue(() -> new HostPort("127.0.0.1", b.port).equals(gw.gw.topology.master), 5_000, "no switchover");
  }

  private static TestGateway staticGateway(RealRedis master, RealRedis replica) throws Exception {
    return TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
        "--replica", "127.0.0.1", Integer.toString(replica.port), "--read-policy", "replica");
  }
}
