package io.redisha.node;

import static io.redisha.testing.Differential.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Differential;
import io.redisha.testing.Info;
import io.redisha.testing.Reply;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The string family against a real redis-server 7.0: same replies, same errors. */
class StringCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass();

  @Test
  void getAndSetWithEveryOptionCombination() throws Exception {
    d.both("GET", "k");
    d.both("SET", "k", "v");
    d.both("GET", "k");
    d.both("SET", "k", "v2", "NX");
    d.both("SET", "k", "v2", "XX");
    d.both("SET", "n", "v", "XX");
    d.both("GET", "n");
    d.both("SET", "k", "v3", "GET");
    d.both("SET", "new", "v", "GET");
    d.both("SET", "k", "v4", "NX", "GET");
    d.both("SET", "k2", "v", "get", "nx");
    d.both("SET", "k3", "v", "XX", "GET");
    d.both("SET", "k", "v", "nx", "nx");
    d.both("SET", "k", "v", "EX", "100");
    d.both("TTL", "k");
    d.both("SET", "k", "v", "EX", "10", "EX", "100");
    d.both("TTL", "k");
    d.both("SET", "k", "v", "KEEPTTL");
    d.both("TTL", "k");
    d.both("SET", "k", "v");
    d.both("TTL", "k");
    d.both("SET", "k", "v", "EXAT", "4102444800");
    d.both("EXPIRETIME", "k");
    d.both("SET", "k", "v", "PXAT", "4102444800123");
    d.both("PEXPIRETIME", "k");
    d.both("SET", "k", "v", "PX", "100000", "GET", "XX");
    d.both("SET", "k", "v", "PXAT", "1");
    d.both("GET", "k");
    d.both("EXISTS", "k");
    for (String[] bad : new String[][] {
        {"EX", "10", "PX", "100"}, {"KEEPTTL", "EX", "10"}, {"EX", "10", "KEEPTTL"}, {"NX", "XX"}, {"XX", "NX"},
        {"EX"}, {"PX"}, {"EXAT"}, {"PXAT"}, {"PERSIST"}, {"FOO"}, {"EX", "10", "EXAT", "10"},
        {"EX", "0"}, {"EX", "-1"}, {"PX", "0"}, {"EXAT", "0"}, {"PXAT", "-5"}, {"EX", "abc"}, {"EX", "1.5"},
        {"EX", "9223372036854775"}, {"EX", "9223372036854776"}, {"PX", "9223372036854775807"},
        {"EX", "99999999999999999999"}, {"NX", "EX", "abc", "FOO"}}) {
      d.both(prepend(bad, "SET", "x", "v"));
    }
    d.both("SET", "k");
    d.both("GET", "a", "b");
    d.both("RPUSH", "list", "x");
    d.both("GET", "list");
    d.both("SET", "list", "v", "GET");
    d.both("SET", "list", "v", "EX", "0", "GET");
    d.both("SET", "list", "v");
    d.both("GET", "list");
  }

  @Test
  void setnxSetexPsetexGetsetGetdel() throws Exception {
    d.both("SETNX", "k", "1");
    d.both("SETNX", "k", "2");
    d.both("GET", "k");
    d.both("SETEX", "k", "100", "v");
    d.both("TTL", "k");
    d.both("SETEX", "k", "0", "v");
    d.both("SETEX", "k", "-10", "v");
    d.both("SETEX", "k", "x", "v");
    d.both("SETEX", "k", "9223372036854776", "v");
    d.both("PSETEX", "k", "0", "v");
    d.both("PSETEX", "k", "100000", "v");
    d.both("GET", "k");
    d.both("GETSET", "k", "w");
    d.both("TTL", "k");
    d.both("GETSET", "nokey", "w");
    d.both("GETDEL", "k");
    d.both("GETDEL", "k");
    d.both("EXISTS", "k");
    d.both("RPUSH", "l", "x");
    d.both("SETNX", "l", "v");
    d.both("GETSET", "l", "v");
    d.both("GETDEL", "l");
    d.both("TYPE", "l");
  }

  @Test
  void getex() throws Exception {
    d.both("GETEX", "nokey");
    d.both("GETEX", "nokey", "EX", "0");
    d.both("SET", "k", "v");
    d.both("GETEX", "k");
    d.both("GETEX", "k", "EX", "100");
    d.both("TTL", "k");
    d.both("GETEX", "k", "PERSIST");
    d.both("TTL", "k");
    d.both("GETEX", "k", "PXAT", "4102444800123");
    d.both("PEXPIRETIME", "k");
    d.both("GETEX", "k", "EXAT", "4102444800");
    d.both("EXPIRETIME", "k");
    for (String[] bad : new String[][] {{"NX"}, {"XX"}, {"GET"}, {"KEEPTTL"}, {"PERSIST", "EX", "10"},
        {"EX", "10", "PERSIST"}, {"EX", "10", "PX", "10"}, {"EX"}, {"EX", "0"}, {"EX", "abc"}, {"PX", "-1"},
        {"FOO"}}) {
      d.both(prepend(bad, "GETEX", "k"));
    }
    d.both("GETEX", "k", "EXAT", "1");
    d.both("EXISTS", "k");
    d.both("SADD", "s", "x");
    d.both("GETEX", "s", "EX", "10");
    d.both("GETEX", "s", "EX", "x");
  }

  @Test
  void msetMgetMsetnx() throws Exception {
    d.both("MSET", "a", "1", "b", "2");
    d.both("MGET", "a", "b", "c", "a");
    d.both("MSET", "a");
    d.both("MSET", "a", "1", "b");
    d.both("MSETNX", "a", "1", "b");
    d.both("MSETNX", "x", "1", "a", "2");
    d.both("MGET", "x", "a");
    d.both("MSETNX", "x", "1", "y", "2");
    d.both("MGET", "x", "y");
    d.both("HSET", "h", "f", "v");
    d.both("MGET", "h", "x");
    d.both("SET", "t", "v", "EX", "100");
    d.both("MSET", "t", "w");
    d.both("TTL", "t");
  }

  @Test
  void integerArithmetic() throws Exception {
    d.both("INCR", "n");
    d.both("INCRBY", "n", "10");
    d.both("DECR", "n");
    d.both("DECRBY", "n", "-5");
    d.both("GET", "n");
    d.both("OBJECT", "ENCODING", "n");
    d.both("SET", "n", "9223372036854775806");
    d.both("INCR", "n");
    d.both("INCR", "n");
    d.both("INCRBY", "n", "-9223372036854775807");
    d.both("SET", "n", "-9223372036854775807");
    d.both("DECR", "n");
    d.both("DECR", "n");
    d.both("DECRBY", "n", "-9223372036854775808");
    d.both("DECRBY", "n", "9223372036854775807");
    for (String bad : new String[] {" 1", "1 ", "+1", "01", "1.0", "abc", "", "-0", "99999999999999999999"}) {
      d.both("SET", "b", bad);
      d.both("INCR", "b");
      d.both("INCRBY", "c", bad);
    }
    d.both("SET", "t", "5", "EX", "100");
    d.both("INCR", "t");
    d.both("TTL", "t");
    d.both("RPUSH", "l", "x");
    d.both("INCR", "l");
    d.both("DECRBY", "l", "x");
    d.both("INCRBY", "l", "1");
  }

  @Test
  void incrbyfloatUsesLongDoublePrecisionAndFormat() throws Exception {
    d.both("INCRBYFLOAT", "f", "0.1");
    d.both("INCRBYFLOAT", "f", "0.2");
    d.both("INCRBYFLOAT", "f", "10.5");
    d.both("OBJECT", "ENCODING", "f");
    d.both("INCRBYFLOAT", "f", "-0.8");
    d.both("OBJECT", "ENCODING", "f");
    d.both("GET", "f");
    d.both("SET", "f", "5.0e3");
    d.both("INCRBYFLOAT", "f", "2.0e2");
    d.both("SET", "f", "1");
    for (String inc : new String[] {"1e20", "1e-20", "3.0000000000000001", "-1e308", "1e4000", "1e-4000", "0x10",
        "0x1.8p3", "-.5", "5.", "+7", "1E2", "123456789.123456789", "1e-17", "-1e-18", "0.00000000000000001"}) {
      d.both("INCRBYFLOAT", "f", inc);
      d.both("SET", "f", "1");
    }
    d.both("SET", "z", "-0");
    d.both("INCRBYFLOAT", "z", "-0");
    d.both("SET", "z", "3");
    d.both("INCRBYFLOAT", "z", "-3");
    for (String bad : new String[] {"nan", "NaN", "abc", "", " 1", "1 ", "1e5000", "1e-5000", "1e", ".", "--1",
        "1,5", "0x", "1d", "1f"}) {
      d.both("INCRBYFLOAT", "f", bad);
      d.both("SET", "g", bad);
      d.both("INCRBYFLOAT", "g", "1");
    }
    d.both("INCRBYFLOAT", "f", "inf");
    d.both("INCRBYFLOAT", "f", "-Infinity");
    d.both("SET", "g", "inf");
    d.both("INCRBYFLOAT", "g", "-inf");
    d.both("SET", "g", "1.7e4932");
    d.both("INCRBYFLOAT", "g", "1.7e4932");
    d.both("SET", "t", "1", "EX", "100");
    d.both("INCRBYFLOAT", "t", "1.5");
    d.both("TTL", "t");
    d.both("SADD", "s", "x");
    d.both("INCRBYFLOAT", "s", "x");
    d.hello(3);
    d.both("INCRBYFLOAT", "f", "1.5");
  }

  @Test
  void appendStrlenAndEncodings() throws Exception {
    d.both("APPEND", "a", "12");
    d.both("OBJECT", "ENCODING", "a");
    d.both("APPEND", "a", "3");
    d.both("OBJECT", "ENCODING", "a");
    d.both("APPEND", "a", "");
    d.both("STRLEN", "a");
    d.both("STRLEN", "nokey");
    d.both("APPEND", "e", "");
    d.both("EXISTS", "e");
    d.both("SET", "t", "x", "EX", "100");
    d.both("APPEND", "t", "y");
    d.both("TTL", "t");
    d.both("SET", "s", "12345678901234567890123456789012345678901234");
    d.both("OBJECT", "ENCODING", "s");
    d.both("SET", "s", "123456789012345678901234567890123456789012345");
    d.both("OBJECT", "ENCODING", "s");
    for (String v : new String[] {"0", "-1", "9999", "10000", "-0", "01", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "12345678901234567890", "1.5", "abc"}) {
      d.both("SET", "v", v);
      d.both("OBJECT", "ENCODING", "v");
      d.both("OBJECT", "REFCOUNT", "v");
    }
    d.both("MSET", "m", "5", "m2", "hello");
    d.both("OBJECT", "ENCODING", "m");
    d.both("OBJECT", "REFCOUNT", "m");
    d.both("OBJECT", "ENCODING", "m2");
    d.both("INCR", "m");
    d.both("OBJECT", "REFCOUNT", "m");
    d.both("SET", "m", "20000");
    d.both("INCR", "m");
    d.both("OBJECT", "REFCOUNT", "m");
    d.both("OBJECT", "ENCODING", "m");
    d.both("RPUSH", "l", "x");
    d.both("APPEND", "l", "x");
    d.both("STRLEN", "l");
  }

  @Test
  void getrangeAndSetrange() throws Exception {
    d.both("SET", "s", "Hello World");
    for (String[] r : new String[][] {{"0", "4"}, {"-5", "-1"}, {"0", "-1"}, {"0", "100"}, {"5", "3"},
        {"-1", "-5"}, {"-100", "-50"}, {"-100", "2"}, {"20", "30"}, {"-9223372036854775808", "9223372036854775807"},
        {"3", "-100"}}) {
      d.both("GETRANGE", "s", r[0], r[1]);
      d.both("SUBSTR", "s", r[0], r[1]);
    }
    d.both("GETRANGE", "s", "a", "1");
    d.both("GETRANGE", "s", "1", "1.5");
    d.both("GETRANGE", "nokey", "0", "1");
    d.both("GETRANGE", "nokey", "x", "1");
    d.both("SET", "i", "12345");
    d.both("GETRANGE", "i", "1", "2");
    d.both("SET", "e", "");
    d.both("GETRANGE", "e", "0", "-1");
    d.both("SETRANGE", "s", "6", "Redis");
    d.both("GET", "s");
    d.both("OBJECT", "ENCODING", "s");
    d.both("SETRANGE", "new", "3", "ab");
    d.both("GET", "new");
    d.both("OBJECT", "ENCODING", "new");
    d.both("SETRANGE", "new2", "0", "");
    d.both("EXISTS", "new2");
    d.both("SETRANGE", "s", "100", "");
    d.both("SETRANGE", "s", "-1", "x");
    d.both("SETRANGE", "s", "x", "x");
    d.both("SETRANGE", "s", "536870911", "ab");
    d.both("SETRANGE", "s", "536870910", "ab");
    d.both("SETRANGE", "s", "9223372036854775807", "ab");
    d.both("SET", "i", "12345");
    d.both("SETRANGE", "i", "1", "x");
    d.both("GET", "i");
    d.both("OBJECT", "ENCODING", "i");
    d.both("SET", "t", "abc", "EX", "100");
    d.both("SETRANGE", "t", "1", "X");
    d.both("TTL", "t");
    d.both("ZADD", "z", "1", "x");
    d.both("SETRANGE", "z", "0", "x");
    d.both("SETRANGE", "z", "0", "");
    d.both("GETRANGE", "z", "0", "1");
  }

  @Test
  void lcs() throws Exception {
    d.both("MSET", "a", "ohmytext", "b", "mynewtext", "c", "", "x", "ABCBDAB", "y", "BDCABA");
    for (String[] opts : new String[][] {{}, {"LEN"}, {"IDX"}, {"IDX", "WITHMATCHLEN"}, {"IDX", "MINMATCHLEN", "4"},
        {"IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}, {"MINMATCHLEN", "-5", "IDX"}, {"idx", "idx", "withmatchlen"},
        {"IDX", "LEN"}, {"FOO"}, {"MINMATCHLEN"}, {"MINMATCHLEN", "x"}, {"LEN", "MINMATCHLEN", "2"}}) {
      for (String[] keys : new String[][] {{"a", "b"}, {"b", "a"}, {"x", "y"}, {"a", "c"}, {"a", "nokey"},
          {"nokey", "nokey2"}}) {
        d.both(prepend(opts, "LCS", keys[0], keys[1]));
      }
    }
    Random rnd = new Random(1);
    for (int n = 0; n < 30; n++) {
      d.both("SET", "r1", randomString(rnd, 1 + rnd.nextInt(40)));
      d.both("SET", "r2", randomString(rnd, 1 + rnd.nextInt(40)));
      d.both("LCS", "r1", "r2");
      d.both("LCS", "r1", "r2", "IDX", "WITHMATCHLEN");
    }
    d.both("RPUSH", "l", "x");
    d.both("LCS", "a", "l");
    d.both("LCS", "l", "a", "FOO");
    d.hello(3);
    d.both("LCS", "a", "b", "IDX", "WITHMATCHLEN");
    d.both("LCS", "a", "b", "LEN");
  }

  private static String randomString(Random rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append((char) ('a' + rnd.nextInt(4)));
    return sb.toString();
  }

  @Test
  void arityAndResp3() throws Exception {
    for (String c : new String[] {"GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "MGET",
        "MSET", "MSETNX", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "APPEND", "STRLEN", "GETRANGE",
        "SETRANGE", "LCS"}) {
      d.both(c);
    }
    d.both("INCR", "a", "b");
    d.hello(3);
    d.both("GET", "nokey");
    d.both("MGET", "nokey", "x");
    d.both("SET", "k", "v", "GET");
    d.both("SET", "k", "v", "GET");
    d.both("SET", "k", "v", "NX");
    d.both("GETEX", "nokey");
    d.both("GETDEL", "nokey");
    d.both("GETSET", "nokey2", "v");
  }

  @Test
  void protoMaxBulkLenLimitsAppendAndSetrange() throws Exception {
    try (Differential small = new Differential("--proto-max-bulk-len", "1mb")) {
      small.both("SETRANGE", "s", "1048570", "0123456");
      small.both("SETRANGE", "s", "1048570", "012345");
      small.both("STRLEN", "s");
      small.both("APPEND", "s", "x");
      small.both("SETRANGE", "s", "1048575", "x");
      small.both("STRLEN", "s");
    }
  }

  @Test
  void dirtyCountsChanges() throws Exception {
    long ours = -Info.field(d.a, "persistence", "rdb_changes_since_last_save");
    long theirs = -Info.field(d.b, "persistence", "rdb_changes_since_last_save");
    d.both("MSET", "a", "1", "b", "2", "c", "3");
    d.both("INCR", "a");
    d.both("SET", "a", "1", "NX"); // not set
    d.both("GETEX", "a", "PERSIST"); // no TTL to remove
    ours += Info.field(d.a, "persistence", "rdb_changes_since_last_save");
    theirs += Info.field(d.b, "persistence", "rdb_changes_since_last_save");
    assertEquals(4, theirs);
    assertEquals(theirs, ours);
  }

  @Test
  void lazyExpiryOnRead() throws Exception {
    d.a.call("SET", "k", "v", "PX", "30");
    long deadline = System.currentTimeMillis() + 5000;
    Reply r;
    do {
      r = d.a.call("GET", "k");
    } while (!(r instanceof Reply.Null) && System.currentTimeMillis() < deadline);
    assertTrue(r instanceof Reply.Null, "GET of an expired key must be null, got " + r);
  }
}
