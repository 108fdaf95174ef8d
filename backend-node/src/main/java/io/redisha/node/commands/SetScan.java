package io.redisha.node.commands;

import io.redisha.node.Client.CommandError;
import io.redisha.util.Glob;

/** The cursor and options of SSCAN, HSCAN-style commands (ZSCAN uses them too). */
final class SetScan {

  final long cursor;
  final byte[] match;
  final int count;

  private SetScan(long cursor, byte[] match, int count) {
    this.cursor = cursor;
    this.match = match;
    this.count = count;
  }

  /** Parses argv[2] (the cursor) and the MATCH/COUNT options after it. */
  static SetScan parse(byte[][] argv) {
    long cursor = parseCursor(argv[2]);
    byte[] match = null;
    long count = 10;
    for (int i = 3; i < argv.length; i++) {
      boolean more = i + 1 < argv.length;
      if (Args.is(argv[i], "count") && more) {
        count = Args.toLong(argv[++i]);
        if (count < 1) throw new CommandError(Args.SYNTAX);
      } else if (Args.is(argv[i], "match") && more) {
        match = argv[++i];
        // "*" matches everything: skip the work, as Redis does.
        if (match.length == 1 && match[0] == '*') match = null;
      } else {
        throw new CommandError(Args.SYNTAX);
      }
    }
    return new SetScan(cursor, match, (int) Math.min(count, Integer.MAX_VALUE));
  }

  boolean matches(byte[] member) {
    return match == null || Glob.match(match, member, false);
  }

  /**
   * C's strtoul as Redis uses it for cursors: no leading space, an optional sign (a
   * negative value wraps), decimal digits only, and within 64 unsigned bits.
   */
  static long parseCursor(byte[] b) {
    int p = 0;
    boolean neg = false;
    if (b.length > 0 && (b[0] == '+' || b[0] == '-')) {
      neg = b[0] == '-';
      p = 1;
    }
    if (p == b.length) throw new CommandError("ERR invalid cursor");
    long v = 0;
    for (; p < b.length; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) throw new CommandError("ERR invalid cursor");
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) throw new CommandError("ERR invalid cursor");
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
}
