package io.redisha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;

/**
 * Runs the same commands against our node and a real redis-server and insists on the
 * same replies (the jedis-mock ComparisonBase idea). Create one per test class with
 * the same options for both servers; {@link #flush()} between tests.
 */
public final class Differential implements AutoCloseable {

  public final TestNode ours;
  public final RealRedis theirs;
  public final RespClient a;
  public final RespClient b;

  public Differential(String... options) throws Exception {
    ours = TestNode.start(options);
    theirs = RealRedis.start(options);
    a = ours.client();
    b = theirs.client();
  }

  /** Runs one command on both and asserts the same reply; returns it. */
  public Reply both(String... cmd) throws IOException {
    Reply ra = a.call(cmd);
    Reply rb = b.call(cmd);
    assertEquals(rb, ra, () -> "reply to " + Arrays.toString(cmd) + " (expected = redis-server, actual = ours)");
    return ra;
  }

  public Reply both(byte[]... cmd) throws IOException {
    Reply ra = a.call(cmd);
    Reply rb = b.call(cmd);
    assertEquals(rb, ra, () -> "reply to a binary command (expected = redis-server, actual = ours)");
    return ra;
  }

  /** For replies whose element order Redis leaves undefined (SMEMBERS, KEYS, HGETALL of a hashtable). */
  public Reply bothUnordered(String... cmd) throws IOException {
    Reply ra = a.call(cmd);
    Reply rb = b.call(cmd);
    assertEquals(sortIfAgg(rb), sortIfAgg(ra), () -> "reply to " + Arrays.toString(cmd) + " (order ignored)");
    return ra;
  }

  /** Only the reply type and error-ness must agree (random replies such as SPOP, RANDOMKEY). */
  public Reply bothSameShape(String... cmd) throws IOException {
    Reply ra = a.call(cmd);
    Reply rb = b.call(cmd);
    assertEquals(shape(rb), shape(ra), () -> "reply shape of " + Arrays.toString(cmd));
    return ra;
  }

  private static Reply sortIfAgg(Reply r) {
    return r instanceof Reply.Agg g ? g.sorted() : r;
  }

  private static String shape(Reply r) {
    if (r instanceof Reply.Agg g) return g.type() + "" + g.items().size();
    return r.getClass().getSimpleName();
  }

  public void flush() throws IOException {
    a.call("FLUSHALL");
    b.call("FLUSHALL");
  }

  @Override
  public void close() throws Exception {
    try {
      a.close();
      b.close();
    } finally {
      try {
        ours.close();
      } finally {
        theirs.close();
      }
    }
  }
}
