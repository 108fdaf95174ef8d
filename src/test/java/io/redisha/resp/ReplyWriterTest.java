package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyWriterTest {

  static String write(int proto, Consumer<ReplyWriter> body) {
    ReplyWriter w = new ReplyWriter();
    w.setProtocol(proto);
    body.accept(w);
    return w.take().toString(StandardCharsets.ISO_8859_1);
  }

  /** Asserts the RESP2 and the RESP3 encoding of the same calls. */
  static void encodes(String resp2, String resp3, Consumer<ReplyWriter> body) {
    assertEquals(resp2, write(2, body), "RESP2");
    assertEquals(resp3, write(3, body), "RESP3");
  }

  @Test
  void scalarsAreTheSameInBothProtocols() {
    encodes("+OK\r\n", "+OK\r\n", ReplyWriter::ok);
    encodes("+PONG\r\n", "+PONG\r\n", w -> w.simple("PONG"));
    encodes("-ERR x\r\n", "-ERR x\r\n", w -> w.error("ERR x"));
    encodes(":0\r\n:1023\r\n:1024\r\n:-1\r\n:-9223372036854775808\r\n:9223372036854775807\r\n",
        ":0\r\n:1023\r\n:1024\r\n:-1\r\n:-9223372036854775808\r\n:9223372036854775807\r\n",
        w -> w.integer(0).integer(1023).integer(1024).integer(-1).integer(Long.MIN_VALUE).integer(Long.MAX_VALUE));
    encodes("$3\r\nabc\r\n$0\r\n\r\n", "$3\r\nabc\r\n$0\r\n\r\n", w -> w.bulk("abc").bulk(new byte[0]));
    encodes("$2\r\nbc\r\n", "$2\r\nbc\r\n", w -> w.bulk(new byte[] {'a', 'b', 'c'}, 1, 2));
    encodes("$2\r\n-5\r\n$20\r\n-9223372036854775808\r\n", "$2\r\n-5\r\n$20\r\n-9223372036854775808\r\n",
        w -> w.bulk(-5L).bulk(Long.MIN_VALUE));
    encodes("$4\r\n\u00c3\u00a9\u00c3\u00a9\r\n", "$4\r\n\u00c3\u00a9\u00c3\u00a9\r\n", w -> w.bulk("\u00e9\u00e9"));
    encodes("*2\r\n", "*2\r\n", w -> w.array(2));
  }

  @Test
  void nullsAreTypedInRespTwoAndUnderscoreInRespThree() {
    encodes("$-1\r\n", "_\r\n", ReplyWriter::nullBulk);
    encodes("$-1\r\n", "_\r\n", w -> w.bulk((byte[]) null));
    encodes("$-1\r\n", "_\r\n", w -> w.bulk((String) null));
    encodes("*-1\r\n", "_\r\n", ReplyWriter::nullArray);
  }

  @Test
  void respThreeTypesDegradeInRespTwo() {
    encodes("*4\r\n", "%2\r\n", w -> w.map(2));
    encodes("*3\r\n", "~3\r\n", w -> w.set(3));
    encodes("*3\r\n", ">3\r\n", w -> w.push(3));
    encodes(":1\r\n:0\r\n", "#t\r\n#f\r\n", w -> w.bool(true).bool(false));
    encodes("$3\r\n1.5\r\n", ",1.5\r\n", w -> w.doubleValue(1.5));
    encodes("$3\r\ninf\r\n", ",inf\r\n", w -> w.doubleValue(Double.POSITIVE_INFINITY));
    encodes("$4\r\n-inf\r\n", ",-inf\r\n", w -> w.doubleValue(Double.NEGATIVE_INFINITY));
    encodes("$5\r\na\r\nb\n\r\n", "=9\r\ntxt:a\r\nb\n\r\n", w -> w.verbatim("a\r\nb\n"));
    encodes("$5\r\n-1234\r\n", "(-1234\r\n", w -> w.bigNumber("-1234"));
  }

  @Test
  void errorTextsNeverBreakTheLine() {
    // Each CR and each LF becomes a space, as redis-server's addReplyErrorFormat maps them.
    encodes("-ERR a  b c\r\n", "-ERR a  b c\r\n", w -> w.error("ERR a\r\nb\nc"));
    // The raw-byte form keeps bytes that are not UTF-8, as redis-server quotes them.
    encodes("-ERR got '\u00e9' ' '\r\n", "-ERR got '\u00e9' ' '\r\n",
        w -> w.error("ERR got '\u00e9' '\n'".getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void rawAndTakeHandOverWhatWasWritten() {
    ReplyWriter w = new ReplyWriter();
    assertTrue(w.isEmpty());
    w.raw("+A\r\n".getBytes(StandardCharsets.US_ASCII)).raw(Buffer.buffer(":1\r\n"));
    assertEquals(8, w.length());
    assertEquals("+A\r\n:1\r\n", w.take().toString());
    assertTrue(w.isEmpty());
    assertEquals(0, w.take().length());
  }

  @Test
  void everyEncodingReadsBackWithRespReader() {
    for (int proto : new int[] {2, 3}) {
      String wire = write(proto, w -> w.map(1).bulk("k").array(3).doubleValue(0.1).bool(true).nullBulk()
          .set(1).integer(5).verbatim("x").error("ERR e"));
      var values = RespReader.parseAll(wire.getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(4, values.size(), wire);
      assertEquals(0.1, values.get(0).asMap().get("k").get(0).asDouble());
      assertEquals("x", values.get(2).asString());
      assertTrue(values.get(3).isError());
    }
  }

  /**
   * C's printf("%.17g"). Expected strings come from python3 '%.17g' % v and were checked
   * against redis-server 7.0 (ZADD z v m, then ZSCORE z m). Note: a listpack-encoded zset
   * turns -0 into 0 on its own; a skiplist one replies "-0", which is the printf result.
   */
  @ParameterizedTest
  @CsvSource(delimiter = ' ', value = {
      "0.1 0.10000000000000001",
      "1.5 1.5",
      "1e20 1e+20",
      "1e-5 1.0000000000000001e-05",
      "123456789012345678 1.2345678901234568e+17",
      "-0.0 -0",
      "0.0 0",
      "3.0 3",
      "1e16 10000000000000000",
      "1e17 1e+17",
      "0.0001 0.0001",
      "1.7976931348623157e308 1.7976931348623157e+308",
      "5e-324 4.9406564584124654e-324",
      "2.2250738585072014e-308 2.2250738585072014e-308",
      "0.3 0.29999999999999999",
      "9.999999999999999e-5 9.9999999999999991e-05",
      "123.456 123.456",
      "-2.5 -2.5",
      "1e15 1000000000000000",
      "12345678901234567 12345678901234568",
      "100 100",
      "1e300 1.0000000000000001e+300",
      "4.35 4.3499999999999996",
      "2.675 2.6749999999999998",
      "1e21 1e+21",
      "3.14159265358979 3.14159265358979",
      "0.5 0.5",
      "1e-300 1e-300",
      "99999999999999999 1e+17",
      "1e-7 9.9999999999999995e-08",
      "-1e-7 -9.9999999999999995e-08",
  })
  void format17gMatchesPrintf(String input, String expected) {
    assertEquals(expected, Doubles.format17g(Double.parseDouble(input)));
  }

  /** 1,300 random and edge-case doubles, formatted by python3's correctly rounded '%.17g'. */
  @Test
  void format17gMatchesPrintfOnATableOfRandomDoubles() throws Exception {
    int checked = 0;
    try (var in = getClass().getResourceAsStream("format17g.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) continue;
        String[] f = line.split(" ");
        double d = Double.parseDouble(f[0]);
        assertEquals(f[1], Doubles.format17g(d), line);
        assertEquals(d, Double.parseDouble(f[1]), "17 digits round-trip: " + line);
        checked++;
      }
    }
    assertTrue(checked > 1000);
  }

  @Test
  void format17gSpellsInfinitiesAndNanLikeGlibc() {
    assertEquals("inf", Doubles.format17g(Double.POSITIVE_INFINITY));
    assertEquals("-inf", Doubles.format17g(Double.NEGATIVE_INFINITY));
    assertEquals("nan", Doubles.format17g(Double.NaN));
  }
}
