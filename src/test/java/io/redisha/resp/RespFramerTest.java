package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespFramerTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Ends of the replies in a byte string, found one after the other. */
  static List<Integer> ends(byte[] in) {
    List<Integer> out = new ArrayList<>();
    int from = 0;
    while (from < in.length) {
      int e = RespFramer.frameEnd(in, from, in.length);
      if (e < 0) break;
      out.add(e);
      from = e;
    }
    return out;
  }

  /** Where RespReader says each reply ends: feed byte by byte and note when a value pops out. */
  static List<Integer> readerEnds(byte[] in) {
    List<Integer> out = new ArrayList<>();
    int[] pos = {0};
    RespReader r = new RespReader(v -> out.add(pos[0]));
    for (int i = 0; i < in.length; i++) {
      pos[0] = i + 1;
      r.feed(in, i, 1);
    }
    return out;
  }

  @Test
  void framesEndWhereTheReaderFinishesEachValue() {
    byte[] in = b(RespReaderTest.STREAM);
    List<Integer> ends = ends(in);
    assertEquals(24, ends.size());
    assertEquals(readerEnds(in), ends);
    assertEquals(in.length, ends.get(ends.size() - 1));
  }

  @Test
  void everyPrefixIsIncompleteUntilTheReplyEnds() {
    byte[] in = b(RespReaderTest.STREAM);
    List<Integer> ends = ends(in);
    int from = 0;
    for (int end : ends) {
      for (int to = from; to < end; to++) {
        assertEquals(-1, RespFramer.frameEnd(in, from, to), "prefix [" + from + ", " + to + ")");
      }
      assertEquals(end, RespFramer.frameEnd(in, from, end));
      from = end;
    }
  }

  @Test
  void resumedFramerGivesTheSameEndAsOneShot() {
    byte[] in = b(RespReaderTest.STREAM);
    List<Integer> ends = ends(in);
    RespFramer f = new RespFramer();
    int from = 0;
    List<Integer> got = new ArrayList<>();
    for (int to = 0; to <= in.length; to++) {
      int e = f.next(in, from, to);
      if (e >= 0) {
        got.add(e);
        from = e;
        // a reply can end where the next begins; ask again at the same 'to'
        while (from < to && (e = f.next(in, from, to)) >= 0) {
          got.add(e);
          from = e;
        }
      }
    }
    assertEquals(ends, got);
  }

  @Test
  void resumedFramerSurvivesCompactionOfTheCallersBuffer() {
    byte[] reply = b("*3\r\n$3\r\nabc\r\n:1\r\n+OK\r\n");
    RespFramer f = new RespFramer();
    byte[] first = new byte[100];
    System.arraycopy(reply, 0, first, 50, 14);
    assertEquals(-1, f.next(first, 50, 64));
    // the caller moved the partial reply to the front of a new buffer and read more
    assertEquals(reply.length, f.next(reply, 0, reply.length));
  }

  @Test
  void framesInVertxBuffersIncludingSlices() {
    Buffer whole = Buffer.buffer("xx+OK\r\n:12\r\n*2\r\n$1\r\na\r\n:5\r\n");
    RespFramer f = new RespFramer();
    assertEquals(7, f.next(whole, 2));
    assertEquals(12, f.next(whole, 7));
    assertEquals(-1, f.next(whole.slice(0, 20), 12));
    assertEquals(whole.length(), f.next(whole, 12));
    Buffer slice = whole.slice(2, whole.length());
    assertEquals(5, f.next(slice, 0));
  }

  @Test
  void bigBulkIsSkippedWithoutScanningItsBytes() {
    byte[] in = RequestParserTest.concat(b("$1000000\r\n"), new byte[1_000_000], b("\r\n"));
    in[500] = '\n'; // a stray LF inside the data must not matter
    assertEquals(in.length, RespFramer.frameEnd(in, 0, in.length));
    assertEquals(-1, RespFramer.frameEnd(in, 0, in.length - 1));
  }

  @Test
  void malformedRepliesThrow() {
    String[] bad = {"?\r\n", "+OK\rX", "$abc\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "*-2\r\n", "%x\r\n", "*1\r\n?\r\n"};
    for (String in : bad) {
      assertThrows(RespProtocolException.class, () -> RespFramer.frameEnd(b(in), 0, in.length()), in);
    }
    assertThrows(RespProtocolException.class, () -> new RespFramer(10, 100).next(b("$11\r\n"), 0, 5));
    assertThrows(RespProtocolException.class, () -> new RespFramer(10, 100).next(b("+" + "x".repeat(200)), 0, 201));
  }
}
