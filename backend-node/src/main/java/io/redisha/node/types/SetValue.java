package io.redisha.node.types;

import io.redisha.node.Key;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A set, in one of the two encodings redis-server 7.0 has and OBJECT ENCODING shows:
 *
 * <ul>
 *   <li>"intset": while every member is a canonical 64-bit integer (string2ll) and the
 *       set is not bigger than set-max-intset-entries, a sorted {@code long[]}. Members
 *       come out sorted, as Redis's do, so SMEMBERS of such a set is comparable exactly.
 *   <li>"hashtable": an open-addressing {@link Table} of {@link Key}s. Once converted a
 *       set never goes back, as in Redis.
 * </ul>
 *
 * <p>The table is ours rather than a {@code java.util.HashSet} because SPOP and
 * SRANDMEMBER need a uniformly random member in O(1), and because one reference per
 * slot costs far less memory than HashMap's entry objects.
 */
public final class SetValue implements Encoded {

  /** The intset, sorted ascending; null once the set is a hashtable. */
  private long[] ints;
  private int intCount;
  private Table<Key> table;

  public SetValue() {
    ints = new long[4];
  }

  private SetValue(long[] ints, int intCount, Table<Key> table) {
    this.ints = ints;
    this.intCount = intCount;
    this.table = table;
  }

  public String encoding() {
    return table == null ? "intset" : "hashtable";
  }

  public boolean isIntset() {
    return table == null;
  }

  public int size() {
    return table == null ? intCount : table.size();
  }

  public SetValue copy() {
    return table == null ? new SetValue(Arrays.copyOf(ints, Math.max(4, intCount)), intCount, null)
        : new SetValue(null, 0, table.copy());
  }

  /** Adds a member; false if it was there. maxIntset is set-max-intset-entries. */
  public boolean add(byte[] member, int maxIntset) {
    if (table == null) {
      Long v = parseCanonical(member);
      if (v != null) {
        int i = Arrays.binarySearch(ints, 0, intCount, v);
        if (i >= 0) return false;
        if (intCount + 1 <= maxIntset) {
          i = -i - 1;
          if (intCount == ints.length) ints = Arrays.copyOf(ints, ints.length * 2);
          System.arraycopy(ints, i, ints, i + 1, intCount - i);
          ints[i] = v;
          intCount++;
          return true;
        }
      }
      toTable();
    }
    return table.put(new Key(member));
  }

  public boolean remove(byte[] member) {
    if (table == null) {
      Long v = parseCanonical(member);
      if (v == null) return false;
      int i = Arrays.binarySearch(ints, 0, intCount, v);
      if (i < 0) return false;
      System.arraycopy(ints, i + 1, ints, i, intCount - i - 1);
      intCount--;
      return true;
    }
    return table.remove(new Key(member)) != null;
  }

  public boolean contains(byte[] member) {
    if (table == null) {
      Long v = parseCanonical(member);
      return v != null && Arrays.binarySearch(ints, 0, intCount, v) >= 0;
    }
    return table.get(new Key(member)) != null;
  }

  /** Each member, sorted for an intset, in table order otherwise. */
  public void forEach(Consumer<byte[]> action) {
    if (table == null) {
      for (int i = 0; i < intCount; i++) action.accept(intBytes(ints[i]));
    } else {
      table.forEach(k -> action.accept(k.bytes));
    }
  }

  /** A uniformly random member; the set must not be empty. */
  public byte[] random(Random rnd) {
    if (table == null) return intBytes(ints[rnd.nextInt(intCount)]);
    return table.random(rnd).bytes;
  }

  /**
   * One SSCAN step from {@code cursor}: the members of a few buckets go to {@code out}
   * and the next cursor comes back (0 when done). An intset goes out whole, as in
   * Redis.
   */
  public long scan(long cursor, int count, Consumer<byte[]> out) {
    if (table == null) {
      forEach(out);
      return 0;
    }
    return table.scan(cursor, count, k -> out.accept(k.bytes));
  }

  private void toTable() {
    Table<Key> t = new Table<>(KEY_OF, intCount + 1);
    for (int i = 0; i < intCount; i++) t.put(new Key(intBytes(ints[i])));
    table = t;
    ints = null;
    intCount = 0;
  }

  private static final Function<Key, Key> KEY_OF = k -> k;

