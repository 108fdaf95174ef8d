package io.redisha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the same commands against our node and a real redis-server and insists on the
 * same replies (the jedis-mock ComparisonBase idea).
 *
 * <p>A test class declares one pair for all its tests with
 * {@code @RegisterExtension static final Differential d = Differential.perClass(options...);}:
 * both servers start before the first test, stop after the last, and every test starts
 * from {@link #reset()}. {@code new Differential(options...)} starts a pair at once for a
 * test that needs other options than its class (close it with try-with-resources).
 */
public final class Differential implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  // Set once the pair has started; tests only see them from their first @BeforeEach on.
  public TestNode ours;
  public RealRedis theirs;
  public RespClient a;
  public RespClient b;

  private final String[] options;
  private boolean resetEachTest = true;

  public Differential(String... options) throws Exception {
    this.options = options;
    start();
  }

  private Differential(String[] options, boolean unused) {
    this.options = options;
  }

  /** A pair owned by one test class; register it with {@code @RegisterExtension} on a static field. */
  public static Differential perClass(String... options) {
    return new Differential(options, false);
  }

  /**
   * Leaves the default connections as the previous test left them; for classes whose
   * servers refuse the reset (requirepass) and whose tests open their own connections.
   */
  public Differential withoutReset() {
    resetEachTest = false;
    return this;
  }

  private void start() throws Exception {
    ours = TestNode.start(options);
    try {
      theirs = RealRedis.start(options);
      a = ours.client();
      b = theirs.client();
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (resetEachTest) reset();
  }

  /** Both default connections back to RESP2 and db 0, and both servers empty. */
  public void reset() throws IOException {
    hello(2);
    for (RespClient c : new RespClient[] {a, b}) {
      assertEquals(new Reply.Simple("OK"), c.call("SELECT", "0"), "SELECT 0 in reset");
      assertEquals(new Reply.Simple("OK"), c.call("FLUSHALL"), "FLUSHALL in reset");
    }
  }

  /** Switches both default connections' protocol; HELLO's reply holds the connection id, so it is not compared. */
  public void hello(int protocol) throws IOException {
    a.call("HELLO", Integer.toString(protocol));
    b.call("HELLO", Integer.toString(protocol));
  }

  /** A body of commands that {@link #bothProtocols} runs once per protocol. */
  public interface PerProtocol {
    void run(String keyPrefix) throws Exception;
  }

  /**
   * Runs body under RESP2 and again under RESP3. Keys are not reset in between: the body
   * gets a prefix per protocol ({@code prefix + "r2:"}, then {@code prefix + "r3:"}) for its keys.
   */
  public void bothProtocols(String prefix, PerProtocol body) throws Exception {
    body.run(prefix + "r2:");
    hello(3);
    try {
      body.run(prefix + "r3:");
    } finally {
      hello(2);
    }
  }

  /** head followed by rest: for tables of arguments tried after the same command, {@code prepend(bad, "SET", "k", "v")}. */
  public static String[] prepend(String[] rest, String... head) {
    String[] cmd = Arrays.copyOf(head, head.length + rest.length);
    System.arraycopy(rest, 0, cmd, head.length, rest.length);
    return cmd;
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

  @Override
  public void close() throws Exception {
    try {
      if (a != null) a.close();
      if (b != null) b.close();
    } finally {
      try {
        if (ours != null) ours.close();
      } finally {
        if (theirs != null) theirs.close();
      }
    }
  }
}
