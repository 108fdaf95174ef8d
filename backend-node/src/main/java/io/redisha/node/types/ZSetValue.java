package io.redisha.node.types;

import io.redisha.node.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A sorted set: members ordered by score, then by their bytes (unsigned, as memcmp).
 *
 * <p>The members live in a treap (a randomised balanced binary tree) whose nodes count
 * their subtree, so rank lookups, rank ranges and score or lex bounds are all O(log n).
 * A treap node is smaller than a skiplist node with its span arrays, and its code is
 * short.
 *
 * <p>The encoding OBJECT ENCODING reports follows redis-server 7.0: "listpack" while
 * the set is small (zset-max-listpack-entries, zset-max-listpack-value), "skiplist"
 * once it outgrew that; like Redis it never goes back. As in Redis, only the skiplist
 * form has a hash table from member to node: a small set finds a member by walking
 * its few nodes, which saves the table's memory on the many small sets a keyspace
 * usually holds.
 */
public final class ZSetValue implements Encoded {

  /** One member: its score and its place in the treap. */
  public static final class Node {
    public final Key member;
    double score;
    Node left, right;
    int size = 1;
    final int priority;

    Node(Key member, double score) {
      this.member = member;
      this.score = score;
      this.priority = ThreadLocalRandom.current().nextInt();
    }

    public double score() {
      return score;
    }

    public byte[] bytes() {
      return member.bytes;
    }
  }

  private static final Function<Node, Key> MEMBER = n -> n.member;

  /** Member to node; only in the skiplist encoding, null while a listpack. */
  private SetValue.Table<Node> dict;
  private Node root;
  private boolean skiplist;

  public ZSetValue() {}

  /**
   * An empty set in the skiplist encoding, as Redis builds the results of ZUNION and
   * friends (they keep -0 scores until a STORE converts them).
   */
  public static ZSetValue skiplist() {
    ZSetValue z = new ZSetValue();
    z.toSkiplist();
    return z;
  }

  private void toSkiplist() {
    skiplist = true;
    if (dict == null) {
      SetValue.Table<Node> t = new SetValue.Table<>(MEMBER, size() + 1);
      forEachNode(t::put);
      dict = t;
    }
  }

  private void toListpack() {
    skiplist = false;
    dict = null;
    forEachNode(n -> n.score = listpackScore(n.score));
  }

  /** The node of a member: by the table, or in a listpack by walking the nodes. */
  private Node find(Key member) {
    return dict != null ? dict.get(member) : walkFind(root, member);
  }

  private static Node walkFind(Node x, Key member) {
    while (x != null) {
      Node f = walkFind(x.left, member);
      if (f != null) return f;
      if (x.member.equals(member)) return x;
      x = x.right;
    }
    return null;
  }

  public String encoding() {
    return skiplist ? "skiplist" : "listpack";
  }

  public int size() {
    return size(root);
  }

  /**
   * Adds a new member or changes a score, applying Redis 7.0's listpack limits first:
   * a new member that would take the set over either limit makes it a skiplist for
   * good. True if the member was new.
   */
  public boolean add(Key member, double score, int maxEntries, int maxValue) {
    if (!skiplist && (size() + 1 > maxEntries || member.bytes.length > maxValue) && find(member) == null) {
      toSkiplist();
    }
    return put(member, score);
  }

  /**
   * For a set built whole (ZUNIONSTORE, ZRANGESTORE...): Redis converts such results to a
   * listpack when they fit, so the encoding is decided from scratch.
   */
  public void decideEncoding(int maxEntries, int maxValue) {
    if (size() > maxEntries) {
      toSkiplist();
      return;
    }
    int[] longest = {0};
    forEachNode(n -> longest[0] = Math.max(longest[0], n.member.bytes.length));
    if (longest[0] > maxValue) toSkiplist();
    else toListpack();
  }

  /**
   * A listpack stores scores as text, where Redis 7.0 writes -0 as "0"; a skiplist
   * keeps the double, so only there does -0 survive.
   */
  private static double listpackScore(double score) {
    return score == 0 ? 0.0 : score;
  }

  public ZSetValue copy() {
    // Built with a table for fast lookups, then dropped to this set's encoding.
    ZSetValue z = skiplist();
    // Keys are immutable, so the copy can share them.
    forEachNode(n -> z.put(n.member, n.score));
    if (!skiplist) {
      z.skiplist = false;
      z.dict = null;
    }
    return z;
  }

  public Node get(Key member) {
    return find(member);
  }

  /** The score of a member, or null. */
  public Double score(Key member) {
    Node n = find(member);
    return n == null ? null : n.score;
  }

  /**
   * Adds a member or changes its score, ignoring the encoding limits (for sets built
   * whole, which then call {@link #decideEncoding}); true if it was new.
   */
  public boolean put(Key member, double score) {
    if (!skiplist) score = listpackScore(score);
    Node n = find(member);
    if (n != null) {
      if (n.score != score) {
        root = delete(root, n);
        n.score = score;
        n.left = n.right = null;
        n.size = 1;
        root = insert(root, n);
      }
      return false;
    }
    n = new Node(member, score);
    if (dict != null) dict.put(n);
    root = insert(root, n);
    return true;
  }

