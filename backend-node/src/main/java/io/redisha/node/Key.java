package io.redisha.node;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
    this.hash = hash(bytes);
  }

  private static final int SEED = new SecureRandom().nextInt();
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * MurmurHash3 (x86, 32-bit) with a per-process seed. Arrays.hashCode collides massively
   * on binary keys (300k big-endian longs give 12k distinct values) and is trivially
   * steerable; the open-addressing key table cannot absorb that as HashMap's trees do.
   */
  static int hash(byte[] b) {
    int h = SEED;
    int n = b.length;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h ^= scramble((int) INT_LE.get(b, i));
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (n & 3) {
      case 3:
        k ^= (b[i + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (b[i + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= b[i] & 0xff;
        h ^= scramble(k);
        break;
      default:
        break;
    }
    h ^= n;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private static int scramble(int k) {
    return Integer.rotateLeft(k * 0xcc9e2d51, 15) * 0x1b873593;
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
