package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Byte-level tests of the request parser. The expected behaviour and every error text
 * were taken from redis-server 7.0.15 on the wire; ProtocolErrorsTest re-checks the
 * error cases against a live redis-server.
 */
class RequestParserTest {

  /** Records what the parser reports, as printable strings. */
  static final class Recorder implements RequestParser.Sink {
    final List<List<String>> commands = new ArrayList<>();
    String error;
    int errors;
    Runnable onEach = () -> {};

    @Override
    public void onCommand(byte[][] args) {
      List<String> c = new ArrayList<>();
      for (byte[] a : args) c.add(new String(a, StandardCharsets.ISO_8859_1));
      commands.add(c);
      onEach.run();
    }

    @Override
    public void onProtocolError(String message) {
      error = message;
      errors++;
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static Recorder parse(String input) {
    return parse(b(input), false);
  }

  static Recorder parse(byte[] input, boolean authRequired) {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.setAuthRequired(authRequired);
    p.feed(input);
    return r;
  }

  static List<List<String>> cmds(String... commands) {
    List<List<String>> out = new ArrayList<>();
    for (String c : commands) out.add(Arrays.asList(c.split("\\|", -1)));
    return out;
  }

  // A pipeline that mixes multibulk and inline requests, binary data with CRLFs inside
  // a bulk, empty bulks, empty inline lines, skipped "*0"/"*-1" headers and quoting.
  static final String PIPELINE = "*3\r\n$3\r\nSET\r\n$5\r\nk\r\nv1\r\n$0\r\n\r\n"
      + "PING\r\n"
      + "\r\n"
      + "*0\r\n"
      + "*-1\r\n"
      + "ECHO \"a b\\x41\" 'it\\'s'\n"
      + "*2\r\n$4\r\nECHO\r\n$12\r\n*1\r\n$4\r\nPING\r\n"
      + "   \t  \r\n"
      + "GET k\r\n";
  static final List<List<String>> PIPELINE_CMDS =
      cmds("SET|k\r\nv1|", "PING", "ECHO|a bA|it's", "ECHO|*1\r\n$4\r\nPING", "GET|k");

  @Test
  void pipelineInOneReadGivesEachCommandInOrder() {
    assertEquals(PIPELINE_CMDS, parse(PIPELINE).commands);
  }

  @Test
  void pipelineSplitAtEveryBytePositionGivesTheSameCommands() {
    byte[] in = b(PIPELINE);
    for (int i = 0; i <= in.length; i++) {
      Recorder r = new Recorder();
      RequestParser p = new RequestParser(r);
      p.feed(Arrays.copyOfRange(in, 0, i));
      p.feed(Buffer.buffer(Arrays.copyOfRange(in, i, in.length)));
      assertEquals(PIPELINE_CMDS, r.commands, "split at " + i);
      assertEquals(0, p.pendingBytes());
    }
  }

  @Test
  void pipelineSplitAtEveryPairOfPositionsGivesTheSameCommands() {
    byte[] in = b(PIPELINE);
    for (int i = 0; i <= in.length; i++) {
      for (int j = i; j <= in.length; j++) {
        Recorder r = new Recorder();
        RequestParser p = new RequestParser(r);
        p.feed(Arrays.copyOfRange(in, 0, i));
        p.feed(Arrays.copyOfRange(in, i, j));
        p.feed(Arrays.copyOfRange(in, j, in.length));
        assertEquals(PIPELINE_CMDS, r.commands, "split at " + i + " and " + j);
      }
    }
  }

  @Test
  void pipelineFedByteAtATimeGivesTheSameCommands() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    for (byte x : b(PIPELINE)) p.feed(new byte[] {x});
    assertEquals(PIPELINE_CMDS, r.commands);
    assertNull(r.error);
  }

