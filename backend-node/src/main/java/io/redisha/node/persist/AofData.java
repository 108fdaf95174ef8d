package io.redisha.node.persist;

import io.redisha.node.rdb.RdbEntry;
import io.redisha.node.rdb.RdbValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The AOF's view of the data: the commands that rebuild one entry (what a base without
 * RDB preamble holds, and how an RDB base is loaded: through the normal commands, so each
 * type's encoding rules apply as when a client wrote it), and RESP encoding.
 */
final class AofData {

  private AofData() {}

  /** Commands with at most this many elements each, as Redis's AOF_REWRITE_ITEMS_PER_CMD. */
  static final int ITEMS_PER_CMD = 64;

  /** The commands that recreate one entry in an empty key, TTL included. */
  static List<byte[][]> commands(RdbEntry e) {
    List<byte[][]> out = new ArrayList<>();
    byte[] key = e.key();
    RdbValue v = e.value();
    if (v instanceof RdbValue.Str s) {
      out.add(new byte[][] {b("SET"), key, s.bytes()});
    } else if (v instanceof RdbValue.ListOf l) {
      batched(out, "RPUSH", key, l.elements());
    } else if (v instanceof RdbValue.SetOf s) {
      batched(out, "SADD", key, s.members());
    } else if (v instanceof RdbValue.HashOf h) {
      List<byte[]> pairs = new ArrayList<>(h.size() * 2);
      for (int i = 0; i < h.size(); i++) {
        pairs.add(h.fields().get(i));
        pairs.add(h.values().get(i));
      }
      batched(out, "HSET", key, pairs);
    } else if (v instanceof RdbValue.ZSetOf z) {
      List<byte[]> pairs = new ArrayList<>(z.size() * 2);
      for (int i = 0; i < z.size(); i++) {
        pairs.add(b(score(z.scores()[i])));
        pairs.add(z.members().get(i));
      }
      batched(out, "ZADD", key, pairs);
    }
    if (e.expireAtMs() != RdbEntry.NO_EXPIRY) out.add(new byte[][] {b("PEXPIREAT"), key, b(Long.toString(e.expireAtMs()))});
    return out;
  }

  /** Shortest text that parses back to the same double; Redis's parser takes Java's exponent form. */
  static String score(double d) {
    if (d == Double.POSITIVE_INFINITY) return "inf";
    if (d == Double.NEGATIVE_INFINITY) return "-inf";
    String s = Double.toString(d);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static void batched(List<byte[][]> out, String cmd, byte[] key, List<byte[]> items) {
    int per = cmd.equals("HSET") || cmd.equals("ZADD") ? ITEMS_PER_CMD * 2 : ITEMS_PER_CMD;
    for (int from = 0; from < items.size(); from += per) {
      int to = Math.min(items.size(), from + per);
      byte[][] argv = new byte[2 + to - from][];
      argv[0] = b(cmd);
      argv[1] = key;
      for (int i = from; i < to; i++) argv[2 + i - from] = items.get(i);
      out.add(argv);
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A command as the AOF holds it: a RESP array of bulk strings. */
  static void resp(ByteArrayOutputStream out, byte[][] argv) {
    out.writeBytes(header('*', argv.length));
    for (byte[] a : argv) {
      out.writeBytes(header('$', a.length));
      out.writeBytes(a);
      out.write('\r');
      out.write('\n');
    }
  }

  private static byte[] header(char c, int n) {
    return (c + Integer.toString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
