package io.redisha.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real redis-benchmark against our node, as a correctness test (small -n): every
 * test it runs must finish, print its requests-per-second line, and draw no error
 * reply (redis-benchmark prints "Error from server: ..." and exits 1 on the first).
 */
class RedisBenchmarkTest {

  static final String ALL = "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset";

  /** The titles redis-benchmark 7.0 prints for each -t name. */
  static final Map<String, List<String>> TITLES = new LinkedHashMap<>();

  static {
    TITLES.put("set", List.of("SET"));
    TITLES.put("get", List.of("GET"));
    TITLES.put("incr", List.of("INCR"));
    TITLES.put("lpush", List.of("LPUSH"));
    TITLES.put("rpush", List.of("RPUSH"));
    TITLES.put("lpop", List.of("LPOP"));
    TITLES.put("rpop", List.of("RPOP"));
    TITLES.put("sadd", List.of("SADD"));
    TITLES.put("hset", List.of("HSET"));
    TITLES.put("spop", List.of("SPOP"));
    TITLES.put("zadd", List.of("ZADD"));
    TITLES.put("zpopmin", List.of("ZPOPMIN"));
    TITLES.put("lrange", List.of("LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)",
        "LRANGE_300 (first 300 elements)", "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)"));
    TITLES.put("mset", List.of("MSET (10 keys)"));
  }

  static final Pattern RESULT = Pattern.compile("^(.+): ([0-9]+(?:\\.[0-9]+)?) requests per second.*$");

  static ServerPair servers;

  @BeforeAll
  static void start() throws Exception {
    servers = new ServerPair();
  }

  @AfterAll
  static void stop() throws Exception {
    servers.close();
  }

  /** Titles with a requests-per-second figure; the progress lines redis-benchmark redraws with \r are skipped. */
  static Map<String, Double> results(String out) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (String line : out.split("[\r\n]+")) {
      Matcher m = RESULT.matcher(line.trim());
      if (m.matches()) r.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return r;
  }

  static List<String> errorLines(Tool.Result r) {
    List<String> errors = new ArrayList<>();
    for (String line : (r.out() + "\n" + r.err()).split("[\r\n]+")) {
      String l = line.trim();
      if (l.contains("Error") || l.startsWith("ERR") || l.contains("WRONGTYPE") || l.contains("NOAUTH")) errors.add(l);
    }
    return errors;
  }

  static void runsClean(String tests) {
    Tool.Result r = Tool.run(300, null, Tool.cmd("redis-benchmark", servers.ours(), "-t", tests, "-q", "-n", "2000",
        "-c", "10"));
    assertEquals(List.of(), errorLines(r), r::toString);
    assertEquals(0, r.exit(), r::toString);
    Map<String, Double> got = results(r.out());
    for (String t : tests.split(",")) {
      for (String title : TITLES.get(t)) {
        assertTrue(got.containsKey(title), () -> "no requests-per-second line for " + title + "\n" + r);
        assertTrue(got.get(title) > 0, () -> title + " reported 0 requests per second\n" + r);
      }
    }
  }

  // Each -t name on its own, so that a missing command fails only its own test.

  @Test
  void set() {
    runsClean("set");
  }

  @Test
  void get() {
    runsClean("get");
  }

  @Test
  void incr() {
    runsClean("incr");
  }

  @Test
  void lpush() {
    runsClean("lpush");
  }

  @Test
  void rpush() {
    runsClean("rpush");
  }

  @Test
  void lpop() {
    runsClean("lpop");
  }

  @Test
  void rpop() {
    runsClean("rpop");
  }

  @Test
  void sadd() {
    runsClean("sadd");
  }

  @Test
  void hset() {
    runsClean("hset");
  }

  @Test
  void spop() {
    runsClean("spop");
  }

  @Test
  void zadd() {
    runsClean("zadd");
  }

  @Test
  void zpopmin() {
    runsClean("zpopmin");
  }

  @Test
  void lrange() {
    runsClean("lrange");
  }

  @Test
  void mset() {
    runsClean("mset");
  }

  @Test
  void theWholeSetRunsWithoutErrors() {
    runsClean(ALL);
  }

  @Test
  void doesNotWarnAboutConfig() {
    // redis-benchmark reads "save" and "appendonly" with CONFIG GET at start and warns when it cannot.
    Tool.Result r = Tool.run(60, null, Tool.cmd("redis-benchmark", servers.ours(), "-t", "ping", "-q", "-n", "100"));
    assertTrue(!r.out().contains("WARNING") && !r.err().contains("WARNING"), r::toString);
  }
}
