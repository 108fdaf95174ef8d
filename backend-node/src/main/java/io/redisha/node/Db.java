package io.redisha.node;

import io.redisha.node.types.RawString;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One of the numbered databases: the key space and the expiry times, both keyed by
 * {@link Key}. Every access goes through the lookup methods, which expire keys lazily
 * as redis-server does; the node's cron expires the rest actively.
 *
 * <p>Commands that modify a key must call {@link #modified(Key)} (this is Redis's
 * signalModifiedKey: it invalidates WATCH) and count their changes in
 * {@link Node#dirty}.
 */
public final class Db {

  public final int id;
  final Node node;
  // Not final: SWAPDB exchanges the contents of two databases.
  KeyTable dict = new KeyTable();
  HashMap<Key, Long> expires = new HashMap<>();

  Db(Node node, int id) {
    this.node = node;
    this.id = id;
  }

  // ---------------------------------------------------------------- lookups

  /** The live value of a key, or null; an expired key is deleted on the way. */
  public Object get(Key key) {
    Object v = dict.get(key);
    if (v != null && !expires.isEmpty() && expireIfNeeded(key)) v = null;
    if (node.countKeyspaceReads) {
      if (v == null) node.stats.keyspaceMisses++;
      else node.stats.keyspaceHits++;
    }
    return v;
  }

  /** The value of a string key as bytes, whatever its encoding. */
  public static byte[] stringBytes(Object v) {
    return v instanceof RawString r ? r.bytes : (byte[]) v;
  }

  public boolean exists(Key key) {
    return get(key) != null;
  }

  public int size() {
    return dict.size();
  }

  public int expiresSize() {
    return expires.size();
  }

  // ---------------------------------------------------------------- changes

  /** Sets a key's value, removing any TTL (SET semantics). */
  public void set(Key key, Object value) {
    node.persistence.beforeChange(this, key);
    dict.put(key, value);
    if (!expires.isEmpty()) expires.remove(key);
    modified(key);
  }

  /** Replaces the value but keeps the TTL (SET KEEPTTL, in-place updates). */
  public void setKeepTtl(Key key, Object value) {
    node.persistence.beforeChange(this, key);
    dict.put(key, value);
    modified(key);
  }

  /** Adds a new key, e.g. the list LPUSH creates; keeps nothing of an old one. */
  public void add(Key key, Object value) {
    set(key, value);
  }

  public boolean delete(Key key) {
    node.persistence.beforeChange(this, key);
    Object old = dict.remove(key);
    if (old == null) return false;
    if (!expires.isEmpty()) expires.remove(key);
    modified(key);
    return true;
  }

  /** Absolute expiry in Unix milliseconds. */
  public void setExpire(Key key, long whenMs) {
    node.persistence.beforeChange(this, key);
    expires.put(key, whenMs);
    modified(key);
  }

  public boolean persist(Key key) {
    node.persistence.beforeChange(this, key);
    if (expires.remove(key) != null) {
      modified(key);
      return true;
    }
    return false;
  }

  /** Absolute expiry in Unix milliseconds, or -1 when the key has none. */
  public long getExpire(Key key) {
    Long w = expires.get(key);
    return w == null ? -1 : w;
  }

  /** WATCH invalidation and keyspace-change hook for every modified key. */
  public void modified(Key key) {
    node.transactions.touch(this, key);
    node.tracking.modified(key);
  }

  /**
   * FLUSHDB. New tables rather than clearing these: a BGSAVE snapshot still walking this
   * database keeps the old ones, which nothing changes any more (see Snapshot).
   */
  public void flush() {
    node.persistence.beforeFlush(this);
    node.transactions.touchAll(this);
    node.tracking.flushed();
    dict = new KeyTable();
    expires = new HashMap<>();
  }

  /**
   * SWAPDB: the two databases exchange their keys; clients stay on their numbers, so
   * they see the other data set. Watchers of keys in either are touched first.
   */
  public void swapWith(Db other) {
    node.persistence.beforeSwap(this, other);
    node.transactions.touchAll(this);
    node.transactions.touchAll(other);
    KeyTable d = dict;
    dict = other.dict;
    other.dict = d;
    HashMap<Key, Long> e = expires;
    expires = other.expires;
    other.expires = e;
    node.transactions.touchAll(this);
    node.transactions.touchAll(other);
  }

  /** The key space with its cursor scan and random pick (SCAN, RANDOMKEY). */
  public KeyTable table() {
    return dict;
  }

  public Iterable<Map.Entry<Key, Object>> entries() {
    return dict.entrySet();
  }

  public Map<Key, Object> dict() {
    return dict;
  }

  public Map<Key, Long> expiresMap() {
    return expires;
  }

  // ---------------------------------------------------------------- expiry

  /** Deletes the key if its time has passed; true if it did. */
  boolean expireIfNeeded(Key key) {
    Long when = expires.get(key);
    if (when == null || when > node.clock.nowMs()) return false;
    // A replica does not expire keys itself: its master sends the DEL (replication issue).
    if (!node.expiresLocally()) return !node.replication.applying;
    node.persistence.beforeChange(this, key);
    dict.remove(key);
    expires.remove(key);
    node.stats.expiredKeys++;
    modified(key);
    node.keyExpired(this, key);
    return true;
  }

  /**
   * One slice of the active expiry cycle: samples keys with a TTL and deletes the
   * expired ones, repeating while more than a quarter of a sample had expired and the
   * time budget lasts. Returns the number of keys deleted.
   */
  int activeExpire(long budgetNanos) {
    if (expires.isEmpty() || !node.expiresLocally()) return 0;
    long deadline = System.nanoTime() + budgetNanos;
    long now = node.clock.nowMs();
    int deleted = 0;
    while (true) {
      int sampled = 0, expired = 0;
      Iterator<Map.Entry<Key, Long>> it = expires.entrySet().iterator();
      // HashMap iteration order is fixed, so sample from a rotating start.
      int skip = expires.size() > 20 ? node.random.nextInt(expires.size() - 20) : 0;
      if (skip > 2000) skip = node.random.nextInt(2000);
      while (skip-- > 0 && it.hasNext()) it.next();
      while (it.hasNext() && sampled < 20) {
        Map.Entry<Key, Long> e = it.next();
        sampled++;
        if (e.getValue() <= now) {
          Key k = e.getKey();
          node.persistence.beforeChange(this, k);
          it.remove();
          dict.remove(k);
          node.stats.expiredKeys++;
          modified(k);
          node.keyExpired(this, k);
          expired++;
        }
      }
      deleted += expired;
      if (sampled == 0 || expired * 4 <= sampled || System.nanoTime() > deadline) return deleted;
    }
  }
}
