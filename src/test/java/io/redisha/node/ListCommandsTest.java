package io.redisha.node;

import static io.redisha.testing.Differential.prepend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.redisha.node.types.ListValue;
import io.redisha.testing.Differential;
import io.redisha.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** List commands, compared reply by reply with redis-server. */
class ListCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass();

  @Test
  void pushesAndPopsMatchRedis() throws Exception {
    d.both("LPUSH", "l", "a", "b", "c");
    d.both("RPUSH", "l", "d", "e");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LPUSHX", "l", "x");
    d.both("RPUSHX", "l", "y", "z");
    d.both("LPUSHX", "nokey", "x");
    d.both("RPUSHX", "nokey", "x");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LLEN", "l");
    d.both("LLEN", "nokey");
    d.both("LPOP", "l");
    d.both("RPOP", "l");
    d.both("LPOP", "l", "2");
    d.both("RPOP", "l", "2");
    d.both("LPOP", "l", "0");
    d.both("RPOP", "l", "100");
    d.both("LLEN", "l");
    d.both("LPOP", "l");
    d.both("LPOP", "nokey");
    d.both("LPOP", "nokey", "0");
    d.both("LPOP", "nokey", "3");
    d.both("RPOP", "nokey", "3");
    d.both("LPOP", "nokey", "-1");
    d.both("LPOP", "nokey", "x");
    d.both("LPOP", "nokey", "1", "2");
    d.both("RPOP", "nokey", "1", "2");
    d.both("LPUSH", "l");
    d.both("LPUSH", "l", "a");
    d.both("RPOP", "l", "9223372036854775807");
  }

  @Test
  void wrongTypeAndArgumentErrorsMatchRedis() throws Exception {
    d.both("SET", "s", "v");
    d.both("RPUSH", "l", "a", "b", "c");
    for (String[] cmd : new String[][] {
        {"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"},
        {"LPOP", "s"}, {"RPOP", "s", "1"}, {"LPOP", "s", "-1"}, {"LLEN", "s"}, {"LINDEX", "s", "0"},
        {"LINDEX", "s", "x"}, {"LSET", "s", "0", "a"}, {"LSET", "s", "x", "a"}, {"LRANGE", "s", "0", "1"},
        {"LRANGE", "s", "x", "1"}, {"LTRIM", "s", "0", "1"}, {"LREM", "s", "0", "a"}, {"LREM", "s", "x", "a"},
        {"LINSERT", "s", "before", "a", "b"}, {"LINSERT", "s", "middle", "a", "b"}, {"LPOS", "s", "a"},
        {"LPOS", "s", "a", "rank", "0"}, {"LMOVE", "s", "l", "left", "left"}, {"LMOVE", "l", "s", "left", "left"},
        {"LMOVE", "nokey", "s", "left", "left"}, {"LMOVE", "l", "s", "up", "left"}, {"RPOPLPUSH", "s", "l"},
        {"RPOPLPUSH", "l", "s"}, {"LMPOP", "1", "s", "left"}, {"LMPOP", "2", "nokey", "s", "left"},
        {"LMPOP", "2", "l", "s", "left"},
        {"LINDEX", "nokey", "x"}, {"LSET", "nokey", "x", "a"}, {"LSET", "nokey", "0", "a"},
        {"LSET", "l", "x", "a"}, {"LSET", "l", "3", "a"}, {"LSET", "l", "-4", "a"},
        {"LRANGE", "nokey", "x", "1"}, {"LRANGE", "l", "0", "x"}, {"LTRIM", "nokey", "x", "1"},
        {"LTRIM", "l", "0", "9223372036854775808"}, {"LREM", "nokey", "x", "a"},
        {"LINSERT", "nokey", "x", "a", "b"}, {"LINSERT", "l", "BEFORE", "a"},
        {"LLEN"}, {"LPOP"}, {"LINDEX", "l"}, {"LRANGE", "l", "0"}, {"LPOS", "l"}, {"LMOVE", "l", "l", "left"},
    }) {
      d.both(cmd);
    }
    d.both("LRANGE", "l", "0", "-1");
  }

  @Test
  void indexRangeTrimMatchRedis() throws Exception {
    d.both("RPUSH", "l", "a", "b", "c", "d", "e", "f");
    for (String i : new String[] {"0", "5", "6", "-1", "-6", "-7", "100", "-9223372036854775808", "9223372036854775807"}) {
      d.both("LINDEX", "l", i);
    }
    d.both("LINDEX", "nokey", "0");
    d.both("LSET", "l", "0", "A");
    d.both("LSET", "l", "-1", "F");
    d.both("LSET", "l", "6", "x");
    String[][] ranges = {{"0", "-1"}, {"1", "3"}, {"-3", "-1"}, {"-100", "100"}, {"5", "1"}, {"6", "10"},
        {"-1", "-2"}, {"0", "0"}, {"-9223372036854775808", "9223372036854775807"}, {"3", "-100"}};
    for (String[] r : ranges) d.both("LRANGE", "l", r[0], r[1]);
    d.both("LRANGE", "nokey", "0", "-1");
    d.both("LTRIM", "l", "1", "-2");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LTRIM", "l", "-100", "100");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LTRIM", "l", "1", "1");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LTRIM", "l", "5", "1");
    d.both("LLEN", "l");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LTRIM", "nokey", "0", "1");
  }

  @Test
  void lremAndLinsertMatchRedis() throws Exception {
    d.both("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a");
    d.both("LREM", "l", "1", "a");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LREM", "l", "-2", "a");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LREM", "l", "0", "b");
    d.both("LRANGE", "l", "0", "-1");
    d.both("LREM", "l", "0", "zz");
    d.both("LREM", "nokey", "0", "a");
    d.both("RPUSH", "m", "x", "y", "x");
    d.both("LREM", "m", "-9223372036854775808", "x");
    d.both("LRANGE", "m", "0", "-1");
    d.both("LREM", "m", "0", "y");
    d.both("LLEN", "m");
    d.both("LINSERT", "l", "BEFORE", "c", "1");
    d.both("LINSERT", "l", "after", "c", "2");
    d.both("LINSERT", "l", "after", "a", "3");
    d.both("LINSERT", "l", "before", "a", "0");
    d.both("LINSERT", "l", "before", "zz", "0");
    d.both("LINSERT", "nokey", "before", "a", "0");
    d.both("LRANGE", "l", "0", "-1");
  }

  @Test
  void lposMatchesRedis() throws Exception {
    d.both("RPUSH", "l", "a", "b", "c", "a", "b", "a", "c");
    String[][] cases = {
        {"a"}, {"c"}, {"zz"}, {"a", "RANK", "2"}, {"a", "RANK", "-1"}, {"a", "RANK", "-3"}, {"a", "RANK", "4"},
        {"a", "COUNT", "0"}, {"a", "COUNT", "2"}, {"zz", "COUNT", "2"}, {"a", "RANK", "-1", "COUNT", "0"},
        {"a", "RANK", "2", "COUNT", "0", "MAXLEN", "5"}, {"a", "MAXLEN", "1"}, {"c", "MAXLEN", "1"},
        {"c", "MAXLEN", "3", "COUNT", "0"}, {"a", "RANK", "-9223372036854775808"},
        {"a", "RANK", "0"}, {"a", "RANK", "x"}, {"a", "COUNT", "-1"}, {"a", "COUNT", "x"},
        {"a", "MAXLEN", "-1"}, {"a", "MAXLEN", "x"}, {"a", "RANK"}, {"a", "FOO", "1"},
        {"a", "RANK", "1", "RANK", "2"}, {"a", "count", "1", "rank", "0"},
    };
    for (String[] c : cases) {
      d.both(prepend(c, "LPOS", "l"));
    }
    d.both("LPOS", "nokey", "a");
    d.both("LPOS", "nokey", "a", "COUNT", "1");
  }

  @Test
  void moveAndMultiPopMatchRedis() throws Exception {
    d.both("RPUSH", "src", "a", "b", "c");
    d.both("LMOVE", "src", "dst", "LEFT", "RIGHT");
    d.both("LMOVE", "src", "dst", "right", "left");
    d.both("LMOVE", "src", "src", "left", "right");
    d.both("LRANGE", "src", "0", "-1");
    d.both("LMOVE", "src", "src", "left", "left");
    d.both("RPOPLPUSH", "src", "dst");
    d.both("LLEN", "src");
    d.both("LRANGE", "dst", "0", "-1");
    d.both("RPOPLPUSH", "nokey", "dst");
    d.both("LMOVE", "nokey", "dst", "left", "left");
    d.both("RPOPLPUSH", "dst", "dst");
    d.both("LRANGE", "dst", "0", "-1");
    d.both("RPUSH", "one", "x");
    d.both("RPOPLPUSH", "one", "one");
    d.both("LRANGE", "one", "0", "-1");

    d.both("RPUSH", "l1", "a", "b", "c");
    d.both("RPUSH", "l2", "d");
    d.both("LMPOP", "2", "nokey", "l1", "LEFT");
    d.both("LMPOP", "2", "nokey", "l1", "RIGHT", "COUNT", "5");
    d.both("LMPOP", "2", "l1", "l2", "left", "count", "9223372036854775807");
    d.both("LMPOP", "1", "nokey", "left");
    for (String[] cmd : new String[][] {
        {"LMPOP", "0", "l1", "left"}, {"LMPOP", "-1", "l1", "left"}, {"LMPOP", "x", "l1", "left"},
        {"LMPOP", "2", "l1", "left"}, {"LMPOP", "3", "l1", "left"}, {"LMPOP", "9223372036854775807", "l1", "left"},
        {"LMPOP", "1", "l1", "middle"}, {"LMPOP", "1", "l1", "left", "count", "0"},
        {"LMPOP", "1", "l1", "left", "count", "-1"}, {"LMPOP", "1", "l1", "left", "count", "x"},
        {"LMPOP", "1", "l1", "left", "count"}, {"LMPOP", "1", "l1", "left", "count", "1", "count", "1"},
        {"LMPOP", "1", "l1", "left", "foo"}, {"LMPOP", "1", "l1"},
    }) {
      d.both(cmd);
    }
  }

  /** Which writes invalidate a WATCH: the same ones as in redis-server (real changes only). */
  @Test
  void watchSeesTheSameChangesAsRedis() throws Exception {
    String[][] touches = {
        {"LPUSH", "w", "x"}, {"LREM", "w", "0", "zz"}, {"LREM", "w", "0", "a"}, {"LSET", "w", "0", "b"},
        {"LTRIM", "w", "0", "-1"}, {"LINSERT", "w", "before", "zz", "x"}, {"LINSERT", "w", "before", "a", "x"},
        {"LPOP", "w", "0"}, {"RPOP", "w"}, {"LMOVE", "w", "w", "left", "right"}, {"LPUSHX", "nokey", "x"},
        {"HSET", "hw", "f", "v"}, {"HDEL", "hw", "zz"}, {"HDEL", "hw", "a"}, {"HSETNX", "hw", "a", "v"},
        {"HINCRBY", "hw", "n", "1"}, {"HINCRBYFLOAT", "hw", "n", "1.5"},
    };
    try (var oursOther = d.ours.client(); var theirsOther = d.theirs.client()) {
      for (String[] touch : touches) {
        d.reset();
        d.both("RPUSH", "w", "a", "b", "a");
        d.both("HSET", "hw", "a", "1");
        String watched = touch[1].equals("nokey") ? "w" : touch[1];
        d.both("WATCH", watched);
        assertEquals(Reply.str(theirsOther.call(touch)), Reply.str(oursOther.call(touch)), "reply to the touch");
        d.both("MULTI");
        d.both("PING");
        assertEquals(d.b.call("EXEC"), d.a.call("EXEC"), () -> "EXEC after " + String.join(" ", touch));
      }
    }
  }

  @Test
  void resp3RepliesMatchRedis() throws Exception {
    d.hello(3); // the next test starts under RESP2 again (Differential.reset)
    d.both("RPUSH", "l", "a", "b", "a");
    d.both("LPOP", "nokey");
    d.both("LPOP", "nokey", "2");
    d.both("LPOP", "l", "0");
    d.both("LPOP", "l", "1");
    d.both("LINDEX", "l", "9");
    d.both("LPOS", "l", "zz");
    d.both("LPOS", "l", "a", "COUNT", "0");
    d.both("LMPOP", "1", "nokey", "left");
    d.both("LMPOP", "1", "l", "left");
    d.both("RPOPLPUSH", "nokey", "l");
    d.both("LRANGE", "l", "0", "-1");
  }

  @Test
  void binaryElementsRoundTrip() throws Exception {
    byte[] bin = {0, 1, (byte) 0xff, '\r', '\n', 0};
    d.both("RPUSH".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII), bin, new byte[0]);
    d.both("LRANGE", "b", "0", "-1");
    d.both("LPOS".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII), bin);
    d.both("LREM".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII),
        "0".getBytes(StandardCharsets.US_ASCII), new byte[0]);
    d.both("LRANGE", "b", "0", "-1");
  }

  @Test
  void randomOperationsAgreeWithRedis() throws Exception {
    Random rnd = new Random(42);
    String[] ops = {"LPUSH", "RPUSH", "LPOP", "RPOP", "LINSERT", "LREM", "LSET", "LTRIM", "LMOVE"};
    for (int i = 0; i < 400; i++) {
      String op = ops[rnd.nextInt(ops.length)];
      String v = Integer.toString(rnd.nextInt(5));
      String idx = Integer.toString(rnd.nextInt(12) - 6);
      switch (op) {
        case "LPUSH", "RPUSH" -> d.both(op, "r", v, Integer.toString(rnd.nextInt(5)));
        case "LPOP", "RPOP" -> d.both(op, "r", Integer.toString(rnd.nextInt(3)));
        case "LINSERT" -> d.both(op, "r", rnd.nextBoolean() ? "BEFORE" : "AFTER", v, "n" + i);
        case "LREM" -> d.both(op, "r", idx, v);
        case "LSET" -> d.both(op, "r", idx, "s" + i);
        case "LTRIM" -> d.both(op, "r", idx, Integer.toString(rnd.nextInt(30)));
        default -> d.both(op, "r", rnd.nextBoolean() ? "r" : "r2", rnd.nextBoolean() ? "LEFT" : "RIGHT",
            rnd.nextBoolean() ? "LEFT" : "RIGHT");
      }
      if (i % 20 == 0) {
        d.both("LRANGE", "r", "0", "-1");
        d.both("LRANGE", "r2", "0", "-1");
      }
    }
    d.both("LRANGE", "r", "0", "-1");
  }

  /**
   * The circular array against a plain list model, across wrap-arounds and resizes. Uses
   * ListValue directly on purpose: wrap-around and resizing are not visible over the wire.
   */
  @Test
  void listValueBehavesLikeADeque() {
    Random rnd = new Random(7);
    ListValue l = new ListValue();
    List<byte[]> model = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] v = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
      int op = rnd.nextInt(10);
      if (op < 3) {
        l.pushFirst(v);
        model.add(0, v);
      } else if (op < 6) {
        l.pushLast(v);
        model.add(v);
      } else if (op == 6 && !model.isEmpty()) {
        assertArrayEquals(model.remove(0), l.popFirst());
      } else if (op == 7 && !model.isEmpty()) {
        assertArrayEquals(model.remove(model.size() - 1), l.popLast());
      } else if (op == 8) {
        int at = rnd.nextInt(model.size() + 1);
        l.insert(at, v);
        model.add(at, v);
      } else if (!model.isEmpty()) {
        int at = rnd.nextInt(model.size());
        assertArrayEquals(model.get(at), l.get(at));
      }
      assertEquals(model.size(), l.size());
    }
    for (int i = 0; i < model.size(); i++) assertArrayEquals(model.get(i), l.get(i));
    ListValue copy = l.copy();
    assertNotSame(l, copy);
    assertEquals(model.size(), copy.size());
    while (!model.isEmpty()) assertArrayEquals(model.remove(0), copy.popFirst());
    assertEquals("quicklist", copy.encoding());
  }
}
