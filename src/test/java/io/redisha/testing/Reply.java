package io.redisha.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reply exactly as it came off the wire, type included, so that a differential
 * test can insist on the same bytes meaning the same thing ({@code +OK} is not
 * {@code $2 OK}). RESP3 aggregates keep their type letter.
 */
public sealed interface Reply {

  record Simple(String text) implements Reply {
    @Override public String toString() { return "+" + text; }
  }

  record Error(String text) implements Reply {
    @Override public String toString() { return "-" + text; }
  }

  record Int(long value) implements Reply {
    @Override public String toString() { return ":" + value; }
  }

  record Bulk(byte[] bytes) implements Reply {
    public String text() { return new String(bytes, StandardCharsets.UTF_8); }
    @Override public boolean equals(Object o) { return o instanceof Bulk b && Arrays.equals(b.bytes, bytes); }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public String toString() { return "\"" + text() + "\""; }
  }

  /** {@code $-1}, {@code *-1} or RESP3's {@code _}; the type letter tells which. */
  record Null(char type) implements Reply {
    @Override public String toString() { return "(nil" + type + ")"; }
  }

  /** An aggregate: '*' array, '%' map (flattened), '~' set, '>' push. */
  record Agg(char type, List<Reply> items) implements Reply {
    @Override public String toString() { return type + items.toString(); }

    /** The same aggregate with its items sorted, for replies whose order Redis does not define. */
    public Agg sorted() {
      List<Reply> s = new ArrayList<>(items);
      s.sort((a, b) -> a.toString().compareTo(b.toString()));
      return new Agg(type, s);
    }
  }

  /** RESP3 scalars: ',' double, '#' boolean, '=' verbatim, '(' big number. */
  record Scalar(char type, String text) implements Reply {
    @Override public String toString() { return type + text; }
  }

  static String str(Reply r) {
    if (r instanceof Bulk b) return b.text();
    if (r instanceof Simple s) return s.text();
    if (r instanceof Error e) return e.text();
    return Objects.toString(r);
  }
}
