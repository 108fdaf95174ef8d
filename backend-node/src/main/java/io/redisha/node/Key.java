package io.redisha.node;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A binary-safe key (or hash field, set member) usable in hash tables: the bytes and
 * their cached hash. Keys are never mutated once stored.
 */
public final class Key implements Comparable<Key> {

  public final byte[] bytes;
  private final int hash;

  public Key(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static Key of(String s) {
    return new Key(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  /** Binary order (memcmp), as Redis sorts members with equal scores. */
  @Override
  public int compareTo(Key o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
