package io.redisha.node.types;

/**
 * A list: a circular array of elements, so that pushes and pops at both ends and
 * access by index are all O(1), with one reference of overhead per element (much
 * less than a linked list's node per element).
 *
 * <p>The array's length is always a power of two, so that wrapping an index is a mask.
 * It doubles when full and halves when a quarter full, so a list that grew and
 * drained does not keep its peak memory. Elements are never copied: the byte arrays
 * belong to the list once pushed and must not be changed by callers.
 */
public final class ListValue implements Encoded {

  private static final int MIN_CAPACITY = 4;

  private byte[][] items;
  private int head;
  private int size;

  public ListValue() {
    items = new byte[MIN_CAPACITY][];
  }

  private ListValue(byte[][] items, int size) {
    this.items = items;
    this.size = size;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** What OBJECT ENCODING says: redis-server 7.0 keeps every list in a quicklist. */
  public String encoding() {
    return "quicklist";
  }

  /** A copy that shares no array with this one (COPY); elements are immutable, so shared. */
  public ListValue copy() {
    byte[][] a = new byte[capacityFor(size)][];
    copyOut(a);
    return new ListValue(a, size);
  }

  // ---------------------------------------------------------------- ends

  public void pushFirst(byte[] v) {
    if (size == items.length) resize(items.length * 2);
    head = (head - 1) & (items.length - 1);
    items[head] = v;
    size++;
  }

  public void pushLast(byte[] v) {
    if (size == items.length) resize(items.length * 2);
    items[(head + size) & (items.length - 1)] = v;
    size++;
  }

  public void push(byte[] v, boolean first) {
    if (first) pushFirst(v);
    else pushLast(v);
  }

  /** Removes and returns the first element, or null when empty. */
  public byte[] popFirst() {
    if (size == 0) return null;
    byte[] v = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    shrinkIfSparse();
    return v;
  }

  public byte[] popLast() {
    if (size == 0) return null;
    int i = (head + size - 1) & (items.length - 1);
    byte[] v = items[i];
    items[i] = null;
    size--;
    shrinkIfSparse();
    return v;
  }

  public byte[] pop(boolean first) {
    return first ? popFirst() : popLast();
  }

  public byte[] first() {
    return size == 0 ? null : items[head];
  }

  public byte[] last() {
    return size == 0 ? null : items[(head + size - 1) & (items.length - 1)];
  }

  // ---------------------------------------------------------------- by index

  /** The element at 0-based index i (0 <= i < size). */
  public byte[] get(int i) {
    return items[(head + i) & (items.length - 1)];
  }

  public void set(int i, byte[] v) {
    items[(head + i) & (items.length - 1)] = v;
  }

  /** Inserts v so that it ends up at index i (0 <= i <= size), moving the shorter side. */
  public void insert(int i, byte[] v) {
    if (i == 0) {
      pushFirst(v);
      return;
    }
    if (i == size) {
      pushLast(v);
      return;
    }
    if (size == items.length) resize(items.length * 2);
    int mask = items.length - 1;
    if (i < size / 2) {
      head = (head - 1) & mask;
      for (int k = 0; k < i; k++) items[(head + k) & mask] = items[(head + k + 1) & mask];
    } else {
      for (int k = size; k > i; k--) items[(head + k) & mask] = items[(head + k - 1) & mask];
    }
    items[(head + i) & mask] = v;
    size++;
  }

  /** Keeps only the elements from index start to end inclusive (LTRIM, already clamped). */
  public void retain(int start, int end) {
    if (start > end || start >= size) {
      clear();
      return;
    }
    int mask = items.length - 1;
    for (int k = end + 1; k < size; k++) items[(head + k) & mask] = null;
    for (int k = 0; k < start; k++) items[(head + k) & mask] = null;
    head = (head + start) & mask;
    size = end - start + 1;
    shrinkIfSparse();
  }

  /** Removes the elements whose flag is set (LREM), keeping the others' order. */
  public void removeMarked(boolean[] marked) {
    int mask = items.length - 1;
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (!marked[r]) items[(head + w++) & mask] = items[(head + r) & mask];
    }
    for (int k = w; k < size; k++) items[(head + k) & mask] = null;
    size = w;
    shrinkIfSparse();
  }

  public void clear() {
    items = new byte[MIN_CAPACITY][];
    head = 0;
    size = 0;
  }

  // ---------------------------------------------------------------- capacity

  private void shrinkIfSparse() {
    if (items.length > MIN_CAPACITY && size <= items.length / 4) resize(items.length / 2);
  }

  private void resize(int capacity) {
    byte[][] a = new byte[capacity][];
    copyOut(a);
    items = a;
    head = 0;
  }

  /** Copies the elements in order to the start of a. */
  private void copyOut(byte[][] a) {
    int firstPart = Math.min(size, items.length - head);
    System.arraycopy(items, head, a, 0, firstPart);
    System.arraycopy(items, 0, a, firstPart, size - firstPart);
  }

  private static int capacityFor(int n) {
    return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < size; i++) {
      if (i > 0) sb.append(", ");
      sb.append(new String(get(i), java.nio.charset.StandardCharsets.UTF_8));
    }
    return sb.append(']').toString();
  }

  /** The elements in order, for tests and persistence. */
  public byte[][] toArray() {
    byte[][] a = new byte[size][];
    copyOut(a);
    return a;
  }
}
