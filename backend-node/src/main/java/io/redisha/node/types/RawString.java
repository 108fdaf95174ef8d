package io.redisha.node.types;

/**
 * A string whose OBJECT ENCODING cannot be read off its bytes. redis-server keeps what
 * APPEND or SETRANGE produced in the "raw" encoding even when short; and INCRBYFLOAT's
 * result is "embstr" even when it reads as an integer ("11"), where a plain
 * {@code byte[]} would say "int". Plain SET values stay {@code byte[]}.
 */
public final class RawString {
  public byte[] bytes;
  /** Only for INCRBYFLOAT's results: "embstr" (or "raw" past 44 bytes), never "int". */
  public final boolean embstr;

  public RawString(byte[] bytes) {
    this(bytes, false);
  }

  public RawString(byte[] bytes, boolean embstr) {
    this.bytes = bytes;
    this.embstr = embstr;
  }
}
