package io.redisha.interop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * vertx-redis-client 5 on one dedicated connection. It opens with {@code hello 3}
 * (AUTH inside HELLO when a password is set) and has no typed API of note, so every
 * command goes through {@code send} and the reply is normalised generically.
 */
final class VertxSession implements ClientSession {

  private static Vertx vertx;

  static synchronized Vertx vertx() {
    if (vertx == null) vertx = Vertx.vertx();
    return vertx;
  }

  static synchronized void shutdown() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx = null;
  }

  static final Kind KIND = new Kind("vertx-redis-client", VertxSession::new);

  /** A server error reply, as the future failed with it. */
  static final class ReplyError extends RuntimeException {
    ReplyError(String text) {
      super(text);
    }
  }

  private final RedisOptions options;
  private final RedisConnection conn;

  VertxSession(int port, String password, int db) throws Exception {
    options = new RedisOptions().setConnectionString("redis://127.0.0.1:" + port + "/" + db);
    if (password != null) options.setPassword(password);
    conn = await(Redis.createClient(vertx(), options).connect());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new ReplyError(c instanceof Response r ? r.toString() : String.valueOf(c.getMessage()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Object call(String cmd, Object... args) {
    // A fresh Object[]: Request stores encoded arguments back into the array it is given,
    // which fails when that array is really a String[].
    Object[] a = java.util.Arrays.copyOf(args, args.length, Object[].class);
    return norm(await(conn.send(Request.cmd(Command.create(cmd), a))));
  }

  private Object callSorted(String cmd, Object... args) {
    return ClientSession.sorted(call(cmd, args));
  }

  private static Object[] cat(Object first, Object... rest) {
    Object[] a = new Object[rest.length + 1];
    a[0] = first;
    System.arraycopy(rest, 0, a, 1, rest.length);
    return a;
  }

  static Object norm(Response r) {
    if (r == null) return null;
    ResponseType t = r.type();
    if (t == ResponseType.ERROR) return "!" + r;
    if (t == ResponseType.BOOLEAN) return r.toBoolean();
    if (t == ResponseType.MULTI || t == ResponseType.PUSH) {
      if (r.isMap()) {
        Map<String, Object> m = new TreeMap<>();
        for (String k : r.getKeys()) m.put(k, norm(r.get(k)));
        return m;
      }
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) l.add(norm(r.get(i)));
      return l;
    }
    // SIMPLE, BULK and NUMBER (integers and doubles) keep their text.
    return t + ":" + r;
  }

  @Override public Object ping() { return call("ping"); }
  @Override public Object set(String k, String v) { return call("set", k, v); }
  @Override public Object setNxEx(String k, String v, long s) { return call("set", k, v, "NX", "EX", s); }
  @Override public Object get(String k) { return call("get", k); }
  @Override public Object incr(String k) { return call("incr", k); }
  @Override public Object incrBy(String k, long n) { return call("incrby", k, n); }
  @Override public Object incrByFloat(String k, double d) { return call("incrbyfloat", k, d); }
  @Override public Object append(String k, String v) { return call("append", k, v); }
  @Override public Object strlen(String k) { return call("strlen", k); }
  @Override public Object getrange(String k, long s, long e) { return call("getrange", k, s, e); }
  @Override public Object mset(String... kv) { return call("mset", (Object[]) kv); }
  @Override public Object mget(String... keys) { return call("mget", (Object[]) keys); }
  @Override public Object setnx(String k, String v) { return call("setnx", k, v); }

  @Override public Object del(String... keys) { return call("del", (Object[]) keys); }
  @Override public Object exists(String... keys) { return call("exists", (Object[]) keys); }
  @Override public Object type(String k) { return call("type", k); }
  @Override public Object expire(String k, long s) { return call("expire", k, s); }
  @Override public Object ttl(String k) { return call("ttl", k); }
  @Override public Object persist(String k) { return call("persist", k); }
  @Override public Object rename(String k, String to) { return call("rename", k, to); }
  @Override public Object keys(String pattern) { return callSorted("keys", pattern); }

  @Override public Object lpush(String k, String... v) { return call("lpush", cat(k, (Object[]) v)); }
  @Override public Object rpush(String k, String... v) { return call("rpush", cat(k, (Object[]) v)); }
  @Override public Object lpop(String k) { return call("lpop", k); }
  @Override public Object rpop(String k) { return call("rpop", k); }
  @Override public Object lrange(String k, long s, long e) { return call("lrange", k, s, e); }
  @Override public Object llen(String k) { return call("llen", k); }
  @Override public Object lindex(String k, long i) { return call("lindex", k, i); }
  @Override public Object lset(String k, long i, String v) { return call("lset", k, i, v); }
  @Override public Object lrem(String k, long count, String v) { return call("lrem", k, count, v); }
  @Override public Object ltrim(String k, long s, long e) { return call("ltrim", k, s, e); }

  @Override public Object hset(String k, Map<String, String> f) {
    List<Object> a = new ArrayList<>(List.of(k));
    f.forEach((x, y) -> {
      a.add(x);
      a.add(y);
    });
    return call("hset", a.toArray());
  }
  @Override public Object hget(String k, String f) { return call("hget", k, f); }
  @Override public Object hgetall(String k) { return call("hgetall", k); }
  @Override public Object hdel(String k, String... f) { return call("hdel", cat(k, (Object[]) f)); }
  @Override public Object hlen(String k) { return call("hlen", k); }
  @Override public Object hexists(String k, String f) { return call("hexists", k, f); }
  @Override public Object hincrby(String k, String f, long n) { return call("hincrby", k, f, n); }
  @Override public Object hmget(String k, String... f) { return call("hmget", cat(k, (Object[]) f)); }

  @Override public Object sadd(String k, String... m) { return call("sadd", cat(k, (Object[]) m)); }
  @Override public Object srem(String k, String... m) { return call("srem", cat(k, (Object[]) m)); }
  @Override public Object smembers(String k) { return callSorted("smembers", k); }
  @Override public Object sismember(String k, String m) { return call("sismember", k, m); }
  @Override public Object scard(String k) { return call("scard", k); }
  @Override public Object sinter(String... keys) { return callSorted("sinter", (Object[]) keys); }
  @Override public Object sunion(String... keys) { return callSorted("sunion", (Object[]) keys); }
  @Override public Object sdiff(String... keys) { return callSorted("sdiff", (Object[]) keys); }

  @Override public Object zadd(String k, double score, String m) { return call("zadd", k, score, m); }
  @Override public Object zscore(String k, String m) { return call("zscore", k, m); }
  @Override public Object zrange(String k, long s, long e) { return call("zrange", k, s, e); }
  @Override public Object zrangeWithScores(String k, long s, long e) { return call("zrange", k, s, e, "WITHSCORES"); }
  @Override public Object zincrby(String k, double by, String m) { return call("zincrby", k, by, m); }
  @Override public Object zrank(String k, String m) { return call("zrank", k, m); }
  @Override public Object zrem(String k, String... m) { return call("zrem", cat(k, (Object[]) m)); }
  @Override public Object zcard(String k) { return call("zcard", k); }
  @Override public Object zcount(String k, double min, double max) { return call("zcount", k, min, max); }
  @Override public Object zpopmin(String k) { return call("zpopmin", k); }

  private Object tx(String... cmds) {
    // Every reply of the transaction, QUEUED ones included: they are part of what a client sees.
    List<Object> out = new ArrayList<>();
    for (String c : cmds) {
      String[] p = c.split(" ");
      try {
        out.add(call(p[0], (Object[]) java.util.Arrays.copyOfRange(p, 1, p.length)));
      } catch (ReplyError e) {
        out.add(ClientSession.error(e));
      }
    }
    return out;
  }

  @Override public Object txSetIncrGet(String k) { return tx("multi", "set " + k + " 10", "incr " + k, "get " + k, "exec"); }
  @Override public Object txWithRuntimeError(String k) { return tx("multi", "set " + k + " a", "incr " + k, "get " + k, "exec"); }

  @Override public Object txWatchedKeyChanged(String k, ClientSession other) {
    call("watch", k);
    other.set(k, "theirs");
    return tx("multi", "set " + k + " mine", "exec");
  }

  @Override public Object publish(String channel, String message) { return call("publish", channel, message); }

  @Override public Subscriber subscribe(String channel) {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    RedisConnection sc = await(Redis.createClient(vertx(), options).connect());
    sc.handler(r -> {
      Object n = norm(r);
      if (n instanceof List<?> l && l.size() == 3 && String.valueOf(l.get(0)).endsWith(":message")) {
        got.add(strip(l.get(1)) + ":" + strip(l.get(2)));
      } else {
        got.add(String.valueOf(n));
      }
    });
    await(sc.send(Request.cmd(Command.SUBSCRIBE, channel)));
    return new Subscriber() {
      @Override public List<String> await(int n) throws Exception {
        return ClientSession.drain(got, n + 1);
      }

      @Override public void close() {
        VertxSession.await(sc.close());
      }
    };
  }

  private static String strip(Object o) {
    String s = String.valueOf(o);
    return s.substring(s.indexOf(':') + 1);
  }

  @Override public Object select(int db) { return call("select", db); }
  @Override public Object dbsize() { return call("dbsize"); }
  @Override public Object auth(String password) { return call("auth", password); }
  @Override public Object clientInfo() { return String.valueOf(await(conn.send(Request.cmd(Command.CLIENT, "INFO")))); }

  @Override public void close() {
    await(conn.close());
  }
}
