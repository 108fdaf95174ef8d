package io.redisha.node.rdb;

import java.util.Arrays;
import java.util.List;

/**
 * A value as the RDB file holds it, independent of how the node keeps it in memory and of
 * the encoding in the file: integer-encoded elements come back as their decimal text,
 * ziplists, listpacks and intsets as plain element lists. Equality is element by element
 * and in order (the order of sets and hashes is whatever the file had).
 */
public sealed interface RdbValue {

  /** The TYPE command's name for this value. */
  String typeName();

  record Str(byte[] bytes) implements RdbValue {
    public String typeName() { return "string"; }
    @Override public boolean equals(Object o) { return o instanceof Str s && Arrays.equals(bytes, s.bytes); }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public String toString() { return "Str[" + show(bytes) + "]"; }
  }

  record ListOf(List<byte[]> elements) implements RdbValue {
    public String typeName() { return "list"; }
    @Override public boolean equals(Object o) { return o instanceof ListOf l && sameBytes(elements, l.elements); }
    @Override public int hashCode() { return elements.size(); }
    @Override public String toString() { return "ListOf" + show(elements); }
  }

  record SetOf(List<byte[]> members) implements RdbValue {
    public String typeName() { return "set"; }
    @Override public boolean equals(Object o) { return o instanceof SetOf s && sameBytes(members, s.members); }
    @Override public int hashCode() { return members.size(); }
    @Override public String toString() { return "SetOf" + show(members); }
  }

  /** Fields and values side by side: {@code values.get(i)} belongs to {@code fields.get(i)}. */
  record HashOf(List<byte[]> fields, List<byte[]> values) implements RdbValue {
    public HashOf {
      if (fields.size() != values.size()) throw new IllegalArgumentException("fields and values differ in size");
    }
    public String typeName() { return "hash"; }
    public int size() { return fields.size(); }
    @Override public boolean equals(Object o) {
      return o instanceof HashOf h && sameBytes(fields, h.fields) && sameBytes(values, h.values);
    }
    @Override public int hashCode() { return fields.size(); }
    @Override public String toString() { return "HashOf" + show(fields) + show(values); }
  }

  /**
   * Members with their scores: {@code scores[i]} belongs to {@code members.get(i)}. A
   * primitive array, because boxing a million scores would cost more than the members.
   */
  record ZSetOf(List<byte[]> members, double[] scores) implements RdbValue {
    public ZSetOf {
      if (members.size() != scores.length) throw new IllegalArgumentException("members and scores differ in size");
    }
    public String typeName() { return "zset"; }
    public int size() { return scores.length; }
    @Override public boolean equals(Object o) {
      return o instanceof ZSetOf z && sameBytes(members, z.members) && Arrays.equals(scores, z.scores);
    }
    @Override public int hashCode() { return scores.length; }
    @Override public String toString() { return "ZSetOf" + show(members) + Arrays.toString(scores); }
  }

  private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
    return true;
  }

  /** Printable form for messages: text as is, other bytes as \xNN, long values cut. */
  static String show(byte[] b) {
    StringBuilder s = new StringBuilder("\"");
    int n = Math.min(b.length, 64);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') s.append((char) c);
      else s.append(String.format("\\x%02x", c));
    }
    if (n < b.length) s.append("...(").append(b.length).append(" bytes)");
    return s.append('"').toString();
  }

  private static String show(List<byte[]> l) {
    StringBuilder s = new StringBuilder("[");
    int n = Math.min(l.size(), 16);
    for (int i = 0; i < n; i++) s.append(i == 0 ? "" : ", ").append(show(l.get(i)));
    if (n < l.size()) s.append(", ...(").append(l.size()).append(" elements)");
    return s.append(']').toString();
  }
}