  @Test
  void largeBulkSplitAcrossManyReadsArrivesWhole() {
    byte[] value = new byte[3 * 1024 * 1024 + 7];
    new Random(1).nextBytes(value);
    byte[] in = concat(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n"), value, b("\r\nPING\r\n"));
    Random rnd = new Random(2);
    List<byte[][]> got = new ArrayList<>();
    RequestParser p = new RequestParser(new RequestParser.Sink() {
      @Override
      public void onCommand(byte[][] args) {
        got.add(args);
      }

      @Override
      public void onProtocolError(String message) {
        throw new AssertionError(message);
      }
    });
    for (int pos = 0; pos < in.length; ) {
      int n = Math.min(in.length - pos, 1 + rnd.nextInt(70_000));
      p.feed(Arrays.copyOfRange(in, pos, pos + n));
      pos += n;
    }
    assertEquals(2, got.size());
    assertTrue(Arrays.equals(value, got.get(0)[2]));
    assertEquals("PING", new String(got.get(1)[0], StandardCharsets.US_ASCII));
    assertEquals(0, p.pendingBytes());
  }

  @Test
  void crlfAfterHeadersAndBulksIsNotChecked() {
    // redis-server only checks that a byte follows '\r', and skips the two bytes after
    // bulk data without looking at them.
    assertEquals(cmds("PING"), parse("*1\rX$4\r\nPINGxx").commands);
    assertEquals(cmds("PING", "PING"), parse("*1\r\n$4\rxPING\r\nPING\n").commands);
  }

  @Test
  void skippedHeadersIncludeZeroNegativeAndLongMin() {
    assertEquals(cmds("PING"), parse("*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\nPING\r\n").commands);
  }

  @Test
  void emptyAndBlankInlineLinesAreSkipped() {
    Recorder r = parse("\r\n\n  \t \r\n\u000b\f\r\nPING\r\n");
    assertEquals(cmds("PING"), r.commands);
    assertNull(r.error);
  }

  @Test
  void inlineLineEndsAtLfWithOrWithoutCr() {
    assertEquals(cmds("PING", "ECHO|x"), parse("PING\nECHO x\r\n").commands);
    // A lone CR inside the line separates arguments.
    assertEquals(cmds("PING|foo"), parse("PING\rfoo\n").commands);
  }

  @Test
  void inlineQuotingFollowsRedisRules() {
    String[][] table = {
        {"ECHO \"a b\"", "ECHO|a b"},
        {"ECHO 'a b'", "ECHO|a b"},
        {"ECHO \"\\x41\\x4a\\xzz\\q\\n\\r\\t\\b\\a\\\\\\\"\"", "ECHO|AJxzzq\n\r\t\b\u0007\\\""},
        {"ECHO \"\\xe9\"", "ECHO|\u00e9"},
        {"ECHO 'a\\'b'", "ECHO|a'b"},
        {"ECHO 'a\\nb'", "ECHO|a\\nb"},
        {"ECHO \"\" ''", "ECHO||"},
        {"ECHO a\"b c\" d", "ECHO|ab c|d"},
        {"ECHO \"a\"\u000b", "ECHO|a"},
        {"ECHO \"a\"\f x", "ECHO|a|x"},
        // Vertical tab separates nothing inside an unquoted argument, but leads are skipped.
        {"ECHO\u000ba", "ECHO\u000ba"},
        {"\u000bECHO x", "ECHO|x"},
        {"  SET   k\tv  ", "SET|k|v"},
    };
    for (String[] row : table) {
      Recorder r = parse(row[0] + "\r\n");
      assertNull(r.error, row[0]);
      assertEquals(cmds(row[1]), r.commands, row[0]);
    }
  }

  @Test
  void unbalancedQuotesFailTheConnection() {
    String[] bad = {
        "ECHO \"abc", "ECHO 'abc", "ECHO \"a\"b", "ECHO 'a'b", "ECHO a\"b c\"d", "ECHO \"a\\\"", "ECHO \"a\\",
    };
    for (String line : bad) {
      Recorder r = parse("PING\r\n" + line + "\r\nPING\r\n");
      assertEquals(cmds("PING"), r.commands, line);
      assertEquals("Protocol error: unbalanced quotes in request", r.error, line);
    }
  }

  @Test
  void nulBeforeLineEndKeepsTheRequestIncomplete() {
    // redis-server finds line ends with strchr, which stops at NUL.
    for (String in : new String[] {"PING\0 a\r\n", "ECHO \"a\0\"\r\n", "*1\0\r\n$4\r\nPING\r\n",
        "*2\r\n$4\r\nECHO\r\n$\0\r\n"}) {
      Recorder r = parse(in);
      assertTrue(r.commands.isEmpty(), in);
      assertNull(r.error, in);
    }
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.feed(b("PING\0\r\n"));
    p.feed(new byte[RequestParser.INLINE_MAX]);
    assertEquals("Protocol error: too big inline request", r.error);
  }

  @Test
  void protocolErrorsHaveRedisTexts() {
    String[][] table = {
        {"*abc\r\n", "Protocol error: invalid multibulk length"},
        {"*\r\n", "Protocol error: invalid multibulk length"},
        {"*-0\r\n", "Protocol error: invalid multibulk length"},
        {"*01\r\n", "Protocol error: invalid multibulk length"},
        {"*+1\r\n", "Protocol error: invalid multibulk length"},
        {"* 1\r\n", "Protocol error: invalid multibulk length"},
        {"*2147483648\r\n", "Protocol error: invalid multibulk length"},
        {"*99999999999999999999\r\n", "Protocol error: invalid multibulk length"},
        {"*1\n\r\n", "Protocol error: invalid multibulk length"},
        {"*1\r\n$abc\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$-0\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$04\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$99999999999999999999\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n*1\r\n", "Protocol error: expected '$', got '*'"},
        {"*1\r\nPING\r\n", "Protocol error: expected '$', got 'P'"},
        {"*1\r\n\u00e9\r\n", "Protocol error: expected '$', got '\u00e9'"},
        {"*1\r\n\n\r\n", "Protocol error: expected '$', got '\n'"},
    };
    for (String[] row : table) {
      Recorder r = parse("PING\r\n" + row[0] + "PING\r\n");
      assertEquals(row[1], r.error, row[0]);
      assertEquals(1, r.errors);
      assertEquals(cmds("PING"), r.commands, "commands before the error run, none after: " + row[0]);
    }
  }

  @Test
  void bulkLengthUpToProtoMaxBulkLenIsAccepted() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.setMaxBulkLen(100);
    p.feed(b("*1\r\n$100\r\n"));
    assertNull(r.error);
    p.feed(b("x".repeat(100) + "\r\n*1\r\n$101\r\n"));
    assertEquals(List.of(List.of("x".repeat(100))), r.commands);
    assertEquals("Protocol error: invalid bulk length", r.error);
  }

