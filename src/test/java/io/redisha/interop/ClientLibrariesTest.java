package io.redisha.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.interop.ClientSession.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One command suite through three real client libraries (Jedis over RESP2, Lettuce and
 * vertx-redis-client over RESP3), each run against our node and against a real
 * redis-server: every step's result, as the library hands it to an application, must
 * be the same. This catches what wire-level differential tests cannot see: a reply that
 * is byte-different in a way a library tolerates is fine, one a library parses into
 * something else is not.
 *
 * <p>Each scenario is its own test in each library's subclass (e.g.
 * {@code ClientLibrariesLettuceTest.lists}), so a missing command fails only the
 * scenarios that use it, and reports name the library.
 */
abstract class ClientLibrariesTest {

  ServerPair d;

  /** Our side of the comparison: the node by default; subclasses put the gateway in front. */
  ServerPair.Mode mode() {
    return ServerPair.Mode.fromProperties();
  }

  @BeforeEach
  void start() throws Exception {
    d = new ServerPair(mode());
  }

  @AfterEach
  void stop() throws Exception {
    if (d != null) d.close();
  }

  @AfterAll
  static void shutdownClients() throws Exception {
    LettuceSession.shutdown();
    VertxSession.shutdown();
  }

  // ------------------------------------------------------------------ the harness

  /** What a scenario may use: its library, the server's port, and a record of results. */
  record Ctx(Kind kind, int port, String password, Transcript t) {
    ClientSession open() throws Exception {
      return kind.open(port, password, 0);
    }
  }

  interface Scenario {
    void run(ClientSession s, Ctx ctx) throws Exception;
  }

  interface Step {
    Object call() throws Exception;
  }

  /** Each step's result or error, one line each, with server-specific details (the port) masked. */
  static final class Transcript {
    final List<String> lines = new ArrayList<>();
    final int port;

    Transcript(int port) {
      this.port = port;
    }

    Object step(String what, Step s) {
      Object r;
      try {
        r = s.call();
      } catch (Exception | AssertionError e) {
        r = describe(e);
      }
      record(what, r);
      return r;
    }

    /** For steps that return a connection or subscription: only success or the error is recorded. */
    <T> T open(String what, Class<T> type, Step s) {
      Object r = step(what, s);
      if (type.isInstance(r)) {
        lines.set(lines.size() - 1, what + " -> ok");
        return type.cast(r);
      }
      return null;
    }

    private void record(String what, Object r) {
      lines.add(what + " -> " + String.valueOf(r).replace(Integer.toString(port), "<port>"));
    }

    static String describe(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      String s = String.valueOf(ClientSession.error(e));
      return root == e ? s : s + " (cause " + ClientSession.error(root) + ")";
    }
  }

  List<String> runOn(Kind kind, int port, String password, Scenario sc) throws Exception {
    Transcript t = new Transcript(port);
    Ctx ctx = new Ctx(kind, port, password, t);
    ClientSession s = t.open("connect", ClientSession.class, ctx::open);
    if (s == null) return t.lines;
    try (s) {
      sc.run(s, ctx);
    }
    return t.lines;
  }

  void compare(Kind kind, Scenario sc) throws Exception {
    compare(kind, null, sc);
  }

  void compare(Kind kind, String password, Scenario sc) throws Exception {
    List<String> theirs = runOn(kind, d.theirs(), password, sc);
    List<String> ours = runOn(kind, d.ours(), password, sc);
    if (Boolean.getBoolean("interop.verbose")) System.out.println(kind + "\n" + String.join("\n", theirs));
    assertEquals(String.join("\n", theirs), String.join("\n", ours),
        () -> kind + ": results differ (expected = redis-server, actual = ours)");
  }

