package io.redisha.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Reply;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real redis-cli against our node. Most tests are differential at the tool
 * level: the same invocation against our node and against a real redis-server must
 * print the same stdout and stderr and exit the same way, which covers the reply
 * types and, through redis-cli's formatting, their exact shapes.
 *
 * <p>Each test gets a fresh pair of servers so that one test's keys cannot change
 * another's output.
 */
class RedisCliTest {

  static final String PW = "s3cret-pw";

  ServerPair d;

  @BeforeEach
  void start() throws Exception {
    d = new ServerPair();
  }

  @AfterEach
  void stop() throws Exception {
    if (d != null) d.close();
  }

  // ------------------------------------------------------------------ fixtures

  static Tool.Result cli(int port, String stdin, String... args) {
    return Tool.run(60, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8),
        Tool.cmd("redis-cli", port, args));
  }

  /** Runs the same redis-cli invocation against both servers; stdout, stderr and exit code must agree. */
  static Tool.Result sameOutput(ServerPair d, String stdin, String... args) {
    Tool.Result theirs = cli(d.theirs(), stdin, args);
    Tool.Result ours = cli(d.ours(), stdin, args);
    String what = "redis-cli " + String.join(" ", args) + (stdin == null ? "" : " with stdin:\n" + stdin);
    assertEquals(theirs.out(), ours.out(), () -> "stdout of " + what + "\n(expected = redis-server, actual = ours)");
    assertEquals(theirs.err(), ours.err(), () -> "stderr of " + what);
    assertEquals(theirs.exit(), ours.exit(), () -> "exit code of " + what);
    return ours;
  }

  /** A script of inline commands, one per line, as a user would pipe into redis-cli. */
  static String script(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  /** Both formatted (what a terminal shows) and raw (what scripts parse) output must agree. */
  void sameFormatting(String... lines) throws Exception {
    sameOutput(d, script(lines), "--no-raw");
    d.close();
    d = new ServerPair();
    sameOutput(d, script(lines));
  }

  void sameFormattingResp3(String... lines) {
    sameOutput(d, script(lines), "-3", "--no-raw");
  }

  // ------------------------------------------------------------------ options

  @Test
  void dashAAuthenticatesAgainstRequirepass() throws Exception {
    d.close();
    d = new ServerPair("--requirepass", PW);
    Tool.Result r = sameOutput(d, null, "-a", PW, "SET", "k", "v");
    assertEquals("OK\n", r.out());
    assertTrue(r.err().contains("Warning: Using a password"), r::toString);
    try (var c = d.oursClient()) {
      c.call("AUTH", PW);
      assertEquals("\"v\"", c.call("GET", "k").toString());
    }
  }

  @Test
  void withoutOrWithWrongPasswordTheErrorsMatch() throws Exception {
    d.close();
    d = new ServerPair("--requirepass", PW);
    sameOutput(d, null, "GET", "k");
    sameOutput(d, null, "--no-auth-warning", "-a", "wrong", "GET", "k");
    sameOutput(d, null, "--no-auth-warning", "--user", "default", "--pass", "wrong", "PING");
    sameOutput(d, null, "--no-auth-warning", "--user", "default", "--pass", PW, "PING");
  }

  @Test
  void noAuthWarningSilencesTheWarning() throws Exception {
    d.close();
    d = new ServerPair("--requirepass", PW);
    Tool.Result r = sameOutput(d, null, "--no-auth-warning", "-a", PW, "PING");
    assertEquals("PONG\n", r.out());
    assertEquals("", r.err());
    assertEquals(0, r.exit());
  }

  @Test
  void uriCarriesPasswordAndDatabase() throws Exception {
    d.close();
    d = new ServerPair("--requirepass", PW);
    List<String> outputs = new ArrayList<>();
    for (int port : new int[] {d.theirs(), d.ours()}) {
      String uri = "redis://default:" + PW + "@127.0.0.1:" + port + "/5";
      Tool.Result set = Tool.run(60, null, "redis-cli", "--no-auth-warning", "-u", uri, "SET", "k", "in-db-5");
      Tool.Result dbsize = Tool.run(60, script("DBSIZE", "SELECT 0", "DBSIZE").getBytes(StandardCharsets.UTF_8),
          "redis-cli", "--no-auth-warning", "-u", uri);
      outputs.add(set + "\n" + dbsize);
    }
    assertEquals(outputs.get(0).replace(Integer.toString(d.theirs()), "<port>"),
        outputs.get(1).replace(Integer.toString(d.ours()), "<port>"));
    assertTrue(outputs.get(1).contains("exited 0\n--- stdout\n1\nOK\n0\n"), outputs.get(1));
  }

  @Test
  void dashNSelectsTheDatabase() throws Exception {
    Tool.Result r = cli(d.ours(), null, "-n", "3", "SET", "k", "in-db-3");
    assertEquals("OK\n", r.out(), r::toString);
    try (var c = d.oursClient()) {
      assertEquals("(nil$)", c.call("GET", "k").toString());
      c.call("SELECT", "3");
      assertEquals("\"in-db-3\"", c.call("GET", "k").toString());
    }
    assertEquals("in-db-3\n", cli(d.ours(), null, "-n", "3", "GET", "k").out());
    assertEquals("\n", cli(d.ours(), null, "-n", "0", "GET", "k").out());
    assertEquals("1\n", cli(d.ours(), null, "-n", "3", "DBSIZE").out());
  }

  @Test
  void dashNOutOfRangeMatches() {
    sameOutput(d, null, "-n", "99", "PING");
    sameOutput(d, script("PING"), "-n", "16");
  }

  @Test
  void inlineCommandsOnStdin() throws Exception {
    Tool.Result r = sameOutput(d, script("SET a 1", "GET a", "SET b \"two words\"", "GET b", "ECHO 'single q'",
        "PING", "PING hello", "GET nokey", "DBSIZE"));
    assertEquals("OK\n1\nOK\ntwo words\nsingle q\nPONG\nhello\n\n2\n", r.out());
  }

  @Test
  void pipeMassInsertionOf100kSets(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("sets.resp");
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (int i = 0; i < 100_000; i++) {
        o.write(io.redisha.testing.RespClient.encode("SET", "key:" + i, "value:" + i));
      }
    }
    Tool.Result r = Tool.run(120, null, file, Tool.cmd("redis-cli", d.ours(), "--pipe"));
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("errors: 0, replies: 100000"), r::toString);
    try (var c = d.oursClient()) {
      assertEquals(new Reply.Int(100_000), c.call("DBSIZE"));
      assertEquals("\"value:99999\"", c.call("GET", "key:99999").toString());
    }
  }

  @Test
  void pipeReportsErrorsLikeRedis(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("mixed.resp");
    List<byte[]> cmds = new ArrayList<>();
    cmds.add(io.redisha.testing.RespClient.encode("SET", "a", "1"));
    cmds.add(io.redisha.testing.RespClient.encode("GET"));
    cmds.add(io.redisha.testing.RespClient.encode("NOSUCHCOMMAND", "x"));
    cmds.add(io.redisha.testing.RespClient.encode("GET", "a"));
    try (OutputStream o = Files.newOutputStream(file)) {
      for (byte[] c : cmds) o.write(c);
    }
    Tool.Result ours = Tool.run(60, null, file, Tool.cmd("redis-cli", d.ours(), "--pipe"));
    Tool.Result theirs = Tool.run(60, null, file, Tool.cmd("redis-cli", d.theirs(), "--pipe"));
    assertTrue(ours.out().contains("errors: 2, replies: 4"), ours::toString);
    assertEquals(theirs.out(), ours.out());
    assertEquals(theirs.exit(), ours.exit());
  }

  // ------------------------------------------------------------------ formatting, commands that exist now

  @Test
  void formatsStatusBulkNilIntegerAndErrors() throws Exception {
    sameFormatting("SET k v", "GET k", "GET nokey", "DBSIZE", "PING", "ECHO \"hi there\"", "GET", "NOSUCHCMD a b",
        "SELECT 99", "SELECT x");
  }

  @Test
  void formatsTransactions() throws Exception {
    sameFormatting("MULTI", "SET a 1", "GET a", "GET nokey", "EXEC", "EXEC", "DISCARD", "MULTI", "NOSUCH", "EXEC");
  }

  @Test
  void formatsPubSubIntrospection() throws Exception {
    sameFormatting("PUBSUB NUMSUB a b", "PUBSUB CHANNELS", "PUBSUB NUMPAT", "PUBLISH ch hello", "PUBSUB NOSUCH");
  }

  @Test
  void formatsBinaryValuesWithEscapes() throws Exception {
    sameFormatting("SET bin \"\\x00\\xff\\r\\n\\t\"", "GET bin", "SET utf8 \"h\\xc3\\xa9\"", "GET utf8");
  }

  @Test
  void formatsUnderResp3() {
    sameFormattingResp3("SET k v", "GET k", "GET nokey", "DBSIZE", "PUBSUB NUMSUB a b", "PUBSUB CHANNELS",
        "MULTI", "SET a 1", "GET a", "EXEC", "GET");
  }

  // ------------------------------------------------------------------ formatting, the full command set

  @Test
  void formatsStringCommands() throws Exception {
    sameFormatting("INCR n", "INCRBY n 10", "DECR n", "INCRBYFLOAT f 1.5", "INCRBYFLOAT f 1e2", "APPEND s abc",
        "STRLEN s", "GETRANGE s 0 1", "MSET a 1 b 2", "MGET a b nokey", "SETNX a x", "GETSET a z", "SET k v NX",
        "SET k v XX GET", "GETDEL k", "INCR s", "INCRBY n x", "SETRANGE s 1 ZZ", "GET s");
  }

  @Test
  void formatsKeyCommands() throws Exception {
    sameFormatting("SET k v", "EXISTS k nokey k", "TYPE k", "TYPE nokey", "EXPIRE k 100", "TTL k", "PERSIST k",
        "TTL k", "TTL nokey", "RENAME k k2", "RENAME nokey x", "KEYS *", "RANDOMKEY", "DEL k2 nokey", "DBSIZE");
  }

  @Test
  void formatsListCommands() throws Exception {
    sameFormatting("RPUSH l a b c", "LPUSH l z", "LRANGE l 0 -1", "LRANGE nokey 0 -1", "LLEN l", "LINDEX l 1",
        "LPOP l", "RPOP l 2", "LINSERT l BEFORE a x", "LPOS l a", "LSET l 0 y", "LRANGE l 0 -1", "SET s v",
        "LPUSH s x", "LPOP nokey");
  }

  @Test
  void formatsHashCommands() throws Exception {
    sameFormatting("HSET h f1 v1 f2 v2", "HGETALL h", "HGET h f1", "HMGET h f1 nof f2", "HINCRBY h n 5",
        "HINCRBYFLOAT h x 2.5", "HKEYS h", "HVALS h", "HLEN h", "HEXISTS h f1", "HDEL h f1 nof", "HGETALL nokey",
        "HINCRBY h f2 1");
  }

  @Test
  void formatsHashesUnderResp3() {
    sameFormattingResp3("HSET h f1 v1 f2 v2", "HGETALL h", "HGETALL nokey", "HMGET h f1 nof", "HINCRBYFLOAT h n 1.5");
  }

  @Test
  void formatsSetCommands() throws Exception {
    sameFormatting("SADD s 3 1 2", "SMEMBERS s", "SISMEMBER s 1", "SMISMEMBER s 1 9", "SCARD s", "SADD t 2 3 4",
        "SINTER s t", "SUNION s t", "SDIFF s t", "SREM s 1 9", "SMEMBERS nokey");
  }

  @Test
  void formatsSetsUnderResp3() {
    sameFormattingResp3("SADD s 3 1 2", "SMEMBERS s", "SISMEMBER s 1", "SMEMBERS nokey");
  }

  @Test
  void formatsSortedSetCommands() throws Exception {
    sameFormatting("ZADD z 1 a 2 b 3.5 c", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z c", "ZSCORE z nokey",
        "ZINCRBY z 0.25 a", "ZRANK z b", "ZREVRANGE z 0 0", "ZCOUNT z -inf +inf", "ZRANGEBYSCORE z (1 3.5",
        "ZPOPMIN z", "ZCARD z", "ZADD z nan x", "ZMSCORE z b nokey");
  }

  @Test
  void formatsSortedSetsUnderResp3() {
    sameFormattingResp3("ZADD z 1 a 2 b 3.5 c", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z c", "ZINCRBY z 0.1 a",
        "ZPOPMIN z", "ZMSCORE z b nokey", "ZRANGE z 0 -1 WITHSCORES");
  }

  @Test
  void formatsConfigGetUnderResp2AndResp3() throws Exception {
    sameFormatting("CONFIG GET maxmemory", "CONFIG GET databases", "CONFIG GET nosuchparam");
    sameFormattingResp3("CONFIG GET maxmemory", "CONFIG GET databases");
  }
}
