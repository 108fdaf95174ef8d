package io.redisha.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments the way redis-server splits inline commands and
 * redis.conf lines: blanks separate arguments, "double quotes" understand
 * {@code \n \r \t \b \a \\ \" \xHH}, 'single quotes' understand only {@code \'},
 * and a closing quote must be followed by a blank or the end of the line.
 */
public final class ArgSplitter {

  private ArgSplitter() {}

  /** Returns the arguments, or null when the quotes do not balance. */
  public static List<byte[]> split(byte[] line, int from, int to) {
    List<byte[]> args = new ArrayList<>();
    int p = from;
    while (true) {
      while (p < to && isBlank(line[p])) p++;
      if (p >= to) return args;
      ByteArrayOutputStream cur = new ByteArrayOutputStream();
      boolean inDouble = false, inSingle = false, done = false;
      while (!done) {
        if (inDouble) {
          if (p >= to) return null;
          byte c = line[p];
          if (c == '\\' && p + 3 < to && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
            cur.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
            p += 3;
          } else if (c == '\\' && p + 1 < to) {
            p++;
            byte e = line[p];
            cur.write(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
          } else if (c == '"') {
            if (p + 1 < to && !isBlank(line[p + 1])) return null;
            done = true;
          } else {
            cur.write(c);
          }
        } else if (inSingle) {
          if (p >= to) return null;
          byte c = line[p];
          if (c == '\\' && p + 1 < to && line[p + 1] == '\'') {
            p++;
            cur.write('\'');
          } else if (c == '\'') {
            if (p + 1 < to && !isBlank(line[p + 1])) return null;
            done = true;
          } else {
            cur.write(c);
          }
        } else {
          if (p >= to) {
            done = true;
          } else {
            byte c = line[p];
            switch (c) {
              case ' ', '\n', '\r', '\t', 0 -> done = true;
              case '"' -> inDouble = true;
              case '\'' -> inSingle = true;
              default -> cur.write(c);
            }
          }
        }
        if (p < to) p++;
      }
      args.add(cur.toByteArray());
    }
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0;
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  }
}
