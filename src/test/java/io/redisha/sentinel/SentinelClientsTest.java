package io.redisha.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisSentinelPool;

/** redis-cli, Jedis and Lettuce find the master through our sentinels and follow a failover. */
class SentinelClientsTest {

  /** One SET through a fresh connection, which vertx-redis-client resolves through the sentinels. */
  private static String vertxSet(io.vertx.redis.client.Redis redis, String k, String v) {
    try {
      return redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SET).arg(k).arg(v))
          .toCompletionStage().toCompletableFuture().get(3, TimeUnit.SECONDS).toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void clientsFindTheMasterAndFollowAFailover() throws Exception {
    try (Fleet f = new Fleet()) {
      List<Fleet.Server> g = f.replicationGroup(2);
      Fleet.Server master = g.get(0);
      for (int i = 0; i < 3; i++) f.ours(master.port, 500, 5000);
      Fleet.await("sentinels discovered each other", 10_000, () -> f.ours.stream().allMatch(s ->
          Fleet.masterField(s.port(), "num-other-sentinels").equals("2") && Fleet.masterField(s.port(), "num-slaves").equals("2")));

      Process cli = new ProcessBuilder("redis-cli", "-p", String.valueOf(f.ours.get(0).port()),
          "SENTINEL", "get-master-addr-by-name", Fleet.NAME).redirectErrorStream(true).start();
      String out = new String(cli.getInputStream().readAllBytes()).strip();
      cli.waitFor(5, TimeUnit.SECONDS);
      assertEquals("127.0.0.1\n" + master.port, out);

      Set<String> sentinels = Set.of("127.0.0.1:" + f.ours.get(0).port(), "127.0.0.1:" + f.ours.get(1).port(),
          "127.0.0.1:" + f.ours.get(2).port());
      RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(Fleet.NAME).withTimeout(Duration.ofSeconds(2));
      for (Sentinel s : f.ours) b.withSentinel("127.0.0.1", s.port());
      RedisClient lettuce = RedisClient.create(b.build());
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      io.vertx.redis.client.RedisOptions vopts = new io.vertx.redis.client.RedisOptions()
          .setType(io.vertx.redis.client.RedisClientType.SENTINEL).setMasterName(Fleet.NAME)
          .setRole(io.vertx.redis.client.RedisRole.MASTER);
      for (Sentinel s : f.ours) vopts.addConnectionString("redis://127.0.0.1:" + s.port());
      io.vertx.redis.client.Redis vredis = io.vertx.redis.client.Redis.createClient(vertx, vopts);
      try (JedisSentinelPool pool = new JedisSentinelPool(Fleet.NAME, sentinels, new JedisPoolConfig(), 2000, null, 0);
           StatefulRedisConnection<String, String> lc = lettuce.connect()) {
        assertEquals(master.port, pool.getCurrentHostMaster().getPort());
        try (Jedis j = pool.getResource()) {
          j.set("k", "before");
        }
        assertEquals("OK", lc.sync().set("l", "before"));
        assertEquals("OK", vertxSet(vredis, "v", "before"));

        master.kill9();
        Fleet.await("Jedis pool switched to a replica and writes succeed", 10_000, () -> {
          if (pool.getCurrentHostMaster().getPort() == master.port) return false;
          try (Jedis j = pool.getResource()) {
            return "OK".equals(j.set("k", "after"));
          } catch (Exception e) {
            return false;
          }
        });
        int newPort = pool.getCurrentHostMaster().getPort();
        Fleet.await("Lettuce reconnected to the new master and writes succeed", 15_000, () -> {
          try {
            return "OK".equals(lc.sync().set("l", "after"));
          } catch (Exception e) {
            return false;
          }
        });
        Fleet.await("vertx-redis-client in SENTINEL mode writes to the new master", 15_000,
            () -> "OK".equals(vertxSet(vredis, "v", "after")));
        Fleet.Server promoted = g.stream().filter(s -> s.port == newPort).findFirst().orElseThrow();
        assertEquals("master", promoted.field("role"));
      } finally {
        lettuce.shutdown();
        vredis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
