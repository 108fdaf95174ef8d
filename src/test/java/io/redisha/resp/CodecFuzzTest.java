package io.redisha.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of both parsers on arbitrary bytes: they never throw anything but their
 * documented error, they always return, and cutting the input into two reads at any
 * point gives exactly what one read gives.
 *
 * <p>Input layout: byte 0 holds flags (bit 0: requirepass for the request parser),
 * bytes 1-2 the cut point (big-endian, modulo the length), the rest is the stream.
 * Plain {@code mvn test} replays the seeds under
 * {@code src/test/resources/io/redisha/resp/CodecFuzzTestInputs/} plus the generated
 * corpus of {@link #mutatedStreamsKeepTheProperties()}. To fuzz for real, one target at
 * a time, turn the coverage instrumentation back on (junit-platform.properties turns it
 * off to keep plain runs fast):
 * {@code JAZZER_FUZZ=1 mvn test -Dtest='CodecFuzzTest#respReader' -Djazzer.hooks=true
 * -Djazzer.instrument='io.redisha.**'}. Inputs stay far below 64 KB, the size at which
 * redis-server itself (and so our parser) starts to depend on how reads are cut.
 */
class CodecFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void requestParser(byte[] data) {
    checkRequestParser(data);
  }

  @FuzzTest(maxDuration = "5m")
  void respReader(byte[] data) {
    checkRespReader(data);
  }

  // ---------------------------------------------------------------- the properties

  /** What a request parser reported: commands, then at most one error. */
  static List<String> requestParserRun(byte[] in, boolean auth, int cut) {
    List<String> out = new ArrayList<>();
    RequestParser p = new RequestParser(new RequestParser.Sink() {
      @Override
      public void onCommand(byte[][] args) {
        assertTrue(args.length > 0, "no empty commands");
        StringBuilder sb = new StringBuilder("cmd");
        for (byte[] a : args) sb.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
        out.add(sb.toString());
      }

      @Override
      public void onProtocolError(String message) {
        assertTrue(message.startsWith("Protocol error: "), message);
        out.add("error " + message);
      }
    });
    p.setAuthRequired(auth);
    p.setMaxBulkLen(1 << 20);
    if (cut > 0) p.feed(Arrays.copyOfRange(in, 0, cut));
    p.feed(Buffer.buffer(Arrays.copyOfRange(in, cut, in.length)));
    out.add(p.failed() ? "failed" : "pending " + p.pendingBytes());
    return out;
  }

  static void checkRequestParser(byte[] data) {
    if (data.length < 3) return;
    boolean auth = (data[0] & 1) != 0;
    byte[] in = Arrays.copyOfRange(data, 3, data.length);
    int cut = (((data[1] & 0xff) << 8) | (data[2] & 0xff)) % (in.length + 1);
    List<String> whole = requestParserRun(in, auth, 0);
    assertEquals(whole, requestParserRun(in, auth, cut), "cut at " + cut);
    long errors = whole.stream().filter(s -> s.startsWith("error ")).count();
    assertTrue(errors <= 1, "at most one error");
  }

  /** What a reply reader produced: values, then the failure or the bytes left over. */
  static List<String> respReaderRun(byte[] in, int cut) {
    List<String> out = new ArrayList<>();
    RespReader r = new RespReader(v -> out.add(v.toString())).maxBulkLength(1 << 20);
    List<RespProtocolException> errors = new ArrayList<>();
    r.exceptionHandler(errors::add);
    r.feed(in, 0, cut);
    r.handle(Buffer.buffer(Arrays.copyOfRange(in, cut, in.length)));
    assertTrue(errors.size() <= 1, "one failure at most");
    out.add(errors.isEmpty() ? "pending " + r.pendingBytes() + " idle " + r.idle() : "failed " + errors.get(0).getMessage());
    return out;
  }

  static void checkRespReader(byte[] data) {
    if (data.length < 3) return;
    byte[] in = Arrays.copyOfRange(data, 3, data.length);
    int cut = (((data[1] & 0xff) << 8) | (data[2] & 0xff)) % (in.length + 1);
    List<String> whole = respReaderRun(in, 0);
    assertEquals(whole, respReaderRun(in, cut), "cut at " + cut);

    // Without a handler the reader throws only its documented exception.
    try {
      RespReader.parseAll(in);
    } catch (RespProtocolException expected) {
      // documented
    }

    // The framer agrees with the reader: it finds a frame for every value the reader
    // built, and when the reader had no complaint, no more and no fewer.
    int values = whole.size() - 1;
    boolean readerFailed = whole.get(values).startsWith("failed");
    List<Integer> ends = new ArrayList<>();
    boolean framerFailed = false;
    try {
      for (int from = 0, e; from < in.length && (e = RespFramer.frameEnd(in, from, in.length)) >= 0; from = e) {
        assertTrue(e > from, "progress");
        ends.add(e);
      }
    } catch (RespProtocolException ex) {
      framerFailed = true;
    }
    if (framerFailed) assertTrue(readerFailed, "the framer refuses only what the reader refuses");
    assertTrue(ends.size() >= values, "frames " + ends + " for " + values + " values");
    if (!readerFailed) assertEquals(values, ends.size());

    // A resumed framer fed in two steps finds the first frame where the one-shot one does.
    if (!framerFailed && !ends.isEmpty()) {
      RespFramer f = new RespFramer();
      int first = f.next(in, 0, cut);
      if (first < 0) first = f.next(in, 0, in.length);
      assertEquals(ends.get(0), first);
    }
  }

  // ---------------------------------------------------------------- regression corpus

  static final String[] REQUEST_SEEDS = {
      RequestParserTest.PIPELINE,
      "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n" + "$1\r\nx\r\n".repeat(11),
      "ECHO \"a\\x41\" 'b\\'c' d\"e f\"\r\nPING\n",
      "*1\r\n$4\r\nPING\r\n*x\r\n",
      "*1\r\n\u00e9\r\n",
      "PING\0\r\n*1\r\n",
  };

  static final String[] REPLY_SEEDS = {RespReaderTest.STREAM, "*1\r\n".repeat(40) + ":1\r\n", "+OK\rX", "$3\r\nab"};

  /** Random bit flips, byte insertions, deletions and duplications of valid streams. */
  static byte[] mutate(byte[] seed, Random rnd) {
    byte[] s = seed.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int k = 0; k < edits && s.length > 0; k++) {
      int at = rnd.nextInt(s.length);
      switch (rnd.nextInt(5)) {
        case 0 -> s[at] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> s[at] = (byte) "*$\r\n:+-0129\"'\\ x%|>~_#,(=!\0".charAt(rnd.nextInt(27));
        case 2 -> s = concat(Arrays.copyOfRange(s, 0, at), new byte[] {(byte) rnd.nextInt(256)}, Arrays.copyOfRange(s, at, s.length));
        case 3 -> s = concat(Arrays.copyOfRange(s, 0, at), Arrays.copyOfRange(s, Math.min(s.length, at + 1 + rnd.nextInt(4)), s.length));
        default -> {
          int len = Math.min(s.length - at, 1 + rnd.nextInt(16));
          s = concat(Arrays.copyOfRange(s, 0, at + len), Arrays.copyOfRange(s, at, s.length));
        }
      }
    }
    return s;
  }

  static byte[] concat(byte[]... parts) {
    return RequestParserTest.concat(parts);
  }

  static byte[] withHeader(byte[] stream, Random rnd) {
    byte[] h = new byte[3];
    rnd.nextBytes(h);
    return concat(h, stream);
  }

  @Test
  void mutatedStreamsKeepTheProperties() {
    Random rnd = new Random(20261126);
    long deadline = System.nanoTime() + 3_000_000_000L; // a few seconds at most on a busy machine
    int runs = 0;
    for (; runs < 20_000 && System.nanoTime() < deadline; runs++) {
      byte[] req = REQUEST_SEEDS[rnd.nextInt(REQUEST_SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
      checkRequestParser(withHeader(mutate(req, rnd), rnd));
      byte[] rep = REPLY_SEEDS[rnd.nextInt(REPLY_SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
      checkRespReader(withHeader(mutate(rep, rnd), rnd));
    }
    assertTrue(runs > 100, "ran " + runs);
  }

  @Test
  void seedsThemselvesPass() {
    Random rnd = new Random(1);
    for (String s : REQUEST_SEEDS) checkRequestParser(withHeader(s.getBytes(StandardCharsets.ISO_8859_1), rnd));
    for (String s : REPLY_SEEDS) checkRespReader(withHeader(s.getBytes(StandardCharsets.ISO_8859_1), rnd));
    assertFalse(requestParserRun(new byte[0], false, 0).isEmpty());
    assertNotNull(respReaderRun(new byte[0], 0));
  }
}
