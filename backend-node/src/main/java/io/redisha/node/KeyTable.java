package io.redisha.node;

import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The key space of one database: an open-addressing hash table (linear probing, no
 * wrap-around) that, unlike {@link java.util.HashMap}, can be scanned with a stateless
 * cursor and can pick a random key in constant time.
 *
 * <p>Why its own table: SCAN must resume from a cursor a client hands back at any later
 * time, after any number of insertions, deletions and resizes. A key's home bucket is
 * the top {@code bits} bits of its mixed hash, so buckets are ranges of the 32-bit hash
 * space in increasing order, and doubling or halving the table only splits or merges
 * neighbouring ranges. A cursor is therefore simply a point in the hash space: every
 * key whose mixed hash is below it has been returned. Hence the guarantee, stronger than
 * redis-server's: a full iteration returns every key that existed throughout it exactly
 * once, whatever resizes happened in between; keys added or removed meanwhile may or
 * may not be returned.
 *
 * <p>Layout: three parallel arrays (mixed hash, key, value) of {@code 2^bits} buckets
 * plus a spill area past the last bucket, because probing never wraps to slot 0 (that
 * keeps "a key lies at or after its home slot", which both deletion and the scan rely
 * on). Load stays between 1/8 and 3/4, so a key costs 16 to 32 bytes of table instead of
 * HashMap's ~40. Deletion shifts later entries back (no tombstones). Keys with equal
 * {@code hashCode} share a home and degrade to a linear run, as chaining would.
 *
 * <p>The iterator is not fail-fast; its {@code remove} is safe (used by the active
 * expiry), any other change during an iteration is not.
 */
public final class KeyTable extends AbstractMap<Key, Object> {

  private static final int MIN_BITS = 4;
  private static final int SEED = new SecureRandom().nextInt();

  private int bits;
  private int[] hashes;
  private Key[] keys;
  private Object[] vals;
  private int size;

  public KeyTable() {
    alloc(MIN_BITS, spillFor(MIN_BITS));
  }

  private static int spillFor(int bits) {
    return Math.max(8, (1 << bits) >> 6);
  }

  private void alloc(int bits, int spill) {
    this.bits = bits;
    int len = (1 << bits) + spill;
    hashes = new int[len];
    keys = new Key[len];
    vals = new Object[len];
  }

