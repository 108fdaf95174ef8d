package io.redisha.node.types;

/**
 * A string that APPEND or SETRANGE produced: redis-server keeps such strings in the
 * "raw" encoding even when short, and OBJECT ENCODING shows it, so we mark them.
 */
public final class RawString {
  public byte[] bytes;

  public RawString(byte[] bytes) {
    this.bytes = bytes;
  }
}
