package io.redisha.interop;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Lettuce 7 through its synchronous API. It negotiates RESP3 with HELLO 3 (with AUTH
 * inside HELLO when a password is set), so replies arrive as maps, sets and doubles.
 */
final class LettuceSession implements ClientSession {

  // One client (its event loops are costly to start and stop) for every session of the test run.
  private static RedisClient client;

  static synchronized RedisClient client() {
    if (client == null) client = RedisClient.create();
    return client;
  }

  static synchronized void shutdown() {
    if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
    client = null;
  }

  static final Kind KIND = new Kind("lettuce", LettuceSession::new);

  private final RedisURI uri;
  private final StatefulRedisConnection<String, String> conn;
  private final RedisCommands<String, String> r;

  LettuceSession(int port, String password, int db) {
    RedisURI.Builder b = RedisURI.Builder.redis("127.0.0.1", port).withDatabase(db).withTimeout(Duration.ofSeconds(10));
    if (password != null) b.withPassword(password.toCharArray());
    uri = b.build();
    conn = client().connect(uri);
    r = conn.sync();
  }

  private static String scored(ScoredValue<String> v) {
    return v == null || !v.hasValue() ? null : v.getValue() + "=" + v.getScore();
  }

  private static List<String> values(List<KeyValue<String, String>> kvs) {
    List<String> out = new ArrayList<>();
    for (KeyValue<String, String> kv : kvs) out.add(kv.hasValue() ? kv.getValue() : null);
    return out;
  }

  private static Object exec(TransactionResult tr) {
    return tr.wasDiscarded() ? "discarded" : ClientSession.execResults(tr);
  }

  @Override public Object ping() { return r.ping(); }
  @Override public Object set(String k, String v) { return r.set(k, v); }
  @Override public Object setNxEx(String k, String v, long s) { return r.set(k, v, SetArgs.Builder.nx().ex(s)); }
  @Override public Object get(String k) { return r.get(k); }
  @Override public Object incr(String k) { return r.incr(k); }
  @Override public Object incrBy(String k, long n) { return r.incrby(k, n); }
  @Override public Object incrByFloat(String k, double d) { return r.incrbyfloat(k, d); }
  @Override public Object append(String k, String v) { return r.append(k, v); }
  @Override public Object strlen(String k) { return r.strlen(k); }
  @Override public Object getrange(String k, long s, long e) { return r.getrange(k, s, e); }
  @Override public Object mset(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return r.mset(m);
  }
  @Override public Object mget(String... keys) { return values(r.mget(keys)); }
  @Override public Object setnx(String k, String v) { return r.setnx(k, v); }

  @Override public Object del(String... keys) { return r.del(keys); }
  @Override public Object exists(String... keys) { return r.exists(keys); }
  @Override public Object type(String k) { return r.type(k); }
  @Override public Object expire(String k, long s) { return r.expire(k, s); }
  @Override public Object ttl(String k) { return r.ttl(k); }
  @Override public Object persist(String k) { return r.persist(k); }
  @Override public Object rename(String k, String to) { return r.rename(k, to); }
  @Override public Object keys(String pattern) { return ClientSession.sorted(r.keys(pattern)); }

  @Override public Object lpush(String k, String... v) { return r.lpush(k, v); }
  @Override public Object rpush(String k, String... v) { return r.rpush(k, v); }
  @Override public Object lpop(String k) { return r.lpop(k); }
  @Override public Object rpop(String k) { return r.rpop(k); }
  @Override public Object lrange(String k, long s, long e) { return r.lrange(k, s, e); }
  @Override public Object llen(String k) { return r.llen(k); }
  @Override public Object lindex(String k, long i) { return r.lindex(k, i); }
  @Override public Object lset(String k, long i, String v) { return r.lset(k, i, v); }
  @Override public Object lrem(String k, long count, String v) { return r.lrem(k, count, v); }
  @Override public Object ltrim(String k, long s, long e) { return r.ltrim(k, s, e); }