  /** A bijective mix: sequential keys (key:1, key:2...) have sequential hashCodes. */
  private static int mix(int h) {
    h ^= SEED;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private int home(int mixed) {
    return mixed >>> (32 - bits);
  }

  private int indexOf(Object o) {
    if (!(o instanceof Key k)) return -1;
    int m = mix(k.hashCode());
    for (int i = home(m); i < keys.length && keys[i] != null; i++) {
      if (hashes[i] == m && keys[i].equals(k)) return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- Map

  @Override
  public int size() {
    return size;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : vals[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object put(Key key, Object value) {
    if (key == null || value == null) throw new NullPointerException();
    int m = mix(key.hashCode());
    int i = home(m);
    for (; i < keys.length && keys[i] != null; i++) {
      if (hashes[i] == m && keys[i].equals(key)) {
        Object old = vals[i];
        vals[i] = value;
        return old;
      }
    }
    place(i, m, key, value);
    size++;
    if (size > (3 << bits) >> 2) resize(bits + 1);
    return null;
  }

  /** Stores at slot i, the first free one at or after the home; grows the spill area if i is past it. */
  private void place(int i, int m, Key key, Object value) {
    if (i == keys.length) {
      int len = keys.length + Math.max(8, keys.length >> 4);
      hashes = java.util.Arrays.copyOf(hashes, len);
      keys = java.util.Arrays.copyOf(keys, len);
      vals = java.util.Arrays.copyOf(vals, len);
    }
    hashes[i] = m;
    keys[i] = key;
    vals[i] = value;
  }

  @Override
  public Object remove(Object key) {
    int i = indexOf(key);
    if (i < 0) return null;
    Object old = vals[i];
    deleteAt(i);
    if (bits > MIN_BITS && size < (1 << bits) >> 3) resize(bits - 1);
    return old;
  }

  /** Backward-shift deletion: later entries of the run move into the hole if their home allows. */
  private void deleteAt(int hole) {
    for (int j = hole + 1; j < keys.length && keys[j] != null; j++) {
      if (home(hashes[j]) <= hole) {
        hashes[hole] = hashes[j];
        keys[hole] = keys[j];
        vals[hole] = vals[j];
        hole = j;
      }
    }
    hashes[hole] = 0;
    keys[hole] = null;
    vals[hole] = null;
    size--;
  }

  private void resize(int newBits) {
    int[] oh = hashes;
    Key[] ok = keys;
    Object[] ov = vals;
    alloc(newBits, spillFor(newBits));
    for (int j = 0; j < ok.length; j++) {
      if (ok[j] == null) continue;
      int i = home(oh[j]);
      while (i < keys.length && keys[i] != null) i++;
      place(i, oh[j], ok[j], ov[j]);
    }
  }

  @Override
  public void clear() {
    size = 0;
    alloc(MIN_BITS, spillFor(MIN_BITS));
  }

  // ---------------------------------------------------------------- scan and random

  /**
   * Visits keys from {@code cursor} (a point of the unsigned 32-bit hash space; 0 to
   * start) in hash order, bucket by bucket, until at least {@code count} keys were
   * visited or {@code 10 * count} buckets were looked at, as redis-server bounds one
   * SCAN call. Returns the cursor to continue from, 0 when the iteration is complete.
   */
  public long scan(long cursor, long count, Consumer<Key> visitor) {
    return scanEntries(cursor, count, (k, v) -> visitor.accept(k));
  }

  /**
   * As {@link #scan}, with each key's value. A returned cursor always lies on a bucket
   * boundary: every key whose {@link #hashPoint} is below it has been visited (the
   * BGSAVE snapshot walks the live table this way).
   */
  public long scanEntries(long cursor, long count, BiConsumer<Key, Object> visitor) {
    long c = cursor & 0xffffffffL;
    int shift = 32 - bits;
    int b = (int) (c >>> shift);
    int cap = 1 << bits;
    long emitted = 0, buckets = 0, maxBuckets = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    while (true) {
      for (int i = b; i < keys.length && keys[i] != null; i++) {
        // Only this bucket's keys; within the first bucket the cursor may sit mid-range
        // (the table shrank since), and keys below it were returned already.
        if (home(hashes[i]) == b && Integer.toUnsignedLong(hashes[i]) >= c) {
          visitor.accept(keys[i], vals[i]);
          emitted++;
        }
      }
      buckets++;
      if (++b == cap) return 0;
      c = (long) b << shift;
      if (emitted >= count || buckets >= maxBuckets) return c;
    }
  }

  /** A key's place in the hash space that {@link #scan} cursors point into: the same in every table. */
  public static long hashPoint(Key key) {
    return Integer.toUnsignedLong(mix(key.hashCode()));
  }

  /** A random key, or null when empty; keys after long gaps are likelier, as in Redis. */
  public Key randomKey(Random random) {
    if (size == 0) return null;
    int i = random.nextInt(keys.length);
    for (int n = 0; n < keys.length; n++, i++) {
      if (i == keys.length) i = 0;
      if (keys[i] != null) return keys[i];
    }
    return null;
  }

  /** Mean distance of a key from its home slot; tests use it to check the hash mixing. */
  double meanDisplacement() {
    long sum = 0;
    for (int i = 0; i < keys.length; i++) if (keys[i] != null) sum += i - home(hashes[i]);
    return size == 0 ? 0 : (double) sum / size;
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Set<Map.Entry<Key, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<Key, Object>> iterator() {
        return new Iter();
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public void clear() {
        KeyTable.this.clear();
      }
    };
  }

  private final class Iter implements Iterator<Map.Entry<Key, Object>> {
    private int next;
    private int last = -1;

    @Override
    public boolean hasNext() {
      while (next < keys.length && keys[next] == null) next++;
      return next < keys.length;
    }

    @Override
    public Map.Entry<Key, Object> next() {
      if (!hasNext()) throw new NoSuchElementException();
      last = next++;
      return new Entry(last);
    }

    @Override
    public void remove() {
      if (last < 0) throw new IllegalStateException();
      // Entries only ever shift backwards into the hole, so the slot just emptied may
      // now hold an entry not visited yet: look at it again.
      deleteAt(last);
      next = last;
      last = -1;
    }
  }

  private final class Entry implements Map.Entry<Key, Object> {
    private final Key key;
    private Object value;

    Entry(int i) {
      key = keys[i];
      value = vals[i];
    }

    @Override
    public Key getKey() {
      return key;
    }

    @Override
    public Object getValue() {
      return value;
    }

    @Override
    public Object setValue(Object v) {
      Object old = value;
      put(key, v);
      value = v;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && java.util.Objects.equals(value, e.getValue());
    }

    @Override
    public int hashCode() {
      return key.hashCode() ^ java.util.Objects.hashCode(value);
    }
  }
}