  static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }


  /** The library under test; one subclass per library. */
  abstract Kind kind();

  // ------------------------------------------------------------------ scenarios: what exists today

  @Test
  void connectAndPing() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("PING", s::ping);
      c.t.step("DBSIZE", s::dbsize);
    });
  }

  @Test
  void setAndGet() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("SET", () -> s.set("k", "v"));
      c.t.step("GET", () -> s.get("k"));
      c.t.step("GET missing", () -> s.get("nokey"));
      c.t.step("SET binary-ish", () -> s.set("k2", "h\u00e9 \r\n"));
      c.t.step("GET binary-ish", () -> s.get("k2"));
      c.t.step("DBSIZE", s::dbsize);
    });
  }

  @Test
  void transactionsAndWatch() throws Exception {
    compare(kind(), (s, c) -> {
      try (ClientSession other = c.open()) {
        c.t.step("WATCH k; other SET k; MULTI; SET k; EXEC", () -> s.txWatchedKeyChanged("k", other));
      }
      c.t.step("GET k", () -> s.get("k"));
    });
  }

  @Test
  void pubSub() throws Exception {
    compare(kind(), (s, c) -> {
      ClientSession.Subscriber sub = c.t.open("SUBSCRIBE news", ClientSession.Subscriber.class, () -> s.subscribe("news"));
      if (sub == null) return;
      try (sub) {
        c.t.step("PUBLISH 1", () -> s.publish("news", "one"));
        c.t.step("PUBLISH 2", () -> s.publish("news", "two words"));
        c.t.step("PUBLISH elsewhere", () -> s.publish("other", "x"));
        c.t.step("received", () -> sub.await(2));
      }
    });
  }

  @Test
  void selectDatabases() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("SELECT 3", () -> s.select(3));
      c.t.step("SET in 3", () -> s.set("k", "three"));
      c.t.step("DBSIZE 3", s::dbsize);
      c.t.step("SELECT 0", () -> s.select(0));
      c.t.step("GET in 0", () -> s.get("k"));
      c.t.step("SELECT 99", () -> s.select(99));
      try (ClientSession in3 = c.kind.open(c.port, c.password, 3)) {
        c.t.step("new connection on db 3: GET", () -> in3.get("k"));
      }
    });
  }

  @Test
  void authWithRequirepass() throws Exception {
    d.close();
    d = new ServerPair(mode(), "--requirepass", "s3cret");
    compare(kind(), "s3cret", (s, c) -> {
      c.t.step("PING", s::ping);
      c.t.step("SET", () -> s.set("k", "v"));
      c.t.step("GET", () -> s.get("k"));
      c.t.step("AUTH again", () -> s.auth("s3cret"));
      c.t.step("AUTH wrong", () -> s.auth("wrong"));
      c.t.step("GET still authenticated", () -> s.get("k"));
    });
  }

  @Test
  void authRefusedWithoutOrWithWrongPassword() throws Exception {
    d.close();
    d = new ServerPair(mode(), "--requirepass", "s3cret");
    compare(kind(), "s3cret", (s, c) -> {
      c.t.step("no password: connect and GET", () -> {
        try (ClientSession anon = c.kind.open(c.port, null, 0)) {
          return anon.get("k");
        }
      });
      // Against redis-server itself, Lettuce reports a refused handshake either as the
      // WRONGPASS reply or as "connection closed prematurely", depending on timing; what
      // must hold is that the connection is refused with the library's connection error.
      c.t.step("wrong password: connect and GET", () -> {
        try (ClientSession wrong = c.kind.open(c.port, "wrong", 0)) {
          return wrong.get("k");
        } catch (Exception e) {
          return "refused: " + e.getClass().getSimpleName();
        }
      });
    });
  }

  // ------------------------------------------------------------------ scenarios: the full command set

  /** The fields of CLIENT INFO that do not vary between runs: the protocol each library negotiated, among them. */
  static String stableClientFields(Object info) {
    StringBuilder sb = new StringBuilder();
    for (String f : String.valueOf(info).trim().split(" ")) {
      String name = f.contains("=") ? f.substring(0, f.indexOf('=')) : f;
      if (java.util.Set.of("name", "flags", "db", "sub", "psub", "multi", "cmd", "user", "redir", "resp")
          .contains(name)) {
        sb.append(f).append(' ');
      }
    }
    return sb.toString().trim();
  }

  @Test
  void negotiatedProtocolAndSessionState() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("CLIENT INFO", () -> stableClientFields(s.clientInfo()));
      c.t.step("SELECT 2", () -> s.select(2));
      c.t.step("CLIENT INFO after SELECT", () -> stableClientFields(s.clientInfo()));
    });
  }

  @Test
  void strings() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("SET NX EX", () -> s.setNxEx("k", "v", 100));
      c.t.step("SET NX EX again", () -> s.setNxEx("k", "w", 100));
      c.t.step("INCR new", () -> s.incr("n"));
      c.t.step("INCRBY", () -> s.incrBy("n", 41));
      c.t.step("INCRBYFLOAT", () -> s.incrByFloat("f", 1.5));
      c.t.step("INCRBYFLOAT again", () -> s.incrByFloat("f", 0.1));
      c.t.step("APPEND", () -> s.append("s", "hello"));
      c.t.step("APPEND more", () -> s.append("s", " world"));
      c.t.step("STRLEN", () -> s.strlen("s"));
      c.t.step("GETRANGE", () -> s.getrange("s", 0, 4));
      c.t.step("GETRANGE negative", () -> s.getrange("s", -5, -1));
      c.t.step("MSET", () -> s.mset("a", "1", "b", "2"));
      c.t.step("MGET", () -> s.mget("a", "nokey", "b"));
      c.t.step("SETNX existing", () -> s.setnx("a", "x"));
      c.t.step("SETNX new", () -> s.setnx("c", "x"));
      c.t.step("INCR not an integer", () -> s.incr("s"));
      c.t.step("INCRBYFLOAT not a float", () -> s.incrByFloat("s", 1));
    });
  }

  @Test
  void keysAndTtl() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("SET", () -> s.set("k", "v"));
      c.t.step("EXISTS", () -> s.exists("k", "nokey", "k"));
      c.t.step("TYPE", () -> s.type("k"));
      c.t.step("TYPE missing", () -> s.type("nokey"));
      c.t.step("TTL no expiry", () -> s.ttl("k"));
      c.t.step("EXPIRE", () -> s.expire("k", 100));
      c.t.step("TTL", () -> s.ttl("k"));
      c.t.step("PERSIST", () -> s.persist("k"));
      c.t.step("PERSIST again", () -> s.persist("k"));
      c.t.step("TTL missing", () -> s.ttl("nokey"));
      c.t.step("EXPIRE missing", () -> s.expire("nokey", 10));
      c.t.step("RENAME", () -> s.rename("k", "k2"));
      c.t.step("RENAME missing", () -> s.rename("nokey", "x"));
      c.t.step("KEYS", () -> s.keys("*"));
      c.t.step("DEL", () -> s.del("k2", "nokey"));
      c.t.step("EXPIRE 0 deletes", () -> {
        s.set("gone", "v");
        return s.expire("gone", 0);
      });
      c.t.step("EXISTS after", () -> s.exists("gone"));
    });
  }

  @Test
  void lists() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("RPUSH", () -> s.rpush("l", "a", "b", "c"));
      c.t.step("LPUSH", () -> s.lpush("l", "z", "y"));
      c.t.step("LRANGE", () -> s.lrange("l", 0, -1));
      c.t.step("LLEN", () -> s.llen("l"));
      c.t.step("LINDEX", () -> s.lindex("l", 1));
      c.t.step("LINDEX out of range", () -> s.lindex("l", 99));
      c.t.step("LSET", () -> s.lset("l", 0, "Y"));
      c.t.step("LSET out of range", () -> s.lset("l", 99, "x"));
      c.t.step("LREM", () -> s.lrem("l", 0, "a"));
      c.t.step("LTRIM", () -> s.ltrim("l", 0, 2));
      c.t.step("LRANGE after", () -> s.lrange("l", 0, -1));
      c.t.step("LPOP", () -> s.lpop("l"));
      c.t.step("RPOP", () -> s.rpop("l"));
      c.t.step("LPOP missing", () -> s.lpop("nokey"));
      c.t.step("LRANGE missing", () -> s.lrange("nokey", 0, -1));
      c.t.step("LPUSH on a string", () -> {
        s.set("str", "v");
        return s.lpush("str", "x");
      });
    });
  }

  @Test
  void hashes() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("HSET", () -> s.hset("h", map("f1", "v1", "f2", "v2", "n", "5")));
      c.t.step("HSET update", () -> s.hset("h", map("f1", "V1", "f3", "v3")));
      c.t.step("HGET", () -> s.hget("h", "f1"));
      c.t.step("HGET missing field", () -> s.hget("h", "nof"));
      c.t.step("HGETALL", () -> s.hgetall("h"));
      c.t.step("HMGET", () -> s.hmget("h", "f1", "nof", "f2"));
      c.t.step("HEXISTS", () -> s.hexists("h", "f2"));
      c.t.step("HEXISTS missing", () -> s.hexists("h", "nof"));
      c.t.step("HINCRBY", () -> s.hincrby("h", "n", 10));
      c.t.step("HINCRBY not an integer", () -> s.hincrby("h", "f1", 1));
      c.t.step("HLEN", () -> s.hlen("h"));
      c.t.step("HDEL", () -> s.hdel("h", "f1", "nof"));
      c.t.step("HGETALL missing", () -> s.hgetall("nokey"));
      c.t.step("HGET on a list", () -> {
        s.rpush("l", "x");
        return s.hget("l", "f");
      });
    });
  }

  @Test
  void sets() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("SADD", () -> s.sadd("s", "a", "b", "c"));
      c.t.step("SADD duplicates", () -> s.sadd("s", "a", "d"));
      c.t.step("SMEMBERS", () -> s.smembers("s"));
      c.t.step("SISMEMBER", () -> s.sismember("s", "a"));
      c.t.step("SISMEMBER missing", () -> s.sismember("s", "zz"));
      c.t.step("SCARD", () -> s.scard("s"));
      c.t.step("SADD t", () -> s.sadd("t", "c", "d", "e"));
      c.t.step("SINTER", () -> s.sinter("s", "t"));
      c.t.step("SUNION", () -> s.sunion("s", "t"));
      c.t.step("SDIFF", () -> s.sdiff("s", "t"));
      c.t.step("SREM", () -> s.srem("s", "a", "zz"));
      c.t.step("SMEMBERS missing", () -> s.smembers("nokey"));
      c.t.step("SADD integers (intset)", () -> s.sadd("i", "3", "1", "2"));
      c.t.step("SMEMBERS integers", () -> s.smembers("i"));
      c.t.step("SADD on a string", () -> {
        s.set("str", "v");
        return s.sadd("str", "x");
      });
    });
  }

  @Test
  void sortedSets() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("ZADD a", () -> s.zadd("z", 1, "a"));
      c.t.step("ZADD b", () -> s.zadd("z", 2, "b"));
      c.t.step("ZADD c", () -> s.zadd("z", 3.5, "c"));
      c.t.step("ZADD update", () -> s.zadd("z", 0.5, "c"));
      c.t.step("ZSCORE", () -> s.zscore("z", "c"));
      c.t.step("ZSCORE missing", () -> s.zscore("z", "nom"));
      c.t.step("ZRANGE", () -> s.zrange("z", 0, -1));
      c.t.step("ZRANGE WITHSCORES", () -> s.zrangeWithScores("z", 0, -1));
      c.t.step("ZINCRBY", () -> s.zincrby("z", 2.25, "a"));
      c.t.step("ZRANK", () -> s.zrank("z", "a"));
      c.t.step("ZRANK missing", () -> s.zrank("z", "nom"));
      c.t.step("ZCOUNT", () -> s.zcount("z", 1, 3));
      c.t.step("ZCARD", () -> s.zcard("z"));
      c.t.step("ZREM", () -> s.zrem("z", "b", "nom"));
      c.t.step("ZPOPMIN", () -> s.zpopmin("z"));
      c.t.step("ZPOPMIN missing", () -> s.zpopmin("nokey"));
      c.t.step("ZADD on a string", () -> {
        s.set("str", "v");
        return s.zadd("str", 1, "x");
      });
    });
  }

  @Test
  void transactionsWithCommands() throws Exception {
    compare(kind(), (s, c) -> {
      c.t.step("MULTI SET INCR GET EXEC", () -> s.txSetIncrGet("k"));
      c.t.step("MULTI with an error at EXEC time", () -> s.txWithRuntimeError("e"));
    });
  }
}
