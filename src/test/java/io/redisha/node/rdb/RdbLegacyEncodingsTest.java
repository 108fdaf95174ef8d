package io.redisha.node.rdb;

import static io.redisha.node.rdb.RedisData.b;
import static io.redisha.node.rdb.RedisData.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Reply;
import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files as older Redis versions wrote them (ziplists, intsets, zipmaps, text scores,
 * expiries in seconds), crafted byte by byte, read by our reader and by real
 * redis-server 7.0, which still loads them (converting as it goes).
 */
class RdbLegacyEncodingsTest {

  @TempDir
  Path tmp;

  /** Entries of every ziplist encoding: immediate 0..12, int8/16/24/32/64, 6/14/32-bit strings. */
  static List<byte[]> ziplistEntries() {
    List<byte[]> l = new ArrayList<>();
    for (long v : new long[] {0, 5, 12, 13, -1, 127, -128, 128, -129, 32767, -32768, 32768, 8388607, -8388608,
        8388608, 2147483647, -2147483648L, 2147483648L, Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
      l.add(b(Long.toString(v)));
    }
    l.addAll(bs("", "a", "-0", "007", "x".repeat(63), "y".repeat(64), "z".repeat(253)));
    l.add(b("after a 253-byte entry")); // the 253-byte entry takes 256 bytes: a 5-byte previous-length
    l.add(b("w".repeat(300)));
    l.add(b("after a 300-byte entry"));
    l.add(b("v".repeat(16384))); // 32-bit string length
    l.add(b("bin\0\u00ff"));
    return l;
  }

  /** The expected entries and the file that holds them, in a version-9 (Redis 6.2) file. */
  record Legacy(List<RdbEntry> entries, byte[] file) {}

  static Legacy legacyFile(long now) {
    List<RdbEntry> want = new ArrayList<>();
    RawRdb f = new RawRdb(9);
    f.aux("redis-ver", "6.2.14").u8(Rdb.OPCODE_AUX).string("redis-bits").intString(8, 64);
    f.u8(Rdb.OPCODE_SELECTDB).length(0).u8(Rdb.OPCODE_RESIZEDB).length(20).length(2);

    // Strings in every encoding.
    f.key(Rdb.TYPE_STRING, "s:int8").intString(8, -100);
    want.add(new RdbEntry(0, b("s:int8"), -1, new RdbValue.Str(b("-100"))));
    f.key(Rdb.TYPE_STRING, "s:int16").intString(16, 30000);
    want.add(new RdbEntry(0, b("s:int16"), -1, new RdbValue.Str(b("30000"))));
    f.key(Rdb.TYPE_STRING, "s:int32").intString(32, -2000000000);
    want.add(new RdbEntry(0, b("s:int32"), -1, new RdbValue.Str(b("-2000000000"))));
    byte[] text = b("compressible text, ".repeat(50));
    f.key(Rdb.TYPE_STRING, "s:lzf").lzfString(text);
    want.add(new RdbEntry(0, b("s:lzf"), -1, new RdbValue.Str(text)));

    // Expiry in seconds (before Redis 2.6), and with LRU/LFU opcodes in front of a key.
    long sec = now / 1000 + 3600;
    f.u8(Rdb.OPCODE_EXPIRETIME).le(sec, 4).key(Rdb.TYPE_STRING, "s:expire-seconds").string("v");
    want.add(new RdbEntry(0, b("s:expire-seconds"), sec * 1000, new RdbValue.Str(b("v"))));
    f.u8(Rdb.OPCODE_EXPIRETIME_MS).le(now + 7_200_000, 8).u8(Rdb.OPCODE_IDLE).length(1000)
        .key(Rdb.TYPE_STRING, "s:expire-ms").string("w");
    want.add(new RdbEntry(0, b("s:expire-ms"), now + 7_200_000, new RdbValue.Str(b("w"))));
    f.u8(Rdb.OPCODE_FREQ).u8(5).key(Rdb.TYPE_STRING, "s:freq").string("x");
    want.add(new RdbEntry(0, b("s:freq"), -1, new RdbValue.Str(b("x"))));

    // Lists: quicklist of ziplists (one of them LZF-compressed), ziplist, plain.
    List<byte[]> zle = ziplistEntries();
    List<byte[]> second = bs("second", "node", "1000");
    f.key(Rdb.TYPE_LIST_QUICKLIST, "l:quicklist").length(3)
        .string(RawRdb.ziplist(zle)).lzfString(RawRdb.ziplist(repeat(second, 20))).string(RawRdb.ziplist(bs("z")));
    List<byte[]> all = new ArrayList<>(zle);
    all.addAll(repeat(second, 20));
    all.add(b("z"));
    want.add(new RdbEntry(0, b("l:quicklist"), -1, new RdbValue.ListOf(all)));
    f.key(Rdb.TYPE_LIST_ZIPLIST, "l:ziplist").string(RawRdb.ziplist(bs("a", "1", "-70000")));
    want.add(new RdbEntry(0, b("l:ziplist"), -1, new RdbValue.ListOf(bs("a", "1", "-70000"))));
    f.key(Rdb.TYPE_LIST, "l:plain").length(3).string("p").intString(8, 7).string("");
    want.add(new RdbEntry(0, b("l:plain"), -1, new RdbValue.ListOf(bs("p", "7", ""))));

    // Sets: intsets of each width, plain.
    f.key(Rdb.TYPE_SET_INTSET, "set:i16").string(RawRdb.intset(2, 3, -1, 32767, -32768));
    want.add(new RdbEntry(0, b("set:i16"), -1, new RdbValue.SetOf(bs("-32768", "-1", "3", "32767"))));
    f.key(Rdb.TYPE_SET_INTSET, "set:i32").string(RawRdb.intset(4, 1, 100000, -2147483648L));
    want.add(new RdbEntry(0, b("set:i32"), -1, new RdbValue.SetOf(bs("-2147483648", "1", "100000"))));
    f.key(Rdb.TYPE_SET_INTSET, "set:i64").string(RawRdb.intset(8, Long.MIN_VALUE, 0, Long.MAX_VALUE));
    want.add(new RdbEntry(0, b("set:i64"), -1,
        new RdbValue.SetOf(bs(Long.toString(Long.MIN_VALUE), "0", Long.toString(Long.MAX_VALUE)))));
    f.key(Rdb.TYPE_SET, "set:plain").length(2).string("m").intString(16, 1000);
    want.add(new RdbEntry(0, b("set:plain"), -1, new RdbValue.SetOf(bs("m", "1000"))));

    // Sorted sets: ziplist (scores as strings and integers), text scores, binary scores.
    List<byte[]> zz = bs("a", "1.5", "b", "-3", "c", "inf", "d", "-inf", "e", "100000000000", "f", "0.1");
    f.key(Rdb.TYPE_ZSET_ZIPLIST, "z:ziplist").string(RawRdb.ziplist(zz));
    want.add(new RdbEntry(0, b("z:ziplist"), -1, new RdbValue.ZSetOf(bs("a", "b", "c", "d", "e", "f"),
        new double[] {1.5, -3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e11, 0.1})));
    f.key(Rdb.TYPE_ZSET, "z:text").length(4).string("a").u8(3).bytes(b("2.5")).string("b").u8(254)
        .string("c").u8(255).string("d").u8(19).bytes(b("0.10000000000000001"));
    want.add(new RdbEntry(0, b("z:text"), -1, new RdbValue.ZSetOf(bs("a", "b", "c", "d"),
        new double[] {2.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1})));
    f.key(Rdb.TYPE_ZSET_2, "z:binary").length(2).string("x").le(Double.doubleToLongBits(-7.25), 8)
        .string("y").le(Double.doubleToLongBits(1e-300), 8);
    want.add(new RdbEntry(0, b("z:binary"), -1, new RdbValue.ZSetOf(bs("x", "y"), new double[] {-7.25, 1e-300})));

    // Hashes: ziplist, zipmap (with a long value and free bytes), plain.
    f.key(Rdb.TYPE_HASH_ZIPLIST, "h:ziplist").string(RawRdb.ziplist(bs("f", "v", "n", "-12", "e", "")));
    want.add(new RdbEntry(0, b("h:ziplist"), -1, new RdbValue.HashOf(bs("f", "n", "e"), bs("v", "-12", ""))));
    List<byte[]> zmf = bs("a", "long", "x".repeat(260)), zmv = bs("1", "y".repeat(300), "");
    f.key(Rdb.TYPE_HASH_ZIPMAP, "h:zipmap").string(RawRdb.zipmap(zmf, zmv, 2));
    want.add(new RdbEntry(0, b("h:zipmap"), -1, new RdbValue.HashOf(zmf, zmv)));
    f.key(Rdb.TYPE_HASH, "h:plain").length(1).string("k").intString(32, 123456789);
    want.add(new RdbEntry(0, b("h:plain"), -1, new RdbValue.HashOf(bs("k"), bs("123456789"))));

    // Another db.
    f.u8(Rdb.OPCODE_SELECTDB).length(7).key(Rdb.TYPE_STRING, "db7").string("seven");
    want.add(new RdbEntry(7, b("db7"), -1, new RdbValue.Str(b("seven"))));
    return new Legacy(want, f.finish(true));
  }

  private static List<byte[]> repeat(List<byte[]> l, int times) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < times; i++) out.addAll(l);
    return out;
  }

  @Test
  void readerParsesLegacyEncodings() throws Exception {
    Legacy legacy = legacyFile(System.currentTimeMillis());
    List<RdbEntry> got = RdbCodecTest.read(legacy.file());
    RedisData.assertSameData(legacy.entries(), got, 0);
    // Order matters within lists and ziplist-encoded collections: compare exactly too.
    assertEquals(legacy.entries(), got);
  }

  @Test
  void redis70LoadsTheSameLegacyFile() throws Exception {
    Legacy legacy = legacyFile(System.currentTimeMillis());
    Files.write(tmp.resolve("legacy.rdb"), legacy.file());
    try (RealRedis r = RdbRealRedisTest.startOn(tmp, "legacy.rdb", "--sanitize-dump-payload", "yes");
         RespClient c = r.client()) {
      RedisData.assertSameData(legacy.entries(), RedisData.fetchAll(c, legacy.entries()), 1000);
      c.call("SELECT", "0");
      // Converted on load: compact where the sizes allow it.
      assertEquals("hashtable", Reply.str(c.call("OBJECT", "ENCODING", "h:zipmap"))); // a 300-byte value
      assertEquals("listpack", Reply.str(c.call("OBJECT", "ENCODING", "h:ziplist")));
      assertEquals("listpack", Reply.str(c.call("OBJECT", "ENCODING", "z:ziplist")));
      assertEquals("quicklist", Reply.str(c.call("OBJECT", "ENCODING", "l:quicklist")));
      assertEquals("intset", Reply.str(c.call("OBJECT", "ENCODING", "set:i64")));
    }
  }

  @Test
  void versionOneToFourFilesHaveNoChecksum() throws Exception {
    RawRdb f = new RawRdb(4);
    f.u8(Rdb.OPCODE_SELECTDB).length(0).key(Rdb.TYPE_STRING, "k").string("v");
    byte[] file = f.finishWithoutChecksum();
    assertEquals(List.of(new RdbEntry(0, b("k"), -1, new RdbValue.Str(b("v")))), RdbCodecTest.read(file));
  }

  @Test
  void zeroChecksumMeansNone() throws Exception {
    RawRdb f = new RawRdb(10);
    f.key(Rdb.TYPE_STRING, "k").string("v");
    assertEquals(1, RdbCodecTest.read(f.finish(false)).size());
  }

  @Test
  void redis72SetListpackIsRead() throws Exception {
    RawRdb f = new RawRdb(10);
    f.key(Rdb.TYPE_SET_LISTPACK, "s").string(RawRdb.listpack(bs("a", "1", "-5000", "")));
    assertEquals(List.of(new RdbEntry(0, b("s"), -1, new RdbValue.SetOf(bs("a", "1", "-5000", "")))),
        RdbCodecTest.read(f.finish(true)));
  }

  @Test
  void functionLibrariesAndModuleAuxDataReachTheVisitor() throws Exception {
    String code = "#!lua name=mylib\nredis.register_function('f', function() return 1 end)";
    RawRdb f = new RawRdb(10);
    f.u8(Rdb.OPCODE_FUNCTION2).string(code);
    // A module aux record: id of module "mymodule1" version 3, 'when' as a UINT, then typed data.
    long id = moduleId("mymodule1", 3);
    f.u8(Rdb.OPCODE_MODULE_AUX).length(id).length(Rdb.MODULE_OPCODE_UINT).length(2)
        .length(Rdb.MODULE_OPCODE_SINT).length(7)
        .length(Rdb.MODULE_OPCODE_STRING).string("module data")
        .length(Rdb.MODULE_OPCODE_DOUBLE).le(Double.doubleToLongBits(1.5), 8)
        .length(Rdb.MODULE_OPCODE_FLOAT).le(Float.floatToIntBits(2.5f), 4)
        .length(Rdb.MODULE_OPCODE_EOF);
    f.key(Rdb.TYPE_STRING, "k").string("v");
    List<String> seen = new ArrayList<>();
    RdbReader.read(new ByteArrayInputStream(f.finish(true)), "f.rdb", new RdbVisitor() {
      @Override public void function(byte[] c) { seen.add("function " + new String(c, StandardCharsets.UTF_8)); }
      @Override public void moduleAux(String name) { seen.add("module " + name); }
      @Override public void entry(RdbEntry e) { seen.add("key " + new String(e.key(), StandardCharsets.UTF_8)); }
    });
    assertEquals(List.of("function " + code, "module 'mymodule1' (version 3)", "key k"), seen);
  }

  @Test
  void redis70LoadsAFunctionLibraryOurWriterWrote() throws Exception {
    String code = "#!lua name=mylib\nredis.register_function('f', function() return 1 end)";
    Path file = tmp.resolve("fn.rdb");
    try (var out = Files.newOutputStream(file); RdbWriter w = new RdbWriter(out)) {
      w.header(RdbAux.now(0));
      w.functionLibrary(code.getBytes(StandardCharsets.UTF_8));
      w.selectDb(0, 1, 0);
      w.entry(b("k"), -1, new RdbValue.Str(b("v")));
      w.finish();
    }
    try (RealRedis r = RdbRealRedisTest.startOn(tmp, "fn.rdb"); RespClient c = r.client()) {
      assertEquals(new Reply.Int(1), c.call("FCALL", "f", "0"));
      assertEquals("v", Reply.str(c.call("GET", "k")));
      // And what Redis saves with a library loaded reads back to the same code.
      assertEquals("+OK", c.call("SAVE").toString());
      List<String> libs = new ArrayList<>();
      RdbReader.read(file, new RdbVisitor() {
        @Override public void function(byte[] lib) { libs.add(new String(lib, StandardCharsets.UTF_8)); }
        @Override public void entry(RdbEntry e) {}
      });
      assertEquals(List.of(code), libs);
    }
  }

  static long moduleId(String name, int version) {
    String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    long id = 0;
    for (char ch : name.toCharArray()) id = (id << 6) | charset.indexOf(ch);
    assertTrue(name.length() == 9);
    return (id << 10) | version;
  }
}
