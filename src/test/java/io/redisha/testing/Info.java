package io.redisha.testing;

import java.io.IOException;

/** Reads numeric INFO fields over the wire, the same way on our node and on redis-server. */
public final class Info {

  private Info() {}

  public static long field(RespClient c, String section, String name) throws IOException {
    String info = Reply.str(c.call("INFO", section));
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).trim());
    }
    throw new AssertionError(name + " not in INFO " + section + ": " + info);
  }
}
