package io.redisha.interop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection of a real client library, seen through that library's own typed API.
 * Results are returned as the library gives them, lightly normalised (maps and sets
 * sorted, scored members as "member=score") so that two runs of the same library can
 * be compared; they are never compared across libraries.
 */
interface ClientSession extends AutoCloseable {

  /** How to open sessions of one library. */
  record Kind(String name, Opener opener) {
    interface Opener {
      /** password may be null; db is SELECTed by the library's own configuration. */
      ClientSession open(int port, String password, int db) throws Exception;
    }

    ClientSession open(int port, String password, int db) throws Exception {
      return opener.open(port, password, db);
    }

    ClientSession open(int port) throws Exception {
      return open(port, null, 0);
    }

    @Override public String toString() {
      return name;
    }
  }

  /** A subscription on a connection of its own. */
  interface Subscriber extends AutoCloseable {
    /** Waits (with a deadline) for n messages, each as "channel:message". */
    List<String> await(int n) throws Exception;
  }

  Object ping();

  // strings
  Object set(String k, String v);
  Object setNxEx(String k, String v, long seconds);
  Object get(String k);
  Object incr(String k);
  Object incrBy(String k, long n);
  Object incrByFloat(String k, double d);
  Object append(String k, String v);
  Object strlen(String k);
  Object getrange(String k, long start, long end);
  Object mset(String... kv);
  Object mget(String... keys);
  Object setnx(String k, String v);

  // keys
  Object del(String... keys);
  Object exists(String... keys);
  Object type(String k);
  Object expire(String k, long seconds);
  Object ttl(String k);
  Object persist(String k);
  Object rename(String k, String to);
  Object keys(String pattern);

  // lists
  Object lpush(String k, String... v);
  Object rpush(String k, String... v);
  Object lpop(String k);
  Object rpop(String k);
  Object lrange(String k, long start, long end);
  Object llen(String k);
  Object lindex(String k, long i);
  Object lset(String k, long i, String v);
  Object lrem(String k, long count, String v);
  Object ltrim(String k, long start, long end);

  // hashes
  Object hset(String k, Map<String, String> fields);
  Object hget(String k, String f);
  Object hgetall(String k);
  Object hdel(String k, String... f);
  Object hlen(String k);
  Object hexists(String k, String f);
  Object hincrby(String k, String f, long n);
  Object hmget(String k, String... f);

  // sets
  Object sadd(String k, String... m);
  Object srem(String k, String... m);
  Object smembers(String k);
  Object sismember(String k, String m);
  Object scard(String k);
  Object sinter(String... keys);
  Object sunion(String... keys);
  Object sdiff(String... keys);

  // sorted sets
  Object zadd(String k, double score, String m);
  Object zscore(String k, String m);
  Object zrange(String k, long start, long end);
  Object zrangeWithScores(String k, long start, long end);
  Object zincrby(String k, double by, String m);
  Object zrank(String k, String m);
  Object zrem(String k, String... m);
  Object zcard(String k);
  Object zcount(String k, double min, double max);
  Object zpopmin(String k);

  // transactions: each runs a whole MULTI ... EXEC and returns EXEC's result
  /** MULTI; SET k 10; INCR k; GET k; EXEC. */
  Object txSetIncrGet(String k);
  /** MULTI; SET k a; INCR k (fails at EXEC time); GET k; EXEC. */
  Object txWithRuntimeError(String k);
  /** WATCH k; other modifies k; MULTI; SET k mine; EXEC (aborted). */
  Object txWatchedKeyChanged(String k, ClientSession other);

  // pub/sub
  Object publish(String channel, String message);
  Subscriber subscribe(String channel) throws Exception;

  // connection
  Object select(int db);
  Object dbsize();
  Object auth(String password);
  /** CLIENT INFO's line as the library returns it. */
  Object clientInfo();

  // ---------------------------------------------------------------- normalisation helpers

  static Object sorted(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> t = new TreeMap<>();
      m.forEach((k, v) -> t.put(String.valueOf(k), v));
      return t;
    }
    if (o instanceof Collection<?> c) {
      TreeSet<String> t = new TreeSet<>();
      c.forEach(x -> t.add(String.valueOf(x)));
      return t;
    }
    return o;
  }

  static Object error(Throwable t) {
    return "!" + t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** EXEC's results as a library returns them, with failed commands (exceptions) shown by error(). */
  static List<Object> execResults(Iterable<?> results) {
    List<Object> out = new ArrayList<>();
    for (Object o : results) out.add(o instanceof Throwable t ? error(t) : o);
    return out;
  }

  /** Takes n items, waiting at most 10 s in all. */
  static List<String> drain(BlockingQueue<String> q, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (out.size() < n) {
      String s = q.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (s == null) break;
      out.add(s);
    }
    return out;
  }
}
