package io.redisha.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments the way redis-server splits inline commands and
 * redis.conf lines: blanks separate arguments, "double quotes" understand
 * {@code \n \r \t \b \a \\ \" \xHH}, 'single quotes' understand only {@code \'},
 * and a closing quote must be followed by a blank or the end of the line.
 *
 * <p>Two details of redis-server's C-string splitter are kept on purpose: a NUL byte
 * ends the line, and vertical tab and form feed count as blanks between arguments
 * and after a closing quote, yet not inside an unquoted argument ({@code a\vb} is one
 * argument).
 */
public final class ArgSplitter {

  private ArgSplitter() {}

  /** Returns the arguments, or null when the quotes do not balance. */
  public static List<byte[]> split(byte[] line, int from, int to) {
    for (int i = from; i < to; i++) {
      if (line[i] == 0) {
        to = i;
        break;
      }
    }
    List<byte[]> args = new ArrayList<>();
    int p = from;
    while (true) {
      while (p < to && isSpace(line[p])) p++;
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
            if (p + 1 < to && !isSpace(line[p + 1])) return null;
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
            if (p + 1 < to && !isSpace(line[p + 1])) return null;
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
              case ' ', '\n', '\r', '\t' -> done = true;
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

  /** C's isspace in the "C" locale. */
  private static boolean isSpace(byte c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
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
