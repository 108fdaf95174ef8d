package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Datasets;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The change stream: what each command propagates (a recording sink), and the proof that
 * matters: the recorded stream, replayed into a real redis-server, rebuilds our data set.
 */
class PropagationTest {

  record Op(int db, byte[][] argv) {
    String text() {
      StringBuilder sb = new StringBuilder();
      for (byte[] a : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.UTF_8));
      return sb.toString();
    }
  }

  static TestNode node;
  static RespClient c;
  static final List<Op> stream = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    CompletableFuture<Void> added = new CompletableFuture<>();
    node.node.vertx().runOnContext(v -> {
      node.node.propagation.addSink((db, argv) -> stream.add(new Op(db, argv)));
      added.complete(null);
    });
    added.get(10, TimeUnit.SECONDS);
    c = node.client();
  }

  @AfterAll
  static void stop() throws Exception {
    c.close();
    node.close();
  }

  @BeforeEach
  void flush() throws Exception {
    c.call("FLUSHALL");
    stream.clear();
  }

  /** What the commands propagated, one string per command. */
  private List<String> run(String... cmd) throws Exception {
    stream.clear();
    c.call(cmd);
    return texts();
  }

  private static List<String> texts() {
    synchronized (stream) {
      List<String> r = new ArrayList<>();
      for (Op op : stream) r.add(op.text());
      return r;
    }
  }

  private static long absolute(String text) {
    return Long.parseLong(text.substring(text.lastIndexOf(' ') + 1));
  }

  private static void assertNear(long expected, long actual) {
    assertTrue(Math.abs(expected - actual) < 5_000, expected + " vs " + actual);
  }

  @Test
  void setWithRelativeTimeBecomesPxat() throws Exception {
    long now = System.currentTimeMillis();
    List<String> p = run("SET", "k", "v", "EX", "100");
    assertEquals(1, p.size());
    assertTrue(p.get(0).startsWith("SET k v PXAT "), p.toString());
    assertNear(now + 100_000, absolute(p.get(0)));
    p = run("SET", "k", "v2", "PX", "5000", "GET");
    assertTrue(p.get(0).startsWith("SET k v2 PXAT "), p.toString());
    assertEquals(List.of(), run("SET", "k", "v3", "EX", "10", "NX"), "a SET that did nothing propagates nothing");
    p = run("SETEX", "s", "100", "v");
    assertTrue(p.get(0).startsWith("SET s v PXAT "), p.toString());
    p = run("PSETEX", "s", "100000", "v");
    assertNear(now + 100_000, absolute(p.get(0)));
    assertEquals(List.of("set plain v"), run("set", "plain", "v"), "deterministic commands go as they came");
  }

  @Test
  void expireFamilyBecomesPexpireatOrDel() throws Exception {
    c.call("SET", "k", "v");
    long now = System.currentTimeMillis();
    List<String> p = run("EXPIRE", "k", "100");
    assertTrue(p.get(0).startsWith("PEXPIREAT k "), p.toString());
    assertNear(now + 100_000, absolute(p.get(0)));
    p = run("EXPIREAT", "k", Long.toString(now / 1000 + 200));
    assertEquals("PEXPIREAT k " + (now / 1000 + 200) * 1000, p.get(0));
    assertEquals(List.of(), run("EXPIRE", "k", "100", "NX"));
    assertEquals(List.of("DEL k"), run("PEXPIRE", "k", "-1"));
    assertEquals(List.of(), run("EXPIRE", "missing", "10"));
  }

  @Test
  void getexAndGetdel() throws Exception {
    c.call("SET", "k", "v");
    assertEquals(List.of(), run("GETEX", "k"));
    List<String> p = run("GETEX", "k", "PX", "100000");
    assertTrue(p.get(0).startsWith("PEXPIREAT k "), p.toString());
    assertEquals(List.of("PERSIST k"), run("GETEX", "k", "PERSIST"));
    assertEquals(List.of("DEL k"), run("GETDEL", "k"));
    assertEquals(List.of(), run("GETDEL", "k"));
  }

  @Test
  void floatIncrementsPropagateTheResult() throws Exception {
    c.call("SET", "f", "10.5", "EX", "100");
    assertEquals(List.of("SET f 11 KEEPTTL"), run("INCRBYFLOAT", "f", "0.5"));
    assertEquals(List.of("HSET h x 2.5"), run("HINCRBYFLOAT", "h", "x", "2.5"));
  }

  @Test
  void randomPopsPropagateWhatWasTaken() throws Exception {
    c.call("SADD", "s", "a", "b", "c", "d");
    List<String> p = run("SPOP", "s");
    String member = ((Reply.Agg) c.call("SMEMBERS", "s")).items().size() == 3 ? p.get(0).substring(7) : "?";
    assertEquals(0, ((Reply.Int) c.call("SISMEMBER", "s", member)).value());
    p = run("SPOP", "s", "2");
    assertEquals(1, p.size());
    assertTrue(p.get(0).startsWith("SREM s ") && p.get(0).split(" ").length == 4, p.toString());
    assertEquals(List.of("DEL s"), run("SPOP", "s", "10"));
    c.call("SADD", "s", "a", "b");
    assertEquals(List.of(), run("SRANDMEMBER", "s", "5"));
    c.call("ZADD", "z", "1", "a", "2", "b");
    assertEquals(List.of(), run("ZRANDMEMBER", "z", "-5"));
  }

  @Test
  void execIsWrappedInMultiExec() throws Exception {
    c.call("MULTI");
    c.call("SET", "a", "1");
    c.call("GET", "a");
    c.call("INCR", "a");
    stream.clear();
    c.call("EXEC");
    assertEquals(List.of("MULTI", "SET a 1", "INCR a", "EXEC"), texts());
    c.call("MULTI");
    c.call("INCR", "a");
    c.call("GET", "a");
    assertEquals(List.of("INCR a"), run("EXEC"), "a single write needs no transaction");
  }

  @Test
  void blockingCommandsPropagateTheirNonBlockingForms() throws Exception {
    c.call("RPUSH", "l", "x", "y");
    assertEquals(List.of("LPOP l"), run("BLPOP", "l", "0"));
    assertEquals(List.of("RPOP l"), run("BRPOP", "l", "0"));
    c.call("RPUSH", "l", "1", "2", "3");
    assertEquals(List.of("LMOVE l m LEFT RIGHT"), run("BLMOVE", "l", "m", "LEFT", "RIGHT", "0"));
    assertEquals(List.of("RPOPLPUSH l m"), run("BRPOPLPUSH", "l", "m", "0"));
    assertEquals(List.of("LPOP l 1"), run("BLMPOP", "0", "1", "l", "LEFT", "COUNT", "5"));
    c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
    assertEquals(List.of("ZPOPMIN z"), run("BZPOPMIN", "z", "0"));
    assertEquals(List.of("ZPOPMAX z"), run("BZPOPMAX", "z", "0"));
    assertEquals(List.of("ZPOPMIN z 1"), run("BZMPOP", "0", "1", "z", "MIN", "COUNT", "9"));

    // Served later: the push, then the pop as a unit of its own.
    try (RespClient blocked = node.client()) {
      blocked.send("BLPOP", "q", "0");
      awaitBlocked(1);
      stream.clear();
      c.call("RPUSH", "q", "v");
      assertEquals("*[\"q\", \"v\"]", blocked.read().toString());
      assertEquals(List.of("RPUSH q v", "LPOP q"), texts());
      blocked.send("BZPOPMAX", "zz", "0");
      awaitBlocked(1);
      stream.clear();
      c.call("ZADD", "zz", "1", "m");
      blocked.read();
      assertEquals(List.of("ZADD zz 1 m", "ZPOPMAX zz"), texts());
    }
  }

  private static void awaitBlocked(int n) throws Exception {
    long deadline = System.currentTimeMillis() + 5000;
    while (node.node.blocking.blockedClients() != n) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("client never blocked");
      Thread.sleep(5);
    }
  }

  private static void activeExpire(boolean on) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    node.node.vertx().runOnContext(v -> {
      node.node.activeExpireEnabled = on;
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void expiredKeysPropagateDel() throws Exception {
    activeExpire(false);
    try {
      lazyExpiry();
    } finally {
      activeExpire(true);
    }
    c.call("SET", "e3", "v", "PX", "1");
    stream.clear();
    long deadline = System.currentTimeMillis() + 5000;
    while (!texts().contains("DEL e3")) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("active expiry never propagated: " + texts());
      Thread.sleep(20);
    }
  }

  private void lazyExpiry() throws Exception {
    c.call("SET", "e", "v", "PX", "1");
    Thread.sleep(20);
    assertEquals(List.of("DEL e"), run("GET", "e"), "lazy expiry");
    c.call("SET", "e2", "v", "PX", "1");
    Thread.sleep(20);
    List<String> p = run("SET", "e2", "new");
    assertEquals(List.of("MULTI", "DEL e2", "SET e2 new", "EXEC"), p, "expiry inside a write: one unit");
  }

  @Test
  void databasesTravelWithEachCommand() throws Exception {
    c.call("SELECT", "3");
    run("SET", "x", "1");
    assertEquals(3, stream.get(0).db());
    c.call("MOVE", "x", "4");
    assertEquals(3, stream.get(1).db());
    c.call("SELECT", "0");
  }

  /** The strong check: the stream rebuilds the same data set in a real redis-server 7.0. */
  @Test
  void replayedStreamRebuildsTheDataSetInRealRedis() throws Exception {
    try (RespClient b = node.client()) {
      b.send("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0");
      awaitBlocked(1);
      String[][] workload = {
          {"SET", "s1", "v", "EX", "1000"}, {"SET", "s2", "v", "PX", "500000", "GET"}, {"SETEX", "s3", "300", "x"},
          {"PSETEX", "s4", "300000", "x"}, {"SET", "s5", "v", "EXAT", Long.toString(System.currentTimeMillis() / 1000 + 900)},
          {"SET", "c", "10"}, {"INCRBY", "c", "5"}, {"INCRBYFLOAT", "c", "0.1"}, {"INCRBYFLOAT", "c", "1e3"},
          {"APPEND", "s6", "abc"}, {"SETRANGE", "s6", "10", "z"}, {"EXPIRE", "s6", "600"}, {"PERSIST", "s1"},
          {"GETEX", "c", "EX", "700"}, {"SET", "gone", "1"}, {"GETDEL", "gone"}, {"SET", "gone2", "1"},
          {"EXPIRE", "gone2", "0"},
          {"RPUSH", "l", "a", "b", "c", "d", "e"}, {"LPOP", "l"}, {"LSET", "l", "0", "B"}, {"LINSERT", "l", "BEFORE", "c", "x"},
          {"BLPOP", "l", "0"}, {"BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2"}, {"RPUSH", "src", "1", "2"},
          {"SADD", "set", "a", "b", "c", "d", "e", "f", "g"}, {"SPOP", "set"}, {"SPOP", "set", "3"}, {"SREM", "set", "a"},
          {"SADD", "all", "x", "y"}, {"SPOP", "all", "5"},
          {"HSET", "h", "f1", "1", "f2", "2"}, {"HINCRBYFLOAT", "h", "f1", "0.25"}, {"HINCRBY", "h", "f2", "3"}, {"HDEL", "h", "nope"},
          {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}, {"ZINCRBY", "z", "2.5", "a"}, {"BZPOPMIN", "z", "0"},
          {"ZPOPMAX", "z"}, {"ZMPOP", "1", "z", "MIN"},
          {"SELECT", "5"}, {"SET", "in5", "v", "EX", "800"}, {"SADD", "set5", "1", "2", "3"}, {"SPOP", "set5"},
          {"COPY", "set5", "copied"}, {"RENAME", "copied", "renamed"}, {"MOVE", "renamed", "6"},
          {"SELECT", "0"}, {"SWAPDB", "5", "7"},
          {"MULTI"}, {"SET", "t1", "1"}, {"EXPIRE", "t1", "400"}, {"SPOP", "set"}, {"EXEC"},
          {"SET", "short", "v", "PX", "1"},
      };
      for (String[] cmd : workload) c.call(cmd);
      assertEquals("\"2\"", b.read().toString());
      Thread.sleep(30);
      c.call("GET", "short"); // expires it lazily: a DEL in the stream
    }
    Datasets.Dump ours = Datasets.dump(c, 16);
    List<Op> ops;
    synchronized (stream) {
      ops = new ArrayList<>(stream);
    }
    try (RealRedis real = RealRedis.start(); RespClient r = real.client()) {
      int db = 0;
      for (Op op : ops) {
        if (op.db() != db) {
          r.call("SELECT", Integer.toString(op.db()));
          db = op.db();
        }
        Reply reply = r.call(op.argv());
        assertTrue(!(reply instanceof Reply.Error), op.text() + " -> " + reply);
      }
      Datasets.assertSame(ours, Datasets.dump(r, 16), 2000);
    }
    assertTrue(ours.values().size() > 10, ours.toString());
  }
}
