package io.redisha.node.types;

import java.util.Arrays;
import java.util.Random;

/**
 * A hash, in one of the two encodings redis-server 7.0 reports.
 *
 * <p>"listpack": a flat array of field, value, field, value... searched linearly, as
 * small as a hash can be and in insertion order, which clients can observe in HGETALL
 * and which differential tests compare. A hash stays so while it has at most
 * hash-max-listpack-entries fields and no field or value longer than
 * hash-max-listpack-value bytes; beyond that it converts, for good, to
 *
 * <p>"hashtable": chained buckets in a power-of-two table. We keep our own table rather
 * than a java.util.HashMap because HSCAN needs Redis's reverse-binary bucket cursor
 * (every field present for the whole scan is returned, even across resizes) and
 * HRANDFIELD needs a random entry without walking the map.
 *
 * <p>Fields and values are byte arrays owned by the hash once stored; callers must not
 * change them.
 */
public final class HashValue implements Encoded {

  /** One field of the hashtable encoding; chained through next. */
  private static final class Entry {
    final byte[] field;
    final int hash;
    byte[] value;
    Entry next;

    Entry(byte[] field, int hash, byte[] value, Entry next) {
      this.field = field;
      this.hash = hash;
      this.value = value;
      this.next = next;
    }
  }

  /** Receives the fields in iteration order. */
  public interface Visitor {
    void visit(byte[] field, byte[] value);
  }

  private static final int MIN_TABLE = 4;

  /** Listpack encoding when non-null: field at 2i, value at 2i+1. */
  private byte[][] pairs;
  /** Hashtable encoding when pairs is null. */
  private Entry[] table;
  private int size;

