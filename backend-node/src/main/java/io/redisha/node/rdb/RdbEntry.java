package io.redisha.node.rdb;

/**
 * One key of the dump.
 *
 * @param db the database number (SELECTDB) the key belongs to
 * @param key the key's bytes
 * @param expireAtMs absolute expiry in unix milliseconds, or -1 for none; already-expired
 *     keys are reported as they are, dropping them is the loader's decision
 * @param value the value
 */
public record RdbEntry(int db, byte[] key, long expireAtMs, RdbValue value) {

  public static final long NO_EXPIRY = -1;

  @Override
  public boolean equals(Object o) {
    return o instanceof RdbEntry e && e.db == db && java.util.Arrays.equals(e.key, key)
        && e.expireAtMs == expireAtMs && e.value.equals(value);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "RdbEntry[db=" + db + ", key=" + RdbValue.show(key) + ", expireAtMs=" + expireAtMs + ", value=" + value + "]";
  }
}