  @Override public Object hset(String k, Map<String, String> f) { return r.hset(k, f); }
  @Override public Object hget(String k, String f) { return r.hget(k, f); }
  @Override public Object hgetall(String k) { return ClientSession.sorted(r.hgetall(k)); }
  @Override public Object hdel(String k, String... f) { return r.hdel(k, f); }
  @Override public Object hlen(String k) { return r.hlen(k); }
  @Override public Object hexists(String k, String f) { return r.hexists(k, f); }
  @Override public Object hincrby(String k, String f, long n) { return r.hincrby(k, f, n); }
  @Override public Object hmget(String k, String... f) { return values(r.hmget(k, f)); }

  @Override public Object sadd(String k, String... m) { return r.sadd(k, m); }
  @Override public Object srem(String k, String... m) { return r.srem(k, m); }
  @Override public Object smembers(String k) { return ClientSession.sorted(r.smembers(k)); }
  @Override public Object sismember(String k, String m) { return r.sismember(k, m); }
  @Override public Object scard(String k) { return r.scard(k); }
  @Override public Object sinter(String... keys) { return ClientSession.sorted(r.sinter(keys)); }
  @Override public Object sunion(String... keys) { return ClientSession.sorted(r.sunion(keys)); }
  @Override public Object sdiff(String... keys) { return ClientSession.sorted(r.sdiff(keys)); }

  @Override public Object zadd(String k, double score, String m) { return r.zadd(k, score, m); }
  @Override public Object zscore(String k, String m) { return r.zscore(k, m); }
  @Override public Object zrange(String k, long s, long e) { return r.zrange(k, s, e); }
  @Override public Object zrangeWithScores(String k, long s, long e) {
    return r.zrangeWithScores(k, s, e).stream().map(LettuceSession::scored).toList();
  }
  @Override public Object zincrby(String k, double by, String m) { return r.zincrby(k, by, m); }
  @Override public Object zrank(String k, String m) { return r.zrank(k, m); }
  @Override public Object zrem(String k, String... m) { return r.zrem(k, m); }
  @Override public Object zcard(String k) { return r.zcard(k); }
  @Override public Object zcount(String k, double min, double max) { return r.zcount(k, min, max); }
  @Override public Object zpopmin(String k) { return scored(r.zpopmin(k)); }

  @Override public Object txSetIncrGet(String k) { return txSetIncrGet(k, "10"); }
  @Override public Object txWithRuntimeError(String k) { return txSetIncrGet(k, "a"); }

  private Object txSetIncrGet(String k, String v) {
    r.multi();
    r.set(k, v);
    r.incr(k);
    r.get(k);
    return exec(r.exec());
  }

  @Override public Object txWatchedKeyChanged(String k, ClientSession other) {
    r.watch(k);
    other.set(k, "theirs");
    r.multi();
    r.set(k, "mine");
    return exec(r.exec());
  }

  @Override public Object publish(String channel, String message) { return r.publish(channel, message); }

  @Override public Subscriber subscribe(String channel) {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    StatefulRedisPubSubConnection<String, String> pc = client().connectPubSub(uri);
    pc.addListener(new RedisPubSubAdapter<>() {
      @Override public void message(String ch, String message) {
        got.add(ch + ":" + message);
      }

      @Override public void subscribed(String ch, long count) {
        got.add("subscribe " + ch + " " + count);
      }
    });
    pc.sync().subscribe(channel);
    return new Subscriber() {
      @Override public List<String> await(int n) throws Exception {
        return ClientSession.drain(got, n + 1);
      }

      @Override public void close() {
        pc.close();
      }
    };
  }

  @Override public Object select(int db) { return r.select(db); }
  @Override public Object dbsize() { return r.dbsize(); }
  @Override public Object auth(String password) { return r.auth(password); }
  @Override public Object clientInfo() { return r.clientInfo(); }

  @Override public void close() {
    conn.close();
  }
}
