package io.redisha.node.types;

/**
 * What OBJECT ENCODING and COPY need from a collection value. Each collection type
 * implements it: its encoding ("listpack", "quicklist", "hashtable", "intset",
 * "skiplist") depends on size and contents exactly as redis-server's conversions
 * decide, and its copy is deep (no element array shared with the original).
 */
public interface Encoded {
  String encoding();

  /** A deep copy, for COPY. */
  Object copy();
}
