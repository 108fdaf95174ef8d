package io.redisha.node.types;

import io.redisha.node.Client.CommandError;

/**
 * What OBJECT ENCODING and COPY need from a collection value. Each collection type
 * implements it: its encoding ("listpack", "quicklist", "hashtable", "intset",
 * "skiplist") depends on size and contents exactly as redis-server's conversions
 * decide, and its copy is deep (no element array shared with the original).
 */
public interface Encoded {
  String encoding();

  /** A deep copy, for COPY; a type that cannot copy yet makes COPY fail visibly. */
  default Object copy() {
    throw new CommandError("ERR not implemented");
  }
}
