package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.resp.RespValue.Type;
import io.vertx.core.buffer.Buffer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespReaderTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static RespValue one(String wire) {
    List<RespValue> all = RespReader.parseAll(b(wire));
    assertEquals(1, all.size(), wire);
    return all.get(0);
  }

  /** Every RESP2 and RESP3 type, nested aggregates, attributes and binary bulks. */
  static final String STREAM = "+OK\r\n"
      + "-ERR unknown command 'x'\r\n"
      + ":-9223372036854775808\r\n"
      + ":42\r\n"
      + "$5\r\na\r\nb\0\r\n"
      + "$0\r\n\r\n"
      + "$-1\r\n"
      + "*-1\r\n"
      + "_\r\n"
      + "*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n*0\r\n"
      + "%2\r\n+k1\r\n:1\r\n$2\r\nk2\r\n~2\r\n+x\r\n+y\r\n"
      + "~0\r\n"
      + ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n"
      + ",1.5\r\n,-inf\r\n,nan\r\n,1e+20\r\n"
      + "#t\r\n#f\r\n"
      + "=15\r\ntxt:Some string\r\n"
      + "(3492890328409238509324850943850943825024385\r\n"
      + "!21\r\nSYNTAX invalid syntax\r\n"
      + "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n"
      + "*2\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n:7\r\n";

  static List<RespValue> parseSplit(byte[] in, int... cuts) {
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    int prev = 0;
    for (int c : cuts) {
      r.handle(Buffer.buffer(Arrays.copyOfRange(in, prev, c)));
      prev = c;
    }
    r.feed(Arrays.copyOfRange(in, prev, in.length));
    assertTrue(r.idle(), "reader idle after whole replies");
    return out;
  }

  @Test
  void everyTypeParsesToItsValue() {
    List<RespValue> v = RespReader.parseAll(b(STREAM));
    assertEquals(24, v.size(), v.toString());
    assertEquals(RespValue.OK, v.get(0));
    assertEquals(Type.SIMPLE, v.get(0).type());
    assertTrue(v.get(1).isError());
    assertEquals("ERR", v.get(1).errorCode());
    assertEquals("ERR unknown command 'x'", v.get(1).asString());
    assertEquals(Long.MIN_VALUE, v.get(2).asLong());
    assertEquals(42, v.get(3).asLong());
    assertArrayEquals(b("a\r\nb\0"), v.get(4).asBytes());
    assertEquals("", v.get(5).asString());
    assertTrue(v.get(6).isNull());
    assertTrue(v.get(7).isNull());
    assertTrue(v.get(8).isNull());
    assertNull(v.get(8).asString());

    RespValue nested = v.get(9);
    assertEquals(Type.ARRAY, nested.type());
    assertEquals(3, nested.size());
    assertEquals(1, nested.get(0).asLong());
    assertEquals(List.of(RespValue.simple("a"), RespValue.bulk("b")), nested.get(1).asList());
    assertEquals(0, nested.get(2).size());

    RespValue map = v.get(10);
    assertEquals(Type.MAP, map.type());
    assertEquals(2, map.size());
    assertEquals(1, map.asMap().get("k1").asLong());
    assertEquals(Type.SET, map.asMap().get("k2").type());
    assertEquals(List.of("x", "y"), map.asMap().get("k2").asList().stream().map(RespValue::asString).toList());
    assertEquals(Type.SET, v.get(11).type());
    assertEquals(0, v.get(11).size());
    assertEquals(Type.PUSH, v.get(12).type());
    assertEquals("msg", v.get(12).get(2).asString());

    assertEquals(1.5, v.get(13).asDouble());
    assertEquals(Type.DOUBLE, v.get(13).type());
    assertEquals(Double.NEGATIVE_INFINITY, v.get(14).asDouble());
    assertTrue(Double.isNaN(v.get(15).asDouble()));
    assertEquals(1e20, v.get(16).asDouble());
    assertEquals("1e+20", v.get(16).asString(), "the double's text is kept as sent");
    assertTrue(v.get(17).asBoolean());
    assertFalse(v.get(18).asBoolean());
    assertEquals(Type.VERBATIM, v.get(19).type());
    assertEquals("txt", v.get(19).verbatimFormat());
    assertEquals("Some string", v.get(19).asString());
    assertEquals(new BigInteger("3492890328409238509324850943850943825024385"), v.get(20).asBigInteger());
    assertEquals(Type.BLOB_ERROR, v.get(21).type());
    assertTrue(v.get(21).isError());
    assertEquals("SYNTAX", v.get(21).errorCode());

    RespValue decorated = v.get(22);
    assertEquals(Type.ARRAY, decorated.type());
    assertEquals(List.of(2039123L, 9543892L), decorated.asList().stream().map(RespValue::asLong).toList());
    assertEquals(Type.ATTRIBUTE, decorated.attributes().type());
    assertEquals(0.19, decorated.attributes().asMap().get("key-popularity").asMap().get("a").asDouble());

    RespValue inner = v.get(23);
    assertEquals(2, inner.size(), "an attribute inside an aggregate is not an element");
    assertEquals(3600, inner.get(0).attributes().asMap().get("ttl").asLong());
    assertEquals("v", inner.get(0).asString());
    assertNull(inner.get(1).attributes());
    assertEquals(7, inner.get(1).asLong());
  }

  @Test
  void streamSplitAtEveryBytePositionGivesTheSameValues() {
    byte[] in = b(STREAM);
    List<RespValue> whole = RespReader.parseAll(in);
    for (int i = 0; i <= in.length; i++) {
      assertEquals(whole, parseSplit(in, i), "split at " + i);
    }
  }

  @Test
  void streamFedByteAtATimeGivesTheSameValues() {
    byte[] in = b(STREAM);
    List<RespValue> whole = RespReader.parseAll(in);
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    for (byte x : in) r.feed(new byte[] {x});
    assertEquals(whole, out);
    assertEquals(0, r.pendingBytes());
  }

  @Test
  void streamSplitAtRandomPairsGivesTheSameValues() {
    byte[] in = b(STREAM);
    List<RespValue> whole = RespReader.parseAll(in);
    Random rnd = new Random(7);
    for (int k = 0; k < 2000; k++) {
      int i = rnd.nextInt(in.length + 1);
      int j = i + rnd.nextInt(in.length + 1 - i);
      assertEquals(whole, parseSplit(in, i, j), "split at " + i + ", " + j);
    }
  }

  @Test
  void largeBulkSplitAcrossReadsArrivesWhole() {
    byte[] value = new byte[2 * 1024 * 1024 + 3];
    new Random(3).nextBytes(value);
    byte[] in = RequestParserTest.concat(b("*2\r\n$" + value.length + "\r\n"), value, b("\r\n:1\r\n+OK\r\n"));
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    Random rnd = new Random(4);
    for (int pos = 0; pos < in.length; ) {
      int n = Math.min(in.length - pos, 1 + rnd.nextInt(100_000));
      r.handle(Buffer.buffer(Arrays.copyOfRange(in, pos, pos + n)));
      pos += n;
    }
    assertEquals(2, out.size());
    assertArrayEquals(value, out.get(0).get(0).asBytes());
    assertEquals(RespValue.OK, out.get(1));
  }

  @Test
  void nestingUpToTheCapIsAcceptedAndDeeperFails() {
    String ok = "*1\r\n".repeat(4) + ":1\r\n";
    List<RespValue> out = new ArrayList<>();
    new RespReader(out::add).maxDepth(4).feed(b(ok));
    assertEquals(1, out.get(0).get(0).get(0).get(0).get(0).asLong());

    RespReader r = new RespReader(v -> {}).maxDepth(4);
    RespProtocolException e = assertThrows(RespProtocolException.class, () -> r.feed(b("*1\r\n".repeat(5) + ":1\r\n")));
    assertTrue(e.getMessage().startsWith("nesting depth"), e.getMessage());
    // The default cap stops a reply built to overflow the stack.
    assertThrows(RespProtocolException.class, () -> RespReader.parseAll(b("*1\r\n".repeat(100_000))));
  }

  @Test
  void bulkAndLineCapsFailInsteadOfBuffering() {
    RespReader r = new RespReader(v -> {}).maxBulkLength(10);
    r.feed(b("$10\r\n0123456789\r\n"));
    assertThrows(RespProtocolException.class, () -> r.feed(b("$11\r\n")));

    RespReader lines = new RespReader(v -> {}).maxLineLength(100);
    lines.feed(b("+" + "x".repeat(99)));
    assertNull(lines.failure());
    assertThrows(RespProtocolException.class, () -> lines.feed(b("xx")));
  }

  @Test
  void claimedAggregateLengthDoesNotAllocateUpFront() {
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    r.feed(b("*1000000000\r\n:1\r\n"));
    assertTrue(out.isEmpty());
    assertFalse(r.idle());
  }

  @Test
  void malformedRepliesFailTheReader() {
    String[] bad = {
        "?\r\n", "+OK\rX", "+OK\n", ":abc\r\n", ":\r\n", ":1.5\r\n", ":99999999999999999999\r\n",
        "$abc\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "$3\r\nabcX\n", "*-2\r\n", "*x\r\n", "%-1\r\n",
        "_x\r\n", "#x\r\n", "#\r\n", "#tt\r\n", ",abc\r\n", ",\r\n", ",1.5f\r\n", ",Infinity\r\n", ",0x1p3\r\n",
        "(12a\r\n", "(\r\n", "=3\r\ntxt\r\n", "=5\r\ntxt-a\r\n", "!-1\r\n", "$?\r\n", "*?\r\n",
    };
    for (String in : bad) {
      List<RespProtocolException> errors = new ArrayList<>();
      List<RespValue> out = new ArrayList<>();
      RespReader r = new RespReader(out::add).exceptionHandler(errors::add);
      r.feed(b(in));
      assertEquals(1, errors.size(), "error for " + in);
      assertTrue(out.isEmpty(), in);
      assertNotNull(r.failure());
      r.feed(b("+OK\r\n"));
      assertTrue(out.isEmpty(), "a failed reader stays failed: " + in);
      assertEquals(1, errors.size());
    }
  }

  @Test
  void valuesBeforeAMalformedReplyAreDelivered() {
    List<RespValue> out = new ArrayList<>();
    List<RespProtocolException> errors = new ArrayList<>();
    new RespReader(out::add).exceptionHandler(errors::add).feed(b("+OK\r\n:1\r\n*2\r\n:1\r\n?\r\n"));
    assertEquals(List.of(RespValue.OK, RespValue.integer(1)), out);
    assertEquals(1, errors.size());
    assertEquals("type byte: ? (expected: one of +-:$*_,#(=!%~>|)", errors.get(0).getMessage());
  }

  @Test
  void valueModelHelpers() {
    assertEquals(12, RespValue.bulk("12").asLong());
    assertEquals(Double.POSITIVE_INFINITY, RespValue.bulk("inf").asDouble());
    assertEquals("3", RespValue.integer(3).asString());
    assertTrue(RespValue.bulk("pong").is("PONG"));
    assertEquals(RespValue.OK, one("+OK\r\n"));
    assertTrue(one("+OK\r\n") == RespValue.OK, "OK is shared");
    assertTrue(one(":7\r\n") == RespValue.integer(7), "small integers are shared");
    // RESP2 sends maps as flat arrays; asMap reads both.
    assertEquals(6379, one("*4\r\n$4\r\nname\r\n$2\r\nm1\r\n$4\r\nport\r\n$4\r\n6379\r\n").asMap().get("port").asLong());
    assertThrows(IllegalStateException.class, () -> one(":1\r\n").asList());
    assertThrows(IllegalStateException.class, () -> one("*1\r\n:1\r\n").asString());
    assertThrows(IllegalStateException.class, () -> one("*1\r\n:1\r\n").asMap());
    assertThrows(IllegalStateException.class, () -> one("+abc\r\n").asLong());
    assertEquals("ARRAY[BULK\"a\\x0d\\x0a\", INTEGER 1, NULL]", one("*3\r\n$3\r\na\r\n\r\n:1\r\n_\r\n").toString());
    assertEquals(",3", "," + RespValue.doubleValue(3.0).asString());
  }

  @Test
  void callersBytesAreNotKeptAndSlicesAreReadAtTheirOffset() {
    List<RespValue> out = new ArrayList<>();
    RespReader r = new RespReader(out::add);
    byte[] chunk = b("xx*2\r\n$5\r\nhel");
    r.feed(chunk, 2, chunk.length - 2);
    Arrays.fill(chunk, (byte) '!');
    Buffer big = Buffer.buffer("junklo\r\n+OK\r\njunk");
    r.handle(big.slice(4, 13));
    assertEquals(List.of(RespValue.array(RespValue.bulk("hello"), RespValue.OK)), out);
    assertTrue(r.idle());
  }

  @Test
  void pauseHandsTheRestOverForANonRespPayload() {
    // A replica's handshake: +FULLRESYNC, keepalive newlines, then the RDB as "$len" and raw bytes.
    List<RespValue> out = new ArrayList<>();
    RespReader[] r = new RespReader[1];
    r[0] = new RespReader(v -> {
      out.add(v);
      if (v.asString().startsWith("FULLRESYNC")) r[0].pause();
    }).skipKeepaliveNewlines(true);
    r[0].feed(b("+PONG\r\n\n+FULLRESYNC abc 0\r\n\n\n$5\r\nREDIS"));
    assertEquals(2, out.size());
    assertEquals("\n\n$5\r\nREDIS", new String(r[0].takePending(), StandardCharsets.ISO_8859_1));
    assertEquals(0, r[0].pendingBytes());
    r[0].resume();
    r[0].feed(b("+OK\r\n"));
    assertEquals(RespValue.OK, out.get(2));
  }

  @Test
  void resumeCarriesOnWithTheBufferedReplies() {
    List<RespValue> out = new ArrayList<>();
    RespReader[] r = new RespReader[1];
    r[0] = new RespReader(v -> {
      out.add(v);
      r[0].pause();
    });
    r[0].feed(b(":1\r\n:2\r\n:3\r\n"));
    assertEquals(1, out.size());
    r[0].resume();
    assertEquals(2, out.size());
    r[0].resume();
    r[0].resume();
    assertEquals(3, out.size());
    assertTrue(r[0].idle());
    assertThrows(RespProtocolException.class, () -> RespReader.parseAll(b("\n+OK\r\n")), "newlines are skipped only on request");
  }

  @Test
  void parseAllRefusesATruncatedReply() {
    assertThrows(RespProtocolException.class, () -> RespReader.parseAll(b("*2\r\n:1\r\n")));
    assertThrows(RespProtocolException.class, () -> RespReader.parseAll(b("$3\r\nab")));
  }
}