  @Test
  void tooLongLinesWithoutTerminatorFailPastSixtyFourKilobytes() {
    String[][] table = {
        {"", "x", "Protocol error: too big inline request"},
        {"*", "1", "Protocol error: too big mbulk count string"},
        {"*1\r\n$", "1", "Protocol error: too big bulk count string"},
    };
    for (String[] row : table) {
      Recorder r = new Recorder();
      RequestParser p = new RequestParser(r);
      byte[] head = b(row[0]);
      byte[] fill = b(row[1].repeat(RequestParser.INLINE_MAX - head.length + (row[0].startsWith("*1") ? 4 : 0)));
      p.feed(head);
      p.feed(fill);
      assertNull(r.error, "exactly 64 KB still waits: " + row[2]);
      p.feed(b(row[1]));
      assertEquals(row[2], r.error);
      assertTrue(p.failed());
    }
  }

  @Test
  void unauthenticatedClientsGetTightLimits() {
    assertNull(parse(b("*10\r\n"), true).error);
    assertEquals("Protocol error: unauthenticated multibulk length", parse(b("*11\r\n"), true).error);
    assertNull(parse(b("*1\r\n$16384\r\n"), true).error);
    assertEquals("Protocol error: unauthenticated bulk length", parse(b("*1\r\n$16385\r\n"), true).error);
    // The generic checks come first.
    assertEquals("Protocol error: invalid bulk length", parse(b("*1\r\n$536870913\r\n"), true).error);
    assertEquals("Protocol error: invalid multibulk length", parse(b("*2147483648\r\n"), true).error);
    // Negative counts are skipped, not limited; inline requests have no such limits.
    assertEquals(cmds("PING"), parse(b("*-5\r\nPING\r\n"), true).commands);
    assertEquals(1, parse(b("ECHO " + "x".repeat(20000) + " a b c d e f g h i j k\r\n"), true).commands.size());
  }

