package io.redisha.node.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Reply;
import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our reader on dumps real redis-server 7.0 saved, and real redis-server 7.0 on dumps we wrote. */
class RdbRealRedisTest {

  @TempDir
  Path tmp;

  /** Encodings the data set must reach in a live server, so the dump holds every RDB type. */
  static final Map<String, String> ENCODINGS = new LinkedHashMap<>();

  static {
    ENCODINGS.put("str:int:12", "int");
    ENCODINGS.put("str:hello", "embstr");
    ENCODINGS.put("str:512k:text", "raw");
    ENCODINGS.put("list:mixed", "quicklist");
    ENCODINGS.put("list:large", "quicklist");
    ENCODINGS.put("hash:small", "listpack");
    ENCODINGS.put("hash:512", "listpack");
    ENCODINGS.put("hash:513", "hashtable");
    ENCODINGS.put("hash:value64", "listpack");
    ENCODINGS.put("hash:value65", "hashtable");
    ENCODINGS.put("set:int16", "intset");
    ENCODINGS.put("set:int64", "intset");
    ENCODINGS.put("set:512", "intset");
    ENCODINGS.put("set:513", "hashtable");
    ENCODINGS.put("set:strings", "hashtable");
    ENCODINGS.put("zset:small", "listpack");
    ENCODINGS.put("zset:128", "listpack");
    ENCODINGS.put("zset:129", "skiplist");
    ENCODINGS.put("zset:member65", "skiplist");
  }

  static final class Seen implements RdbReader.Observer {
    final TreeSet<String> types = new TreeSet<>();
    int plainNodes;
    int lzfStrings;

    @Override public void valueType(int rdbType) { types.add(Rdb.typeName(rdbType)); }
    @Override public void plainNode() { plainNodes++; }
    @Override public void lzfString() { lzfStrings++; }
  }

  static void assertEncodings(RespClient c) throws IOException {
    c.call("SELECT", "0");
    Map<String, String> got = new LinkedHashMap<>();
    for (String k : ENCODINGS.keySet()) got.put(k, Reply.str(c.call("OBJECT", "ENCODING", k)));
    assertEquals(ENCODINGS, got);
  }

