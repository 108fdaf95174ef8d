package io.redisha.node;

import static io.redisha.testing.Differential.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.node.types.HashValue;
import io.redisha.testing.Differential;
import io.redisha.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hash commands, compared reply by reply with redis-server. Both servers run with
 * small listpack limits so that hashes convert to "hashtable" after a few fields.
 */
class HashCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass("--hash-max-listpack-entries", "8", "--hash-max-listpack-value", "16");

  @Test
  void setGetDeleteMatchRedis() throws Exception {
    d.both("HSET", "h", "a", "1", "b", "2");
    d.both("HSET", "h", "a", "3", "c", "4");
    d.both("HSET", "h", "a");
    d.both("HSET", "h", "a", "1", "b");
    d.both("HMSET", "h", "d", "5");
    d.both("HMSET", "h", "d");
    d.both("HSETNX", "h", "a", "9");
    d.both("HSETNX", "h", "e", "9");
    d.both("HSETNX", "new", "f", "v");
    d.both("HGET", "h", "a");
    d.both("HGET", "h", "zz");
    d.both("HGET", "nokey", "a");
    d.both("HMGET", "h", "a", "zz", "b");
    d.both("HMGET", "nokey", "a", "b");
    d.both("HLEN", "h");
    d.both("HLEN", "nokey");
    d.both("HSTRLEN", "h", "a");
    d.both("HSTRLEN", "h", "zz");
    d.both("HSTRLEN", "nokey", "a");
    d.both("HEXISTS", "h", "a");
    d.both("HEXISTS", "h", "zz");
    d.both("HEXISTS", "nokey", "a");
    d.both("HKEYS", "h");
    d.both("HVALS", "h");
    d.both("HGETALL", "h");
    d.both("HGETALL", "nokey");
    d.both("HKEYS", "nokey");
    d.both("HDEL", "h", "a", "zz", "a");
    d.both("HDEL", "nokey", "a");
    d.both("HGETALL", "h");
    d.both("HDEL", "h", "b", "c", "d", "e");
    d.both("HLEN", "h");
    d.both("HGETALL", "h");
    d.both("HSET", "h", "x", "y");
    d.both("HGETALL", "h");
  }

  @Test
  void wrongTypeAndArityMatchRedis() throws Exception {
    d.both("SET", "s", "v");
    for (String[] cmd : new String[][] {
        {"HSET", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HGET", "s", "a"},
        {"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HLEN", "s"}, {"HSTRLEN", "s", "a"}, {"HEXISTS", "s", "a"},
        {"HKEYS", "s"}, {"HVALS", "s"}, {"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"}, {"HINCRBY", "s", "a", "x"},
        {"HINCRBYFLOAT", "s", "a", "1"}, {"HINCRBYFLOAT", "s", "a", "x"}, {"HRANDFIELD", "s"},
        {"HRANDFIELD", "s", "1"}, {"HRANDFIELD", "s", "x"}, {"HSCAN", "s", "0"}, {"HSCAN", "s", "x"},
        {"HSET", "h"}, {"HGET", "h"}, {"HMGET", "h"}, {"HDEL", "h"}, {"HSCAN", "h"}, {"HRANDFIELD"},
        {"HINCRBY", "h", "a"}, {"HSETNX", "h", "a"},
    }) {
      d.both(cmd);
    }
  }

  @Test
  void hincrbyMatchesRedis() throws Exception {
    d.both("HINCRBY", "h", "n", "5");
    d.both("HINCRBY", "h", "n", "-10");
    d.both("HINCRBY", "h", "n", "x");
    d.both("HINCRBY", "h", "n", "9223372036854775807");
    d.both("HINCRBY", "h", "n", "-9223372036854775808");
    d.both("HINCRBY", "h", "n", " 1");
    d.both("HSET", "h", "max", "9223372036854775807", "str", "abc", "sp", " 1", "lead", "01");
    d.both("HINCRBY", "h", "max", "1");
    d.both("HINCRBY", "h", "max", "-1");
    d.both("HINCRBY", "h", "str", "1");
    d.both("HINCRBY", "h", "sp", "1");
    d.both("HINCRBY", "h", "lead", "1");
    d.both("HSET", "h", "min", "-9223372036854775808");
    d.both("HINCRBY", "h", "min", "-1");
    d.both("HINCRBY", "h", "min", "0");
    d.bothUnordered("HGETALL", "h");
  }

  @Test
  void hincrbyfloatMatchesRedisLongDoubleArithmetic() throws Exception {
    String[][] steps = {
        {"f", "0.1"}, {"f", "0.2"}, {"f", "1.5"}, {"f", "-3.8"}, {"f", "1e10"}, {"f", "-1e10"},
        {"g", "3.0"}, {"g", "1e20"}, {"g", "1.00000"}, {"h", "5"}, {"h", "1e-18"}, {"h", "1e-17"}, {"h", "7e-18"},
        {"h", "-6.00000000000000001"}, {"i", "1e308"}, {"i", "1e308"}, {"j", "1e400"}, {"k", "-0.00000000000000000001"},
        {"l", ".5"}, {"l", "5."}, {"l", "+1"}, {"l", "1E+2"}, {"l", "0x10"}, {"l", "0x1.8p1"},
        {"m", "x"}, {"m", "inf"}, {"m", "-infinity"}, {"m", "nan"}, {"m", " 1"}, {"m", "1 "}, {"m", ""},
        {"m", "1e4933"}, {"m", "1e-5000"}, {"m", "1e"}, {"m", "0x"}, {"m", "--1"}, {"m", "1.5f"},
        {"n", "1.000000000000000000001"}, {"o", "123456789.123456789"}, {"o", "0.000000000000000001"},
        {"p", "-1.5"}, {"p", "1.5"}, {"q", "3"}, {"q", "-2.99999999999999999999"},
    };
    for (String[] s : steps) d.both("HINCRBYFLOAT", "h", s[0], s[1]);
    d.both("HSET", "h", "str", "abc", "inf", "inf", "big", "1e4932", "ws", " 1", "mz", "-0");
    d.both("HINCRBYFLOAT", "h", "str", "1");
    d.both("HINCRBYFLOAT", "h", "inf", "1");
    d.both("HINCRBYFLOAT", "h", "big", "1e4932");
    d.both("HINCRBYFLOAT", "h", "ws", "1");
    d.both("HINCRBYFLOAT", "h", "mz", "0");
    d.bothUnordered("HGETALL", "h");
  }

  @Test
  void randomHincrbyfloatSumsMatchRedis() throws Exception {
    Random rnd = new Random(11);
    for (int i = 0; i < 300; i++) {
      String incr = switch (rnd.nextInt(5)) {
        case 0 -> Double.toString(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(30) - 15));
        case 1 -> String.format("%.6f", rnd.nextDouble() * 1000 - 500);
        case 2 -> Long.toString(rnd.nextLong() >> rnd.nextInt(64));
        case 3 -> rnd.nextInt(1000) + "e" + (rnd.nextInt(40) - 20);
        default -> "0." + rnd.nextInt(1_000_000);
      };
      d.both("HINCRBYFLOAT", "r", "f" + rnd.nextInt(4), incr);
    }
  }

  @Test
  void encodingFollowsListpackLimitsAsRedis() throws Exception {
    // Field count: 8 stays listpack, 9 converts; deleting back does not convert back.
    for (int i = 0; i < 8; i++) d.both("HSET", "count", "f" + i, "v");
    d.both("OBJECT", "ENCODING", "count");
    d.both("HSET", "count", "f8", "v");
    d.both("OBJECT", "ENCODING", "count");
    d.both("HDEL", "count", "f8", "f7", "f6");
    d.both("OBJECT", "ENCODING", "count");
    // Long values and fields; HSETNX on an existing field writes nothing.
    d.both("HSET", "val", "a", "1234567890123456");
    d.both("OBJECT", "ENCODING", "val");
    d.both("HSETNX", "val", "a", "12345678901234567");
    d.both("OBJECT", "ENCODING", "val");
    d.both("HSET", "val", "a", "12345678901234567");
    d.both("OBJECT", "ENCODING", "val");
    d.both("HSET", "field", "12345678901234567", "1");
    d.both("OBJECT", "ENCODING", "field");
    // HINCRBYFLOAT converts on the stored result, not the increment's text.
    d.both("HINCRBYFLOAT", "fl", "a", "1.000000000000000000000");
    d.both("OBJECT", "ENCODING", "fl");
    d.both("HINCRBYFLOAT", "fl", "a", "0.1234567890123456");
    d.both("OBJECT", "ENCODING", "fl");
    d.bothUnordered("HGETALL", "count");
  }

  @Test
  void hashtableRepliesMatchRedisIgnoringOrder() throws Exception {
    for (int i = 0; i < 50; i++) d.both("HSET", "big", "field" + i, "value" + i);
    d.bothUnordered("HKEYS", "big");
    d.bothUnordered("HVALS", "big");
    d.both("HLEN", "big");
    for (int i = 0; i < 50; i += 3) d.both("HDEL", "big", "field" + i);
    d.bothUnordered("HKEYS", "big");
    d.both("HMGET", "big", "field1", "field3", "nope");
    d.bothSameShape("HRANDFIELD", "big", "5", "WITHVALUES");
    for (int i = 0; i < 20; i++) {
      Reply.Agg few = (Reply.Agg) d.a.call("HRANDFIELD", "big", "5");
      assertEquals(5, new HashSet<>(few.items()).size(), "distinct fields: " + few);
      Reply.Agg most = (Reply.Agg) d.a.call("HRANDFIELD", "big", "30");
      assertEquals(30, new HashSet<>(most.items()).size(), "distinct fields: " + most);
    }
  }

  @Test
  void hrandfieldMatchesRedisShapes() throws Exception {
    d.both("HSET", "h", "a", "1", "b", "2", "c", "3");
    d.bothSameShape("HRANDFIELD", "h");
    d.both("HRANDFIELD", "nokey");
    d.bothUnordered("HRANDFIELD", "h", "3");
    d.bothUnordered("HRANDFIELD", "h", "10");
    d.bothUnordered("HRANDFIELD", "h", "10", "WITHVALUES");
    d.bothSameShape("HRANDFIELD", "h", "2");
    d.bothSameShape("HRANDFIELD", "h", "2", "withvalues");
    d.bothSameShape("HRANDFIELD", "h", "-5");
    d.bothSameShape("HRANDFIELD", "h", "-5", "WITHVALUES");
    d.both("HRANDFIELD", "h", "0");
    d.both("HRANDFIELD", "h", "0", "WITHVALUES");
    d.both("HRANDFIELD", "nokey", "3");
    d.both("HRANDFIELD", "nokey", "-3", "WITHVALUES");
    d.both("HRANDFIELD", "h", "WITHVALUES");
    d.both("HRANDFIELD", "nokey", "x");
    d.both("HRANDFIELD", "h", "1", "foo");
    d.both("HRANDFIELD", "nokey", "1", "foo");
    d.both("HRANDFIELD", "h", "1", "WITHVALUES", "x");
    d.both("HRANDFIELD", "h", "-9223372036854775808");
    d.both("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES");
    d.both("HRANDFIELD", "nokey", "-4611686018427387904", "WITHVALUES");
    // Random picks are real fields with their own values.
    for (int i = 0; i < 20; i++) {
      Reply.Agg r = (Reply.Agg) d.a.call("HRANDFIELD", "h", "-4", "WITHVALUES");
      for (int k = 0; k < r.items().size(); k += 2) {
        String f = Reply.str(r.items().get(k));
        assertEquals(Integer.toString(f.charAt(0) - 'a' + 1), Reply.str(r.items().get(k + 1)));
      }
      Reply.Agg distinct = (Reply.Agg) d.a.call("HRANDFIELD", "h", "2");
      assertEquals(2, new HashSet<>(distinct.items()).size());
    }
  }

  @Test
  void resp3RepliesMatchRedis() throws Exception {
    d.hello(3); // the next test starts under RESP2 again (Differential.reset)
    d.both("HSET", "h", "a", "1", "b", "2", "c", "3");
    d.both("HGETALL", "h");
    d.both("HGETALL", "nokey");
    d.both("HMGET", "h", "a", "zz");
    d.both("HGET", "h", "zz");
    d.both("HRANDFIELD", "nokey");
    d.both("HRANDFIELD", "nokey", "2", "WITHVALUES");
    d.bothUnordered("HRANDFIELD", "h", "3", "WITHVALUES");
    d.bothSameShape("HRANDFIELD", "h", "-3", "WITHVALUES");
    d.bothSameShape("HRANDFIELD", "h", "2", "WITHVALUES");
    d.bothSameShape("HRANDFIELD", "h", "-3");
    d.both("HSCAN", "h", "0");
    d.both("HINCRBYFLOAT", "h", "f", "1.5");
    d.both("HKEYS", "h");
  }

  @Test
  void hscanOfAListpackMatchesRedis() throws Exception {
    d.both("HSET", "h", "apple", "1", "banana", "2", "avocado", "3");
    for (String[] args : new String[][] {
        {"0"}, {"0", "COUNT", "1"}, {"0", "MATCH", "a*"}, {"0", "match", "a*", "count", "100"}, {"7"},
        {"-1"}, {"+1"}, {"07"}, {"18446744073709551615"}, {"18446744073709551616"}, {" 1"}, {"x"}, {""},
        {"0", "COUNT", "0"}, {"0", "COUNT", "-1"}, {"0", "COUNT", "x"}, {"0", "MATCH"}, {"0", "FOO", "bar"},
        {"0", "COUNT", "9223372036854775807"},
    }) {
      d.both(prepend(args, "HSCAN", "h"));
    }
    d.both("HSCAN", "nokey", "0", "COUNT", "0");
    d.both("HSCAN", "nokey", "x");
  }

  /** A full HSCAN of a hashtable returns every field, while fields come and go. */
  @Test
  void hscanOfAHashtableReturnsEveryStableField() throws Exception {
    for (int i = 0; i < 500; i++) d.a.call("HSET", "big", "f" + i, "v" + i);
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    Random rnd = new Random(1);
    do {
      Reply.Agg r = (Reply.Agg) d.a.call("HSCAN", "big", cursor, "COUNT", "7");
      cursor = Reply.str(r.items().get(0));
      Reply.Agg items = (Reply.Agg) r.items().get(1);
      for (int k = 0; k < items.items().size(); k += 2) {
        String f = Reply.str(items.items().get(k));
        int n = Integer.parseInt(f.substring(1));
        if (n < 500) assertEquals("v" + n, Reply.str(items.items().get(k + 1)));
        seen.add(f);
      }
      // Grow and shrink the table between calls: fields >= 500 come and go.
      if (calls % 3 == 0) for (int j = 0; j < 40; j++) d.a.call("HSET", "big", "f" + (500 + rnd.nextInt(2000)), "x");
      if (calls % 3 == 1) for (int j = 500; j < 2500; j++) d.a.call("HDEL", "big", "f" + j);
      calls++;
    } while (!cursor.equals("0") && calls < 10_000);
    for (int i = 0; i < 500; i++) assertTrue(seen.contains("f" + i), "HSCAN missed f" + i);
    Reply.Agg matched = (Reply.Agg) ((Reply.Agg) d.a.call("HSCAN", "big", "0", "MATCH", "f1?", "COUNT", "100000")).items().get(1);
    assertEquals(20, matched.items().size());
  }

  /** HashValue against a java.util model in both encodings; a test of the structure itself, so it uses it directly. */
  @Test
  void hashValueBehavesLikeAMap() {
    Random rnd = new Random(3);
    HashValue h = new HashValue();
    Map<String, String> model = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      String f = "f" + rnd.nextInt(i < 10_000 ? 100 : 3000);
      if (rnd.nextInt(3) > 0) {
        String v = "v" + i;
        boolean added = h.put(bytes(f), bytes(v), 128, 64);
        assertEquals(model.put(f, v) == null, added);
      } else {
        assertEquals(model.remove(f) != null, h.remove(bytes(f)));
      }
      assertEquals(model.size(), h.size());
      String probe = "f" + rnd.nextInt(3000);
      byte[] got = h.get(bytes(probe));
      assertEquals(model.get(probe), got == null ? null : new String(got, StandardCharsets.UTF_8));
    }
    assertEquals("hashtable", h.encoding());
    HashValue copy = h.copy();
    Map<String, String> copied = new HashMap<>();
    copy.forEach((f, v) -> copied.put(new String(f, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
    assertEquals(model, copied);
    assertEquals("hashtable", copy.encoding());
    HashValue small = new HashValue();
    small.put(bytes("a"), bytes("1"), 128, 64);
    assertEquals("listpack", small.copy().encoding());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