  @Test
  void authInTheSameReadLiftsTheLimitsForWhatFollows() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.setAuthRequired(true);
    r.onEach = () -> {
      if (r.commands.get(r.commands.size() - 1).get(0).equals("AUTH")) p.setAuthRequired(false);
    };
    String eleven = "*11\r\n" + "$1\r\nx\r\n".repeat(11);
    p.feed(b("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n" + eleven + "*1\r\n$16385\r\n" + "y".repeat(16385) + "\r\n"));
    assertNull(r.error);
    assertEquals(3, r.commands.size());
  }

  @Test
  void deadParserIgnoresFurtherInput() {
    Recorder r = parse("*x\r\n");
    assertEquals(1, r.errors);
    RequestParser p = new RequestParser(r);
    p.feed(b("*x\r\n"));
    p.feed(b("PING\r\n"));
    assertEquals(2, r.errors);
    assertTrue(r.commands.isEmpty());
    assertEquals(0, p.pendingBytes());
  }

  @Test
  void pauseKeepsLaterCommandsAndErrorsUntilResume() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    r.onEach = () -> {
      if (r.commands.size() == 1) p.pause();
    };
    p.feed(b("BLPOP k 0\r\nPING\r\n*x\r\n"));
    assertEquals(1, r.commands.size());
    assertNull(r.error, "an error behind a paused command waits too");
    assertTrue(p.paused());
    p.feed(b("ECHO y\r\n"));
    assertEquals(1, r.commands.size());
    p.resume();
    assertEquals(cmds("BLPOP|k|0", "PING"), r.commands);
    assertEquals("Protocol error: invalid multibulk length", r.error);
  }

  @Test
  void partialHeaderWaitsForTheByteAfterCr() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.feed(b("*1\r"));
    p.feed(b("\n$4\r"));
    p.feed(b("\nPING\r"));
    assertTrue(r.commands.isEmpty());
    p.feed(b("\n"));
    assertEquals(cmds("PING"), r.commands);
  }

  @Test
  void callersBytesAreNotKeptAfterFeedReturns() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    byte[] chunk = b("xx*2\r\n$4\r\nECHO\r\n$5\r\nhel");
    p.feed(chunk, 2, chunk.length - 2);
    assertEquals(3, p.pendingBytes(), "headers already parsed are consumed, as in redis-server's qbuf");
    Arrays.fill(chunk, (byte) '!'); // the caller reuses its array
    p.feed(b("lo\r\n"));
    assertEquals(cmds("ECHO|hello"), r.commands);
  }

  @Test
  void vertxBufferSlicesAreReadAtTheirOffset() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    Buffer big = Buffer.buffer("junkPING\r\nECHO ab\r\njunk");
    p.feed(big.slice(4, 18));
    p.feed(big.slice(18, 19));
    assertEquals(cmds("PING", "ECHO|ab"), r.commands);
    assertEquals(0, p.pendingBytes());
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] x : parts) o.writeBytes(x);
    return o.toByteArray();
  }

  @Test
  void emptyFeedDoesNothing() {
    Recorder r = new Recorder();
    RequestParser p = new RequestParser(r);
    p.feed(new byte[0]);
    p.feed(Buffer.buffer());
    assertFalse(p.failed());
    assertTrue(r.commands.isEmpty());
  }
}