  @Test
  void readerParsesEveryKeyRedisSaved() throws Exception {
    List<RdbEntry> data = RedisData.generate(System.currentTimeMillis());
    // Compressed inner quicklist nodes and plain nodes for elements of 1000 bytes and more,
    // so the dump also holds LZF-compressed listpacks and PLAIN quicklist nodes.
    try (RealRedis r = RealRedis.start("redis-server", new String[] {"--enable-debug-command", "yes", "--list-compress-depth", "1"});
         RespClient c = r.client()) {
      assertEquals("+OK", c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000").toString());
      RedisData.load(c, data);
      assertEncodings(c);
      assertEquals("+OK", c.call("SAVE").toString());
      Path dump = r.dir.resolve("dump.rdb");

      Map<String, byte[]> aux = new TreeMap<>();
      List<RdbEntry> parsed = new ArrayList<>();
      List<Integer> dbs = new ArrayList<>();
      long[] checksum = {0};
      Seen seen = new Seen();
      try (InputStream in = Files.newInputStream(dump)) {
        RdbReader.read(in, dump.toString(), new RdbVisitor() {
          @Override public void aux(String name, byte[] value) { aux.put(name, value); }
          @Override public void selectDb(int db) { dbs.add(db); }
          @Override public void entry(RdbEntry entry) { parsed.add(entry); }
          @Override public void end(long sum) { checksum[0] = sum; }
        }, seen);
      }
      assertEquals(new TreeSet<>(List.of("STRING", "LIST_QUICKLIST_2", "SET", "SET_INTSET", "ZSET_2", "ZSET_LISTPACK",
          "HASH", "HASH_LISTPACK")), seen.types);
      assertTrue(seen.plainNodes > 0, "no plain quicklist node");
      assertTrue(seen.lzfStrings > 0, "no LZF string");
      RdbAux header = RdbAux.of(aux);
      assertEquals("7.0.15", header.redisVer());
      assertEquals(64, header.redisBits());
      assertTrue(Math.abs(header.ctimeSec() - System.currentTimeMillis() / 1000) < 60, header.toString());
      assertTrue(header.usedMem() > 0 && !header.aofBase(), header.toString());
      assertTrue(aux.keySet().containsAll(List.of("redis-ver", "redis-bits", "ctime", "used-mem", "aof-base")),
          aux.keySet().toString());
      assertEquals(List.of(0, 1, 5, 15), dbs);
      assertTrue(checksum[0] != 0, "redis writes a checksum");

      // Exactly what we put in (PEXPIREAT makes expiries exact), and exactly what the server says.
      RedisData.assertSameData(data, parsed, 0);
      RedisData.assertSameData(parsed, RedisData.fetchAll(c, parsed), 1000);
    }
  }

  @Test
  void redisLoadsWhatTheWriterWrote() throws Exception {
    List<RdbEntry> data = RedisData.generate(System.currentTimeMillis());
    writeDump(tmp.resolve("ours.rdb"), data);
    // Deep sanitization makes Redis check every listpack entry, back-lengths included.
    try (RealRedis r = startOn(tmp, "ours.rdb", "--sanitize-dump-payload", "yes"); RespClient c = r.client()) {
      RedisData.assertSameData(data, RedisData.fetchAll(c, data), 1000);
      // Redis converts our plain encodings into its compact ones as it loads.
      assertEncodings(c);
    }
  }

  @Test
  void redisSavesTheSameDataAfterLoadingOurs() throws Exception {
    // Ours -> redis -> SAVE -> our reader: the round trip through Redis changes nothing.
    List<RdbEntry> data = RedisData.generate(System.currentTimeMillis());
    writeDump(tmp.resolve("ours.rdb"), data);
    try (RealRedis r = startOn(tmp, "ours.rdb"); RespClient c = r.client()) {
      assertEquals("+OK", c.call("SAVE").toString());
      RedisData.assertSameData(data, RdbReader.readAll(tmp.resolve("ours.rdb")), 0);
    }
  }

  @Test
  void hugeListElementsGoToPlainNodesThatRedisLoads() throws Exception {
    List<byte[]> elements = new ArrayList<>();
    for (int i = 0; i < 12; i++) elements.add(RedisData.b(i % 3 == 0 ? ("plain" + i).repeat(300) : "packed" + i));
    List<RdbEntry> data = List.of(new RdbEntry(0, RedisData.b("l"), -1, new RdbValue.ListOf(elements)));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (RdbWriter w = new RdbWriter(bytes, true, 1000)) {
      w.header(RdbAux.now(0));
      w.selectDb(0, 1, 0);
      w.entry(RedisData.b("l"), -1, new RdbValue.ListOf(elements));
      w.finish();
    }
    Seen seen = new Seen();
    List<RdbEntry> parsed = new ArrayList<>();
    RdbReader.read(new java.io.ByteArrayInputStream(bytes.toByteArray()), "t", parsed::add, seen);
    assertEquals(4, seen.plainNodes);
    assertEquals(data, parsed);
    Files.write(tmp.resolve("plain.rdb"), bytes.toByteArray());
    try (RealRedis r = startOn(tmp, "plain.rdb", "--sanitize-dump-payload", "yes"); RespClient c = r.client()) {
      RedisData.assertSameData(data, RedisData.fetchAll(c, data), 0);
      assertEquals(new Reply.Int(12), c.call("LLEN", "l"));
    }
  }

  /** Starts redis-server loading {@code dir/file}; its log goes there too, to survive a failed start. */
  static RealRedis startOn(Path dir, String file, String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--dbfilename", file,
        "--logfile", dir.resolve("redis-" + file + ".log").toString(), "--enable-debug-command", "yes"));
    args.addAll(List.of(extra));
    try {
      return RealRedis.start("redis-server", args.toArray(new String[0]));
    } catch (IllegalStateException e) {
      String log = Files.exists(dir.resolve("redis-" + file + ".log"))
          ? Files.readString(dir.resolve("redis-" + file + ".log")) : "(no log)";
      throw new AssertionError("redis-server did not load " + file + ":\n" + log, e);
    }
  }

  static void writeDump(Path file, List<RdbEntry> data) throws IOException {
    Map<Integer, List<RdbEntry>> byDb = new TreeMap<>();
    for (RdbEntry e : data) byDb.computeIfAbsent(e.db(), k -> new ArrayList<>()).add(e);
    try (OutputStream out = Files.newOutputStream(file); RdbWriter w = new RdbWriter(out)) {
      w.header(RdbAux.now(1 << 20));
      for (Map.Entry<Integer, List<RdbEntry>> db : byDb.entrySet()) {
        List<RdbEntry> keys = db.getValue();
        w.selectDb(db.getKey(), keys.size(), keys.stream().filter(e -> e.expireAtMs() >= 0).count());
        for (RdbEntry e : keys) w.entry(e.key(), e.expireAtMs(), e.value());
      }
      w.finish();
    }
  }
}
