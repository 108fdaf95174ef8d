package io.redisha.node.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pieces of the format on their own: checksum, LZF, listpacks, and write-then-read. */
class RdbCodecTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void crc64MatchesRedisCheckValue() {
    byte[] data = b("123456789");
    assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, data, 0, data.length));
  }

  @Test
  void crc64IsTheSameInOnePieceAndInPieces() {
    byte[] data = new byte[1000];
    new Random(1).nextBytes(data);
    long whole = Crc64.update(0, data, 0, data.length);
    long parts = 0;
    for (int off = 0; off < data.length; off += 7) parts = Crc64.update(parts, data, off, Math.min(7, data.length - off));
    assertEquals(whole, parts);
  }

  @Test
  void lzfRoundTripsLongInputs() {
    Lzf.Compressor c = new Lzf.Compressor();
    byte[] in = new byte[300_000];
    for (int i = 0; i < in.length; i++) in[i] = (byte) ("abcdefgh".charAt(i % 8) + (i / 5000) % 3);
    int n = c.compress(in, in.length);
    assertTrue(n > 0 && n < in.length / 10, "compressed to " + n);
    byte[] compressed = java.util.Arrays.copyOf(c.output(), n);
    byte[] out = new byte[in.length];
    assertTrue(Lzf.decompress(compressed, out));
    assertArrayEquals(in, out);
  }

  @Test
  void lzfGivesUpOnRandomData() {
    byte[] in = new byte[1000];
    new Random(2).nextBytes(in);
    assertEquals(-1, new Lzf.Compressor().compress(in, in.length));
  }

  @Test
  void corruptLzfIsReportedNotThrown() {
    byte[] out = new byte[100];
    assertTrue(!Lzf.decompress(new byte[] {(byte) 0xe0, 5, 1}, out));
    assertTrue(!Lzf.decompress(new byte[] {31, 1, 2}, out));
  }

  @Test
  void listpackBuilderOutputParsesBackAtEveryEncodingBoundary() throws Exception {
    List<byte[]> in = new ArrayList<>();
    for (long v : new long[] {0, 1, 127, 128, -1, -4096, -4097, 4095, 4096, 32767, 32768, -32768, -32769,
        8388607, 8388608, -8388608, -8388609, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE,
        Integer.MIN_VALUE - 1L, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE}) {
      in.add(b(Long.toString(v)));
    }
    for (String s : new String[] {"", "-0", "007", "+1", " 1", "1 ", "9223372036854775808", "abc", "1.5"}) in.add(b(s));
    for (int len : new int[] {63, 64, 4095, 4096, 16383, 16384, 70000}) in.add(new byte[len]);
    Packed.ListpackBuilder lp = new Packed.ListpackBuilder();
    int expectedBytes = 7;
    for (byte[] e : in) {
      lp.add(e);
      expectedBytes += Packed.ListpackBuilder.entrySize(e);
    }
    assertEquals(expectedBytes, lp.bytes());
    byte[] blob = java.util.Arrays.copyOf(lp.finish(), lp.bytes());
    List<byte[]> out = new ArrayList<>();
    Packed.listpack(blob, out);
    assertEquals(in.size(), out.size());
    for (int i = 0; i < in.size(); i++) assertArrayEquals(in.get(i), out.get(i), "entry " + i);
  }

  @Test
  void canonicalIntegersFollowRedisRules() {
    assertEquals(12, Packed.parseCanonicalLong(b("12")));
    assertEquals(-12, Packed.parseCanonicalLong(b("-12")));
    assertEquals(0, Packed.parseCanonicalLong(b("0")));
    assertEquals(Long.MAX_VALUE, Packed.parseCanonicalLong(b("9223372036854775807")));
    for (String s : new String[] {"", "-", "-0", "01", "+1", " 1", "1a", "9223372036854775808", "1.0"}) {
      assertEquals(Packed.NOT_INTEGER, Packed.parseCanonicalLong(b(s)), s);
    }
  }

  static List<RdbEntry> sample() {
    List<RdbEntry> l = new ArrayList<>();
    l.add(new RdbEntry(0, b("s"), -1, new RdbValue.Str(b("hello"))));
    l.add(new RdbEntry(0, b("i"), -1, new RdbValue.Str(b("-70000"))));
    l.add(new RdbEntry(0, b("big"), 1_900_000_000_000L, new RdbValue.Str(b("x".repeat(100_000)))));
    l.add(new RdbEntry(0, b("k\0\u00ff"), -1, new RdbValue.Str(new byte[0])));
    List<byte[]> list = new ArrayList<>();
    for (int i = 0; i < 5000; i++) list.add(b(i % 3 == 0 ? "e" + i : Integer.toString(i * 1000 - 20000)));
    list.add(new byte[20000]);
    l.add(new RdbEntry(0, b("list"), -1, new RdbValue.ListOf(list)));
    l.add(new RdbEntry(3, b("set"), -1, new RdbValue.SetOf(List.of(b("a"), b("1"), b("")))));
    l.add(new RdbEntry(3, b("hash"), 1_800_000_000_123L, new RdbValue.HashOf(List.of(b("f"), b("g")), List.of(b("1"), b("v")))));
    l.add(new RdbEntry(3, b("zset"), -1, new RdbValue.ZSetOf(List.of(b("a"), b("b"), b("c"), b("d")),
        new double[] {1.5, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -0.0})));
    return l;
  }

  static byte[] write(List<RdbEntry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (RdbWriter w = new RdbWriter(bytes)) {
      w.header(RdbAux.now(12345).withReplication(0, "0123456789abcdef0123456789abcdef01234567", 99));
      int db = -1;
      for (RdbEntry e : entries) {
        if (e.db() != db) {
          db = e.db();
          int d = db;
          w.selectDb(db, entries.stream().filter(x -> x.db() == d).count(),
              entries.stream().filter(x -> x.db() == d && x.expireAtMs() >= 0).count());
        }
        w.entry(e.key(), e.expireAtMs(), e.value());
      }
      w.finish();
    }
    return bytes.toByteArray();
  }

  static List<RdbEntry> read(byte[] file) throws IOException {
    List<RdbEntry> out = new ArrayList<>();
    RdbReader.read(new ByteArrayInputStream(file), "test.rdb", out::add);
    return out;
  }

  @Test
  void whatTheWriterWritesTheReaderReadsBack() throws IOException {
    List<RdbEntry> in = sample();
    byte[] file = write(in);
    assertEquals(in, read(file));
  }

  @Test
  void stringsOfSeveralMegabytesRoundTrip() throws IOException {
    byte[] random = new byte[3 * 1024 * 1024 + 17];
    new Random(3).nextBytes(random);
    byte[] text = b("several megabytes of text ".repeat(100_000));
    List<RdbEntry> in = List.of(new RdbEntry(0, b("random"), -1, new RdbValue.Str(random)),
        new RdbEntry(0, b("text"), -1, new RdbValue.Str(text)),
        new RdbEntry(0, b("list"), -1, new RdbValue.ListOf(List.of(random, b("x"), text))));
    assertEquals(in, read(write(in)));
  }

  @Test
  void writerCompressesLongStringsAndEncodesIntegers() throws IOException {
    byte[] file = write(sample());
    assertTrue(file.length < 60_000, "file is " + file.length + " bytes");
    // "-70000" as a 32-bit integer: 0xc2 then 4 bytes little-endian.
    byte[] needle = {(byte) 0xc2, (byte) 0x90, (byte) 0xee, (byte) 0xfe, (byte) 0xff};
    assertTrue(indexOf(file, needle) > 0);
  }

  @Test
  void auxFieldsAreThoseOfRedis70() throws IOException {
    RdbAux aux = new RdbAux("7.0.15", 64, 1_700_000_000L, 5_000_000_000L, 3, "0123456789abcdef0123456789abcdef01234567",
        99, true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (RdbWriter w = new RdbWriter(bytes)) {
      w.header(aux);
      w.finish();
    }
    java.util.Map<String, byte[]> fields = new java.util.LinkedHashMap<>();
    RdbReader.read(new ByteArrayInputStream(bytes.toByteArray()), "t", new RdbVisitor() {
      @Override public void aux(String name, byte[] value) { fields.put(name, value); }
      @Override public void entry(RdbEntry entry) {}
    });
    assertEquals(List.of("redis-ver", "redis-bits", "ctime", "used-mem", "repl-stream-db", "repl-id", "repl-offset", "aof-base"),
        List.copyOf(fields.keySet()));
    assertEquals(aux, RdbAux.of(fields));
    // Small numbers are integer-encoded as Redis does it: "64" is 0xc0 0x40.
    assertTrue(indexOf(bytes.toByteArray(), new byte[] {10, 'r', 'e', 'd', 'i', 's', '-', 'b', 'i', 't', 's', (byte) 0xc0, 64}) > 0);
  }

  @Test
  void writerRefusesWhatRedisWouldDrop() throws IOException {
    RdbWriter w = new RdbWriter(new ByteArrayOutputStream());
    w.header(RdbAux.now(0));
    w.selectDb(0, 1, 0);
    assertThrows(IllegalArgumentException.class, () -> w.entry(b("k"), -1, new RdbValue.ListOf(List.of())));
    assertThrows(IllegalArgumentException.class,
        () -> w.entry(b("k"), -1, new RdbValue.ZSetOf(List.of(b("m")), new double[] {Double.NaN})));
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
