package io.redisha.interop;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.Tuple;

/** Jedis 8 (RESP2, connects with PING), through its typed API. */
final class JedisSession implements ClientSession {

  static final Kind KIND = new Kind("jedis", JedisSession::new);

  private final int port;
  private final String password;
  private final int db;
  private final Jedis j;

  JedisSession(int port, String password, int db) {
    this.port = port;
    this.password = password;
    this.db = db;
    j = new Jedis("127.0.0.1", port, config());
  }

  private DefaultJedisClientConfig config() {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(10_000).database(db);
    if (password != null) b.password(password);
    return b.build();
  }

  private static String tuple(Tuple t) {
    return t == null ? null : t.getElement() + "=" + t.getScore();
  }

  private static Object exec(List<Object> r) {
    return r == null ? null : ClientSession.execResults(r);
  }

  @Override public Object ping() { return j.ping(); }
  @Override public Object set(String k, String v) { return j.set(k, v); }
  @Override public Object setNxEx(String k, String v, long s) { return j.set(k, v, SetParams.setParams().nx().ex(s)); }
  @Override public Object get(String k) { return j.get(k); }
  @Override public Object incr(String k) { return j.incr(k); }
  @Override public Object incrBy(String k, long n) { return j.incrBy(k, n); }
  @Override public Object incrByFloat(String k, double d) { return j.incrByFloat(k, d); }
  @Override public Object append(String k, String v) { return j.append(k, v); }
  @Override public Object strlen(String k) { return j.strlen(k); }
  @Override public Object getrange(String k, long s, long e) { return j.getrange(k, s, e); }
  @Override public Object mset(String... kv) { return j.mset(kv); }
  @Override public Object mget(String... keys) { return j.mget(keys); }
  @Override public Object setnx(String k, String v) { return j.setnx(k, v); }

  @Override public Object del(String... keys) { return j.del(keys); }
  @Override public Object exists(String... keys) { return j.exists(keys); }
  @Override public Object type(String k) { return j.type(k); }
  @Override public Object expire(String k, long s) { return j.expire(k, s); }
  @Override public Object ttl(String k) { return j.ttl(k); }
  @Override public Object persist(String k) { return j.persist(k); }
  @Override public Object rename(String k, String to) { return j.rename(k, to); }
  @Override public Object keys(String pattern) { return ClientSession.sorted(j.keys(pattern)); }

  @Override public Object lpush(String k, String... v) { return j.lpush(k, v); }
  @Override public Object rpush(String k, String... v) { return j.rpush(k, v); }
  @Override public Object lpop(String k) { return j.lpop(k); }
  @Override public Object rpop(String k) { return j.rpop(k); }
  @Override public Object lrange(String k, long s, long e) { return j.lrange(k, s, e); }
  @Override public Object llen(String k) { return j.llen(k); }
  @Override public Object lindex(String k, long i) { return j.lindex(k, i); }
  @Override public Object lset(String k, long i, String v) { return j.lset(k, i, v); }
  @Override public Object lrem(String k, long count, String v) { return j.lrem(k, count, v); }
  @Override public Object ltrim(String k, long s, long e) { return j.ltrim(k, s, e); }

  @Override public Object hset(String k, Map<String, String> f) { return j.hset(k, f); }
  @Override public Object hget(String k, String f) { return j.hget(k, f); }
  @Override public Object hgetall(String k) { return ClientSession.sorted(j.hgetAll(k)); }
  @Override public Object hdel(String k, String... f) { return j.hdel(k, f); }
  @Override public Object hlen(String k) { return j.hlen(k); }
  @Override public Object hexists(String k, String f) { return j.hexists(k, f); }
  @Override public Object hincrby(String k, String f, long n) { return j.hincrBy(k, f, n); }
  @Override public Object hmget(String k, String... f) { return j.hmget(k, f); }

  @Override public Object sadd(String k, String... m) { return j.sadd(k, m); }
  @Override public Object srem(String k, String... m) { return j.srem(k, m); }
  @Override public Object smembers(String k) { return ClientSession.sorted(j.smembers(k)); }
  @Override public Object sismember(String k, String m) { return j.sismember(k, m); }
  @Override public Object scard(String k) { return j.scard(k); }
  @Override public Object sinter(String... keys) { return ClientSession.sorted(j.sinter(keys)); }
  @Override public Object sunion(String... keys) { return ClientSession.sorted(j.sunion(keys)); }
  @Override public Object sdiff(String... keys) { return ClientSession.sorted(j.sdiff(keys)); }

  @Override public Object zadd(String k, double score, String m) { return j.zadd(k, score, m); }
  @Override public Object zscore(String k, String m) { return j.zscore(k, m); }
  @Override public Object zrange(String k, long s, long e) { return j.zrange(k, s, e); }
  @Override public Object zrangeWithScores(String k, long s, long e) {
    return j.zrangeWithScores(k, s, e).stream().map(JedisSession::tuple).toList();
  }
  @Override public Object zincrby(String k, double by, String m) { return j.zincrby(k, by, m); }
  @Override public Object zrank(String k, String m) { return j.zrank(k, m); }
  @Override public Object zrem(String k, String... m) { return j.zrem(k, m); }
  @Override public Object zcard(String k) { return j.zcard(k); }
  @Override public Object zcount(String k, double min, double max) { return j.zcount(k, min, max); }
  @Override public Object zpopmin(String k) { return tuple(j.zpopmin(k)); }

  @Override public Object txSetIncrGet(String k) { return txSetIncrGet(k, "10"); }
  @Override public Object txWithRuntimeError(String k) { return txSetIncrGet(k, "a"); }

  private Object txSetIncrGet(String k, String v) {
    Transaction t = j.multi();
    t.set(k, v);
    t.incr(k);
    t.get(k);
    return exec(t.exec());
  }

  @Override public Object txWatchedKeyChanged(String k, ClientSession other) {
    j.watch(k);
    other.set(k, "theirs");
    Transaction t = j.multi();
    t.set(k, "mine");
    return exec(t.exec());
  }

  @Override public Object publish(String channel, String message) { return j.publish(channel, message); }

  @Override public Subscriber subscribe(String channel) throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub ps = new JedisPubSub() {
      @Override public void onMessage(String ch, String message) {
        got.add(ch + ":" + message);
      }

      @Override public void onSubscribe(String ch, int count) {
        got.add("subscribe " + ch + " " + count);
        subscribed.countDown();
      }
    };
    Jedis sub = new Jedis("127.0.0.1", port, config());
    // Jedis's subscribe blocks its caller until unsubscribed.
    Thread t = new Thread(() -> {
      try {
        sub.subscribe(ps, channel);
      } catch (RuntimeException e) {
        got.add(String.valueOf(ClientSession.error(e)));
        subscribed.countDown();
      }
    }, "jedis-subscriber");
    t.setDaemon(true);
    t.start();
    if (!subscribed.await(10, TimeUnit.SECONDS)) throw new AssertionError("jedis never confirmed SUBSCRIBE");
    return new Subscriber() {
      @Override public List<String> await(int n) throws Exception {
        return ClientSession.drain(got, n + 1);
      }

      @Override public void close() throws Exception {
        if (ps.isSubscribed()) ps.unsubscribe();
        t.join(5000);
        sub.close();
      }
    };
  }

  @Override public Object select(int db) { return j.select(db); }
  @Override public Object dbsize() { return j.dbSize(); }
  @Override public Object auth(String password) { return j.auth(password); }
  @Override public Object clientInfo() { return j.clientInfo(); }

  @Override public void close() {
    j.close();
  }
}