  /** The integer a member is, if it is one that an intset can hold (string2ll-canonical). */
  static Long parseCanonical(byte[] b) {
    int n = b.length;
    if (n == 0 || n > 20) return null;
    if (n == 1 && b[0] == '0') return 0L;
    int p = b[0] == '-' ? 1 : 0;
    if (p == n || b[p] < '1' || b[p] > '9') return null;
    for (int i = p; i < n; i++) if (b[i] < '0' || b[i] > '9') return null;
    try {
      return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static byte[] intBytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- table

  /**
   * An open-addressing hash table with linear probing, keyed by {@link Key}: one slot
   * per entry and no entry objects. It stays between 1/8 and 2/3 full so that a random
   * slot is an entry often enough for {@link #random} to be O(1) on average. Shared
   * with {@link ZSetValue}, whose entries are its nodes.
   */
  public static final class Table<E> {
    private final Function<E, Key> keyOf;
    private Object[] slots;
    private int size;

    public Table(Function<E, Key> keyOf, int expected) {
      this.keyOf = keyOf;
      int cap = 4;
      while (cap * 2 < expected * 3) cap <<= 1;
      slots = new Object[cap];
    }

    public int size() {
      return size;
    }

    Table<E> copy() {
      Table<E> t = new Table<>(keyOf, 1);
      t.slots = slots.clone();
      t.size = size;
      return t;
    }

    private static int spread(int h) {
      h ^= h >>> 16;
      h *= 0x85ebca6b;
      h ^= h >>> 13;
      return h;
    }

    @SuppressWarnings("unchecked")
    public E get(Key k) {
      int mask = slots.length - 1;
      for (int i = spread(k.hashCode()) & mask; ; i = (i + 1) & mask) {
        Object e = slots[i];
        if (e == null) return null;
        if (keyOf.apply((E) e).equals(k)) return (E) e;
      }
    }

    /** Inserts e unless an entry with its key exists; true if inserted. */
    @SuppressWarnings("unchecked")
    public boolean put(E e) {
      Key k = keyOf.apply(e);
      int mask = slots.length - 1;
      int i = spread(k.hashCode()) & mask;
      for (; slots[i] != null; i = (i + 1) & mask) {
        if (keyOf.apply((E) slots[i]).equals(k)) return false;
      }
      slots[i] = e;
      size++;
      if (size * 3 > slots.length * 2) resize(slots.length * 2);
      return true;
    }

    @SuppressWarnings("unchecked")
    public E remove(Key k) {
      int mask = slots.length - 1;
      int i = spread(k.hashCode()) & mask;
      for (; ; i = (i + 1) & mask) {
        Object e = slots[i];
        if (e == null) return null;
        if (keyOf.apply((E) e).equals(k)) break;
      }
      E removed = (E) slots[i];
      // Backward-shift deletion keeps every probe chain unbroken without tombstones.
      int hole = i;
      for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
        int home = spread(keyOf.apply((E) slots[j]).hashCode()) & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
          slots[hole] = slots[j];
          hole = j;
        }
      }
      slots[hole] = null;
      size--;
      if (slots.length > 8 && size * 8 < slots.length) resize(slots.length / 2);
      return removed;
    }

    @SuppressWarnings("unchecked")
    private void resize(int cap) {
      Object[] old = slots;
      slots = new Object[cap];
      int mask = cap - 1;
      for (Object e : old) {
        if (e == null) continue;
        int i = spread(keyOf.apply((E) e).hashCode()) & mask;
        while (slots[i] != null) i = (i + 1) & mask;
        slots[i] = e;
      }
    }

    @SuppressWarnings("unchecked")
    public E random(Random rnd) {
      while (true) {
        Object e = slots[rnd.nextInt(slots.length)];
        if (e != null) return (E) e;
      }
    }

    @SuppressWarnings("unchecked")
    public void forEach(Consumer<E> action) {
      for (Object e : slots) if (e != null) action.accept((E) e);
    }

    /**
     * Visits the entries of a few home buckets, starting at cursor, and returns the next
     * cursor (0 when done). Buckets go in Redis's reverse-binary order, so an entry
     * present for the whole scan is returned even if the table grows or shrinks in
     * between. With linear probing the entries of bucket b are those in the run of
     * occupied slots from b on whose hash maps to b.
     */
    @SuppressWarnings("unchecked")
    public long scan(long cursor, int count, Consumer<E> action) {
      int mask = slots.length - 1;
      long v = cursor;
      int emitted = 0;
      int buckets = 0;
      do {
        int b = (int) (v & mask);
        for (int i = b; slots[i] != null; i = (i + 1) & mask) {
          E e = (E) slots[i];
          if ((spread(keyOf.apply(e).hashCode()) & mask) == b) {
            action.accept(e);
            emitted++;
          }
        }
        v |= ~(long) mask;
        v = Long.reverse(Long.reverse(v) + 1);
        buckets++;
        // Like Redis, bound the empty buckets visited too, so a sparse table answers fast.
      } while (v != 0 && emitted < count && buckets < count * 10L);
      return v;
    }
  }
}