  public boolean remove(Key member) {
    Node n = dict != null ? dict.remove(member) : find(member);
    if (n == null) return false;
    root = delete(root, n);
    return true;
  }

  /** 0-based rank in ascending order, or -1 if the member is absent. */
  public long rank(Key member) {
    Node n = find(member);
    if (n == null) return -1;
    long r = 0;
    Node x = root;
    while (x != null) {
      int c = compare(n.score, n.member, x);
      if (c == 0) return r + size(x.left);
      if (c < 0) {
        x = x.left;
      } else {
        r += size(x.left) + 1;
        x = x.right;
      }
    }
    throw new IllegalStateException("member in dict but not in tree");
  }

  /** The node at a 0-based ascending rank; the rank must be valid. */
  public Node byRank(long rank) {
    Node x = root;
    while (true) {
      int l = size(x.left);
      if (rank < l) {
        x = x.left;
      } else if (rank == l) {
        return x;
      } else {
        rank -= l + 1;
        x = x.right;
      }
    }
  }

  /** How many members score below s (or at most s, when inclusive). */
  public long countBelowScore(double s, boolean inclusive) {
    long r = 0;
    Node x = root;
    while (x != null) {
      boolean below = inclusive ? x.score <= s : x.score < s;
      if (below) {
        r += size(x.left) + 1;
        x = x.right;
      } else {
        x = x.left;
      }
    }
    return r;
  }

  /**
   * How many members sort below the member m (or at most m, when inclusive), comparing
   * members only: the lex commands assume all scores are equal, as Redis documents.
   * A null m is "-" (nothing below); use size() for "+".
   */
  public long countBelowMember(byte[] m, boolean inclusive) {
    long r = 0;
    Node x = root;
    while (x != null) {
      int c = java.util.Arrays.compareUnsigned(x.member.bytes, m);
      boolean below = inclusive ? c <= 0 : c < 0;
      if (below) {
        r += size(x.left) + 1;
        x = x.right;
      } else {
        x = x.left;
      }
    }
    return r;
  }

  /** The nodes with ranks in [from, to), ascending. */
  public List<Node> range(long from, long to) {
    List<Node> out = new ArrayList<>((int) Math.max(0, Math.min(to - from, 1 << 16)));
    if (from < to) collect(root, 0, from, to, out);
    return out;
  }

  private static void collect(Node x, long base, long from, long to, List<Node> out) {
    while (x != null) {
      long r = base + size(x.left);
      if (from < r) collect(x.left, base, from, to, out);
      if (r >= to) return;
      if (r >= from) out.add(x);
      base = r + 1;
      x = x.right;
    }
  }

  public void forEachNode(Consumer<Node> action) {
    walk(root, action);
  }

  private static void walk(Node x, Consumer<Node> action) {
    while (x != null) {
      walk(x.left, action);
      action.accept(x);
      x = x.right;
    }
  }

  public Node random(Random rnd) {
    return dict != null ? dict.random(rnd) : byRank(rnd.nextInt(size()));
  }

  /** One ZSCAN step over the hash table; see {@link SetValue#scan}. Small sets go out whole. */
  public long scan(long cursor, int count, Consumer<Node> out) {
    if (!skiplist) {
      forEachNode(out);
      return 0;
    }
    return dict.scan(cursor, count, out);
  }

  // ---------------------------------------------------------------- treap

  private static int size(Node x) {
    return x == null ? 0 : x.size;
  }

  private static void fix(Node x) {
    x.size = 1 + size(x.left) + size(x.right);
  }

  /** Score order, then member bytes; -0 and 0 are equal, as C's comparisons make them. */
  private static int compare(double score, Key member, Node x) {
    if (score < x.score) return -1;
    if (score > x.score) return 1;
    return member.compareTo(x.member);
  }

  private static Node insert(Node t, Node n) {
    if (t == null) return n;
    if (n.priority > t.priority) {
      Node[] lr = split(t, n);
      n.left = lr[0];
      n.right = lr[1];
      fix(n);
      return n;
    }
    if (compare(n.score, n.member, t) < 0) t.left = insert(t.left, n);
    else t.right = insert(t.right, n);
    fix(t);
    return t;
  }

  /** Splits t into the nodes before n and those after it. */
  private static Node[] split(Node t, Node n) {
    if (t == null) return new Node[2];
    if (compare(n.score, n.member, t) < 0) {
      Node[] lr = split(t.left, n);
      t.left = lr[1];
      fix(t);
      lr[1] = t;
      return lr;
    }
    Node[] lr = split(t.right, n);
    t.right = lr[0];
    fix(t);
    lr[0] = t;
    return lr;
  }

  private static Node delete(Node t, Node n) {
    if (t == n) return merge(t.left, t.right);
    if (compare(n.score, n.member, t) < 0) t.left = delete(t.left, n);
    else t.right = delete(t.right, n);
    fix(t);
    return t;
  }

  private static Node merge(Node a, Node b) {
    if (a == null) return b;
    if (b == null) return a;
    if (a.priority > b.priority) {
      a.right = merge(a.right, b);
      fix(a);
      return a;
    }
    b.left = merge(a, b.left);
    fix(b);
    return b;
  }
}