  public HashValue() {
    pairs = new byte[4][];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** What OBJECT ENCODING says. */
  public String encoding() {
    return pairs != null ? "listpack" : "hashtable";
  }

  public boolean isListpack() {
    return pairs != null;
  }

  /** A copy with the same encoding and order that shares no structure (COPY). */
  public HashValue copy() {
    HashValue h = new HashValue();
    if (pairs != null) {
      h.pairs = Arrays.copyOf(pairs, Math.max(4, size * 2));
      h.size = size;
    } else {
      h.pairs = null;
      h.table = new Entry[table.length];
      forEach(h::putInTable);
    }
    return h;
  }

  // ---------------------------------------------------------------- lookups

  public byte[] get(byte[] field) {
    if (pairs != null) {
      int i = indexOf(field);
      return i < 0 ? null : pairs[i + 1];
    }
    Entry e = find(field);
    return e == null ? null : e.value;
  }

  public boolean containsKey(byte[] field) {
    return get(field) != null;
  }

  public void forEach(Visitor v) {
    if (pairs != null) {
      for (int i = 0; i < size * 2; i += 2) v.visit(pairs[i], pairs[i + 1]);
      return;
    }
    for (Entry head : table) {
      for (Entry e = head; e != null; e = e.next) v.visit(e.field, e.value);
    }
  }

  // ---------------------------------------------------------------- changes

  /**
   * Sets a field; returns true if it is new. Converts to a hashtable when the hash
   * outgrows the listpack limits (hash-max-listpack-entries, -value), as Redis does
   * after the write.
   */
  public boolean put(byte[] field, byte[] value, int maxListpackEntries, int maxListpackValue) {
    boolean added;
    if (pairs != null) {
      int i = indexOf(field);
      if (i >= 0) {
        pairs[i + 1] = value;
        added = false;
      } else {
        if (size * 2 == pairs.length) pairs = Arrays.copyOf(pairs, (pairs.length + (pairs.length >> 1) + 2) & ~1);
        pairs[size * 2] = field;
        pairs[size * 2 + 1] = value;
        size++;
        added = true;
      }
      if (size > maxListpackEntries || field.length > maxListpackValue || value.length > maxListpackValue) {
        convertToTable();
      }
      return added;
    }
    Entry e = find(field);
    if (e != null) {
      e.value = value;
      return false;
    }
    putInTable(field, value);
    return true;
  }

  /** Removes a field; returns true if it was there. */
  public boolean remove(byte[] field) {
    if (pairs != null) {
      int i = indexOf(field);
      if (i < 0) return false;
      int n = size * 2;
      System.arraycopy(pairs, i + 2, pairs, i, n - i - 2);
      pairs[n - 2] = null;
      pairs[n - 1] = null;
      size--;
      if (pairs.length > 8 && size * 4 < pairs.length) pairs = Arrays.copyOf(pairs, (pairs.length / 2) & ~1);
      return true;
    }
    int b = bucket(hash(field));
    Entry prev = null;
    for (Entry e = table[b]; e != null; prev = e, e = e.next) {
      if (Arrays.equals(e.field, field)) {
        if (prev == null) table[b] = e.next;
        else prev.next = e.next;
        size--;
        // As Redis, shrink when under a tenth full, so a drained hash gives memory back.
        if (table.length > MIN_TABLE && size * 10 < table.length) rehash(Math.max(MIN_TABLE, tableSizeFor(size)));
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- random and scan

  /** A random field and its value as {field, value}; the hash must not be empty. */
  public byte[][] randomEntry(Random random) {
    if (pairs != null) {
      int i = random.nextInt(size) * 2;
      return new byte[][] {pairs[i], pairs[i + 1]};
    }
    // A random non-empty bucket, then a random entry of its chain (Redis's dictGetRandomKey).
    Entry head;
    do {
      head = table[random.nextInt(table.length)];
    } while (head == null);
    int len = 0;
    for (Entry e = head; e != null; e = e.next) len++;
    Entry e = head;
    for (int k = random.nextInt(len); k > 0; k--) e = e.next;
    return new byte[][] {e.field, e.value};
  }

  /**
   * One step of HSCAN over the hashtable encoding: visits the bucket the cursor names
   * and returns the next cursor, 0 when done. Cursors count in reverse binary, so a
   * table that grew or shrank between calls still yields every field that stayed.
   * The listpack encoding is scanned whole by the caller (cursor 0 at once).
   */
  public long scanStep(long cursor, Visitor v) {
    if (pairs != null) {
      forEach(v);
      return 0;
    }
    long mask = table.length - 1;
    for (Entry e = table[(int) (cursor & mask)]; e != null; e = e.next) v.visit(e.field, e.value);
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  // ---------------------------------------------------------------- internals

  private int indexOf(byte[] field) {
    for (int i = 0; i < size * 2; i += 2) {
      if (Arrays.equals(pairs[i], field)) return i;
    }
    return -1;
  }

  private Entry find(byte[] field) {
    int h = hash(field);
    for (Entry e = table[bucket(h)]; e != null; e = e.next) {
      if (e.hash == h && Arrays.equals(e.field, field)) return e;
    }
    return null;
  }

  private void convertToTable() {
    byte[][] p = pairs;
    int n = size;
    pairs = null;
    table = new Entry[tableSizeFor(n)];
    size = 0;
    for (int i = 0; i < n * 2; i += 2) putInTable(p[i], p[i + 1]);
  }

  private void putInTable(byte[] field, byte[] value) {
    // Like Redis's dict: grow once there are as many entries as buckets.
    if (size >= table.length) rehash(table.length * 2);
    int h = hash(field);
    int b = bucket(h);
    table[b] = new Entry(field, h, value, table[b]);
    size++;
  }

  private void rehash(int newLength) {
    Entry[] old = table;
    table = new Entry[newLength];
    for (Entry head : old) {
      Entry e = head;
      while (e != null) {
        Entry next = e.next;
        int b = bucket(e.hash);
        e.next = table[b];
        table[b] = e;
        e = next;
      }
    }
  }

  private int bucket(int hash) {
    return hash & (table.length - 1);
  }

  private static int hash(byte[] field) {
    int h = Arrays.hashCode(field);
    return h ^ (h >>> 16);
  }

  private static int tableSizeFor(int n) {
    int s = MIN_TABLE;
    while (s < n) s <<= 1;
    return s;
  }
}
