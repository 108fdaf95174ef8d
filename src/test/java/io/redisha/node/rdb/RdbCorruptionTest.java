package io.redisha.node.rdb;

import static io.redisha.node.rdb.RedisData.b;
import static io.redisha.node.rdb.RedisData.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files end in a RdbFormatException naming the file, the offset and the problem; never in anything else. */
class RdbCorruptionTest {

  @TempDir
  Path tmp;

  /** A few KB with every type, a compressed string, listpacks and two dbs. */
  static byte[] smallFile() throws IOException {
    List<RdbEntry> l = new ArrayList<>();
    l.add(new RdbEntry(0, b("s"), -1, new RdbValue.Str(b("hello"))));
    l.add(new RdbEntry(0, b("n"), 1_900_000_000_000L, new RdbValue.Str(b("-70000"))));
    l.add(new RdbEntry(0, b("lzf"), -1, new RdbValue.Str(b("abcabcabc".repeat(30)))));
    List<byte[]> list = new ArrayList<>();
    for (int i = 0; i < 200; i++) list.add(i % 2 == 0 ? b("e" + i) : b(Integer.toString(i * 999)));
    l.add(new RdbEntry(0, b("list"), -1, new RdbValue.ListOf(list)));
    l.add(new RdbEntry(0, b("set"), -1, new RdbValue.SetOf(bs("a", "1", "2"))));
    l.add(new RdbEntry(1, b("hash"), -1, new RdbValue.HashOf(bs("f", "g"), bs("1", "v"))));
    l.add(new RdbEntry(1, b("zset"), -1, new RdbValue.ZSetOf(bs("a", "b"), new double[] {1.5, -2})));
    return RdbCodecTest.write(l);
  }

  static RdbFormatException parseFails(byte[] file) {
    return assertThrows(RdbFormatException.class, () -> RdbCodecTest.read(file));
  }

  @Test
  void everySingleByteFlipIsDetected() throws IOException {
    for (byte[] file : List.of(smallFile(), RdbLegacyEncodingsTest.legacyFile(1_700_000_000_000L).file())) {
      // Every byte of the small file; of the 18 KB legacy one, the structure-dense head and a sample of the rest.
      for (int i = 0; i < file.length; i += i < 1000 ? 1 : 29) {
        for (int mask : new int[] {0x01, 0x80, 0xff}) {
          byte[] bad = file.clone();
          bad[i] ^= (byte) mask;
          RdbFormatException e;
          try {
            RdbCodecTest.read(bad);
            fail("flipping byte " + i + " with " + mask + " went unnoticed");
            return;
          } catch (RdbFormatException x) {
            e = x;
          } catch (Throwable t) {
            throw new AssertionError("flipping byte " + i + " with " + mask + " threw " + t, t);
          }
          assertTrue(e.getMessage().startsWith("test.rdb: ") && e.getMessage().contains(" at byte offset "), e.getMessage());
          assertTrue(e.offset() >= 0 && e.offset() <= file.length, e.getMessage());
        }
      }
    }
  }

  @Test
  void aFlippedValueByteIsABadChecksum() throws IOException {
    byte[] file = smallFile();
    int at = RdbCodecTest.indexOf(file, b("hello"));
    file[at] = 'j';
    RdbFormatException e = parseFails(file);
    assertTrue(e.problem().startsWith("bad CRC64 checksum"), e.getMessage());
    assertEquals(file.length - 8, e.offset());
  }

  @Test
  void aTruncatedFileSaysWhereItEnds() throws IOException {
    for (byte[] file : List.of(smallFile(), RdbLegacyEncodingsTest.legacyFile(1_700_000_000_000L).file())) {
      for (int cut = 0; cut < file.length; cut += cut < 1000 ? 1 : 7) {
        RdbFormatException e = parseFails(Arrays.copyOf(file, cut));
        assertTrue(e.problem().startsWith("unexpected end of file while reading "), e.getMessage());
        assertEquals(cut, e.offset(), e.getMessage());
      }
    }
  }

  @Test
  void truncationMessagesNameWhatWasBeingRead() throws IOException {
    byte[] file = smallFile();
    int at = RdbCodecTest.indexOf(file, b("hello"));
    RdbFormatException e = parseFails(Arrays.copyOf(file, at + 2));
    assertEquals("test.rdb: unexpected end of file while reading the value (key \"s\") at byte offset " + (at + 2),
        e.getMessage());
  }

