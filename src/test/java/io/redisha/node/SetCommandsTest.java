package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.node.types.SetValue;
import io.redisha.testing.Differential;
import io.redisha.testing.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Set commands against a real redis-server 7.0: same replies, errors and encodings. */
class SetCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass("--set-max-intset-entries", "8");

  @Test
  void addRemoveMembershipAndErrors() throws Exception {
    d.bothProtocols("", p -> {
      String s = p + "s", str = p + "str";
      d.both("SADD", s, "3", "1", "2", "2");
      d.both("SADD", s, "1");
      d.both("SMEMBERS", s);
      d.both("SCARD", s);
      d.both("SISMEMBER", s, "1");
      d.both("SISMEMBER", s, "x");
      d.both("SMISMEMBER", s, "1", "x", "3");
      d.both("SMISMEMBER", p + "none", "1");
      d.both("SREM", s, "1", "9");
      d.both("SMEMBERS", s);
      d.both("SET", str, "v");
      d.both("SADD", str, "a");
      d.both("SREM", str, "a");
      d.both("SCARD", str);
      d.both("SMEMBERS", str);
      d.both("SISMEMBER", str, "a");
      d.both("SADD", s);
      d.both("SREM", s, "2", "3");
      d.both("EXISTS", s);
      d.both("SCARD", s);
      d.both("SMEMBERS", p + "none");
    });
  }

  @Test
  void intsetOrderAndEncodingThresholds() throws Exception {
    d.both("SADD", "enc", "10", "-5", "0", "9223372036854775807", "-9223372036854775808");
    d.both("SMEMBERS", "enc");
    d.both("OBJECT", "ENCODING", "enc");
    // Not canonical integers: they force a hashtable.
    for (String odd : new String[] {"01", "+1", " 1", "1.0", "9223372036854775808", "-0"}) {
      d.both("SADD", "odd" + odd, "1", odd);
      d.both("OBJECT", "ENCODING", "odd" + odd);
      d.bothUnordered("SMEMBERS", "odd" + odd);
    }
    // set-max-intset-entries is 8 on both servers.
    for (int i = 1; i <= 8; i++) d.both("SADD", "lim", Integer.toString(i));
    d.both("OBJECT", "ENCODING", "lim");
    d.both("SMEMBERS", "lim");
    d.both("SADD", "lim", "9");
    d.both("OBJECT", "ENCODING", "lim");
    d.bothUnordered("SMEMBERS", "lim");
    d.both("SREM", "lim", "9", "8");
    d.both("OBJECT", "ENCODING", "lim");
    d.both("SADD", "str1", "a");
    d.both("OBJECT", "ENCODING", "str1");
  }

  @Test
  void algebra() throws Exception {
    d.bothProtocols("", p -> {
      String a = p + "a", b = p + "b", c = p + "c", str = p + "str", dst = p + "dst";
      d.both("SADD", a, "1", "2", "3", "4");
      d.both("SADD", b, "2", "3", "5");
      d.both("SADD", c, "x", "3", "y");
      d.both("SET", str, "v");
      d.both("SINTER", a, b);
      d.both("SINTER", a, p + "none");
      d.both("SINTER", p + "none", str);
      d.both("SINTER", str, p + "none");
      d.bothUnordered("SINTER", a, b, c);
      d.both("SUNION", a, b);
      d.bothUnordered("SUNION", a, c);
      d.both("SUNION", p + "none", str);
      d.both("SDIFF", a, b);
      d.both("SDIFF", a, p + "none");
      d.both("SDIFF", p + "none", a);
      d.both("SDIFF", a, str);
      d.both("SINTERSTORE", dst, a, b);
      d.both("SMEMBERS", dst);
      d.both("OBJECT", "ENCODING", dst);
      d.both("SUNIONSTORE", dst, a, c);
      d.both("OBJECT", "ENCODING", dst);
      d.bothUnordered("SMEMBERS", dst);
      d.both("SDIFFSTORE", dst, a, b);
      d.both("SMEMBERS", dst);
      d.both("SINTERSTORE", dst, a, p + "none");
      d.both("EXISTS", dst);
      d.both("SET", dst, "v");
      d.both("SUNIONSTORE", dst, a);
      d.both("SCARD", dst);
      d.both("SINTERSTORE", dst, str);
      d.both("SINTERCARD", "2", a, b);
      d.both("SINTERCARD", "2", a, b, "LIMIT", "1");
      d.both("SINTERCARD", "2", a, b, "limit", "0");
      d.both("SINTERCARD", "1", p + "none");
      d.both("SINTERCARD", "0", a);
      d.both("SINTERCARD", "x", a);
      d.both("SINTERCARD", "3", a, b);
      d.both("SINTERCARD", "1", a, "LIMIT", "-1");
      d.both("SINTERCARD", "1", a, "LIMIT");
      d.both("SINTERCARD", "1", a, "foo");
      d.both("SINTERCARD", "2", a, str);
    });
  }

  @Test
  void smove() throws Exception {
    d.both("SADD", "mv1", "a", "b");
    d.both("SADD", "mv2", "c");
    d.both("SET", "mvs", "x");
    d.both("SMOVE", "mv1", "mv2", "a");
    d.both("SMOVE", "mv1", "mv2", "zz");
    d.both("SMOVE", "nokey", "mvs", "a");
    d.both("SMOVE", "mv1", "mvs", "b");
    d.both("SMOVE", "mvs", "mv1", "b");
    d.both("SMOVE", "mv1", "mv1", "b");
    d.both("SMOVE", "mv1", "mv1", "q");
    d.both("SMOVE", "mv1", "mv3", "b");
    d.both("EXISTS", "mv1");
    d.both("SMEMBERS", "mv3");
    d.bothUnordered("SMEMBERS", "mv2");
    d.both("SADD", "mvi", "1");
    d.both("SMOVE", "mv2", "mvi", "c");
    d.both("OBJECT", "ENCODING", "mvi");
  }

  @Test
  void popAndRandom() throws Exception {
    d.bothProtocols("", p -> {
      String s = p + "pr", h = p + "prh", str = p + "str";
      d.both("SADD", s, "1", "2", "3", "4", "5");
      d.both("SET", str, "v");
      d.bothSameShape("SPOP", s);
      d.both("SCARD", s);
      d.bothSameShape("SPOP", s, "2");
      d.both("SCARD", s);
      d.both("SPOP", s, "0");
      d.bothSameShape("SPOP", s, "5");
      d.both("EXISTS", s);
      d.both("SPOP", s);
      d.both("SPOP", s, "3");
      d.both("SPOP", s, "-1");
      d.both("SPOP", s, "x");
      d.both("SPOP", s, "1", "2");
      d.both("SPOP", str);
      d.both("SPOP", str, "1");
      d.both("SADD", h, "a", "b", "c", "d", "e", "f");
      d.bothSameShape("SRANDMEMBER", h);
      d.bothSameShape("SRANDMEMBER", h, "3");
      d.bothSameShape("SRANDMEMBER", h, "5");
      d.bothSameShape("SRANDMEMBER", h, "-20");
      d.bothUnordered("SRANDMEMBER", h, "6");
      d.bothUnordered("SRANDMEMBER", h, "100");
      d.both("SRANDMEMBER", h, "0");
      d.both("SRANDMEMBER", p + "none");
      d.both("SRANDMEMBER", p + "none", "3");
      d.both("SRANDMEMBER", h, "x");
      d.both("SRANDMEMBER", h, "-9223372036854775808");
      d.both("SRANDMEMBER", h, "1", "2");
      d.both("SRANDMEMBER", str);
      d.both("SRANDMEMBER", str, "2");
      d.both("SADD", p + "ri", "3", "1", "2");
      d.both("SRANDMEMBER", p + "ri", "3");
      d.both("SPOP", p + "ri", "3");
    });
    // Random replies really come from the set, without repeats for a positive count.
    d.a.call("SADD", "rnd", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    for (int count : new int[] {1, 3, 7, 9}) {
      Reply.Agg r = (Reply.Agg) d.a.call("SRANDMEMBER", "rnd", Integer.toString(count));
      Set<String> seen = new HashSet<>();
      for (Reply x : r.items()) seen.add(((Reply.Bulk) x).text());
      assertEquals(count, seen.size());
    }
    Set<String> popped = new HashSet<>();
    for (int i = 0; i < 10; i++) popped.add(((Reply.Bulk) d.a.call("SPOP", "rnd")).text());
    assertEquals(10, popped.size());
    assertEquals(new Reply.Int(0), d.a.call("EXISTS", "rnd"));
  }

  @Test
  void sscan() throws Exception {
    d.both("SADD", "sc", "1", "2", "3", "10");
    d.both("SSCAN", "sc", "0");
    d.both("SSCAN", "sc", "0", "MATCH", "1*");
    d.both("SSCAN", "sc", "0", "COUNT", "1");
    d.both("SSCAN", "sc", "x");
    d.both("SSCAN", "sc", "-1");
    d.both("SSCAN", "sc", "+5");
    d.both("SSCAN", "sc", "18446744073709551616");
    d.both("SSCAN", "sc", "0", "COUNT", "0");
    d.both("SSCAN", "sc", "0", "MATCH");
    d.both("SSCAN", "sc", "0", "TYPE", "set");
    d.both("SSCAN", "nokey", "0");
    d.both("SET", "scs", "v");
    d.both("SSCAN", "scs", "0");
    // A large hashtable: every member comes back over the cursor walk.
    List<String> args = new ArrayList<>(List.of("SADD", "big"));
    for (int i = 0; i < 1000; i++) args.add("m" + i);
    d.both(args.toArray(String[]::new));
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int rounds = 0;
    do {
      Reply.Agg r = (Reply.Agg) d.a.call("SSCAN", "big", cursor, "COUNT", "50");
      cursor = ((Reply.Bulk) r.items().get(0)).text();
      for (Reply x : ((Reply.Agg) r.items().get(1)).items()) seen.add(((Reply.Bulk) x).text());
      rounds++;
    } while (!cursor.equals("0"));
    assertEquals(1000, seen.size());
    assertEquals(true, rounds > 1);
    Set<String> matched = new HashSet<>();
    cursor = "0";
    do {
      Reply.Agg r = (Reply.Agg) d.a.call("SSCAN", "big", cursor, "MATCH", "m1?");
      cursor = ((Reply.Bulk) r.items().get(0)).text();
      for (Reply x : ((Reply.Agg) r.items().get(1)).items()) matched.add(((Reply.Bulk) x).text());
    } while (!cursor.equals("0"));
    assertEquals(10, matched.size());
  }

  /**
   * The open-addressing table against java.util.HashSet under random adds and removes. Uses
   * SetValue directly on purpose: probing and tombstones are not visible over the wire.
   */
  @Test
  void tableMatchesHashSet() {
    java.util.Random rnd = new java.util.Random(3);
    SetValue s = new SetValue();
    Set<String> model = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String m = "x" + rnd.nextInt(3000);
      byte[] b = m.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (rnd.nextInt(3) == 0) assertEquals(model.remove(m), s.remove(b));
      else assertEquals(model.add(m), s.add(b, 512));
      if (i % 1000 == 0) {
        assertEquals(model.size(), s.size());
        for (String x : model) assertEquals(true, s.contains(x.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
    Set<String> all = new HashSet<>();
    s.forEach(b -> all.add(new String(b, java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(model, all);
    // Draining through random picks shrinks the table and still finds every member.
    while (s.size() > 0) {
      byte[] picked = s.random(rnd);
      assertEquals(true, model.remove(new String(picked, java.nio.charset.StandardCharsets.UTF_8)));
      assertEquals(true, s.remove(picked));
    }
    assertEquals(0, model.size());
  }

  /** SCAN's promise: members present throughout are returned, even as the table grows and shrinks. */
  @Test
  void scanSurvivesResizing() {
    SetValue s = new SetValue();
    for (int i = 0; i < 1000; i++) s.add(("p" + i).getBytes(), 0);
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    int step = 0;
    do {
      cursor = s.scan(cursor, 10, b -> seen.add(new String(b)));
      step++;
      if (step % 20 == 5) for (int i = 0; i < 3000; i++) s.add(("t" + step + "_" + i).getBytes(), 0);
      if (step % 20 == 15) for (int i = 0; i < 3000; i++) s.remove(("t" + (step - 10) + "_" + i).getBytes());
    } while (cursor != 0);
    for (int i = 0; i < 1000; i++) assertEquals(true, seen.contains("p" + i), "p" + i);
  }

  @Test
  void copyIsIndependentAndKeepsTheEncoding() {
    SetValue ints = new SetValue();
    ints.add("1".getBytes(), 512);
    SetValue intsCopy = ints.copy();
    intsCopy.add("2".getBytes(), 512);
    assertEquals(1, ints.size());
    assertEquals("intset", intsCopy.encoding());
    SetValue table = new SetValue();
    table.add("a".getBytes(), 512);
    SetValue tableCopy = table.copy();
    tableCopy.remove("a".getBytes());
    assertEquals(true, table.contains("a".getBytes()));
    assertEquals("hashtable", tableCopy.encoding());
  }

  @Test
  void arity() throws Exception {
    d.both("SADD", "k");
    d.both("SMEMBERS");
    d.both("SINTERSTORE", "k");
    d.both("SMOVE", "a", "b");
    d.both("SMISMEMBER", "k");
  }
}