  @Test
  void randomDamageWithoutChecksumNeverEscapesAsAnotherException() throws IOException {
    // With the checksum zeroed ("none") every structural check has to catch the damage itself.
    Random r = new Random(7);
    for (byte[] file : List.of(smallFile(), RdbLegacyEncodingsTest.legacyFile(1_700_000_000_000L).file())) {
      Arrays.fill(file, file.length - 8, file.length, (byte) 0);
      for (int trial = 0; trial < 3000; trial++) {
        byte[] bad = file.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) bad[9 + r.nextInt(bad.length - 17)] = (byte) r.nextInt(256);
        try {
          RdbCodecTest.read(bad);
        } catch (RdbFormatException expected) {
          assertTrue(expected.getMessage().contains(" at byte offset "));
        } catch (Throwable t) {
          throw new AssertionError("trial " + trial + " threw " + t, t);
        }
      }
    }
  }

  @Test
  void hugeLengthsInATinyFileFailWithoutAllocatingThem() {
    // A 4 GB string length, then end of file.
    RawRdb f = new RawRdb(10);
    f.u8(Rdb.TYPE_STRING).string("k").u8(0x80).bytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
    RdbFormatException e = parseFails(f.finish(true));
    assertTrue(e.problem().contains("too large"), e.getMessage());
    // A 2 GB list count.
    RawRdb g = new RawRdb(10);
    g.u8(Rdb.TYPE_ZSET_2).string("k").u8(0x80).bytes(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
    e = parseFails(g.finish(true));
    assertTrue(e.problem().startsWith("unexpected end of file") || e.problem().contains("too large"), e.getMessage());
    // An LZF string claiming 1 GB from 10 bytes.
    RawRdb h = new RawRdb(10);
    h.u8(Rdb.TYPE_STRING).string("k").u8(0xc3).length(10).length(1 << 30).bytes(new byte[10]);
    e = parseFails(h.finish(true));
    assertTrue(e.problem().contains("inconsistent lengths"), e.getMessage());
  }

  @Test
  void unsupportedThingsAreRefusedByName() {
    assertEquals("test.rdb: RDB version 11 is newer than this reader supports (1 to 10, Redis 7.0); it was written "
        + "by a newer Redis at byte offset 5", parseFails(new RawRdb(11).finish(true)).getMessage());
    assertEquals("test.rdb: not an RDB file: it does not start with \"REDIS\" at byte offset 0",
        parseFails(b("*1\r\n$4\r\nPING\r\n")).getMessage());
    assertEquals("test.rdb: bad RDB version 0 at byte offset 5", parseFails(new RawRdb(0).finish(true)).getMessage());

    RawRdb f = new RawRdb(10);
    f.u8(Rdb.OPCODE_SELECTDB).length(0).u8(42).string("k").string("v");
    assertEquals("test.rdb: unknown value type 42 (key \"k\") at byte offset 11", parseFails(f.finish(true)).getMessage());

    RawRdb s = new RawRdb(10);
    s.u8(Rdb.TYPE_STREAM_LISTPACKS_2).string("mystream").length(0);
    assertEquals("test.rdb: stream values (type STREAM_LISTPACKS_2) are not supported (key \"mystream\") at byte offset 9",
        parseFails(s.finish(true)).getMessage());

    RawRdb m = new RawRdb(10);
    m.u8(Rdb.TYPE_MODULE_2).string("k").length(RdbLegacyEncodingsTest.moduleId("ReJSON-RL", 3));
    assertEquals("test.rdb: module values are not supported (a value of module 'ReJSON-RL' (version 3)) (key \"k\") "
        + "at byte offset 9", parseFails(m.finish(true)).getMessage());

    RawRdb z = new RawRdb(10);
    z.u8(Rdb.TYPE_ZSET_2).string("z").length(1).string("m").le(Double.doubleToLongBits(Double.NaN), 8);
    assertEquals("test.rdb: NaN score in sorted set (key \"z\") at byte offset 15", parseFails(z.finish(true)).getMessage());

    RawRdb q = new RawRdb(10);
    q.u8(Rdb.TYPE_LIST_QUICKLIST_2).string("k").length(1).length(3).string("x");
    assertEquals("test.rdb: unknown quicklist node container 3 in list (key \"k\") at byte offset 13",
        parseFails(q.finish(true)).getMessage());
  }

  @Test
  void aBadBlobSaysWhichBlobAndWhere() {
    byte[] zl = RawRdb.ziplist(bs("a", "b"));
    zl[10 + 1] = (byte) 0xc5; // the first entry's encoding byte
    RawRdb f = new RawRdb(9);
    f.u8(Rdb.TYPE_LIST_ZIPLIST).string("k").string(zl);
    assertEquals("test.rdb: bad ziplist entry encoding 0xc5 (byte 11 of the ziplist of list, stored at this offset) "
        + "(key \"k\") at byte offset 12", parseFails(f.finish(true)).getMessage());

    byte[] lp = RawRdb.listpack(bs("abc", "d"));
    lp[6 + 4] = 9; // the first entry's back-length
    RawRdb g = new RawRdb(10);
    g.u8(Rdb.TYPE_HASH_LISTPACK).string("h").string(lp);
    assertEquals("test.rdb: listpack entry back-length says 9 but the entry has 4 bytes (byte 10 of the listpack of "
        + "hash, stored at this offset) (key \"h\") at byte offset 12", parseFails(g.finish(true)).getMessage());

    RawRdb h = new RawRdb(10);
    h.u8(Rdb.TYPE_SET_INTSET).string("i").string(new byte[] {3, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3});
    assertEquals("test.rdb: bad intset encoding 3 (byte 0 of the intset of set, stored at this offset) (key \"i\") "
        + "at byte offset 12", parseFails(h.finish(true)).getMessage());
  }

  @Test
  void fileErrorsNameThePath() throws IOException {
    Path p = tmp.resolve("broken.rdb");
    byte[] file = smallFile();
    Files.write(p, Arrays.copyOf(file, 20));
    RdbFormatException e = assertThrows(RdbFormatException.class, () -> RdbReader.readAll(p));
    assertTrue(e.getMessage().startsWith(p + ": unexpected end of file"), e.getMessage());
  }

  @Test
  void aStreamThatTricklesBytesParsesTheSame() throws IOException {
    byte[] file = smallFile();
    List<RdbEntry> whole = RdbCodecTest.read(file);
    List<RdbEntry> trickled = new ArrayList<>();
    InputStream oneAtATime = new ByteArrayInputStream(file) {
      @Override public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    RdbReader.read(oneAtATime, "t", trickled::add);
    assertEquals(whole, trickled);
  }
}
