package io.redisha.node.rdb;

import java.io.IOException;

/**
 * An RDB file that is corrupt, truncated or uses something we do not read. The message
 * names the file, the byte offset where the problem was found and what was wrong, e.g.
 * {@code dump.rdb: unknown value type 42 at byte offset 1234}.
 */
public final class RdbFormatException extends IOException {

  private final String source;
  private final long offset;
  private final String problem;

  public RdbFormatException(String source, long offset, String problem) {
    this(source, offset, problem, null);
  }

  public RdbFormatException(String source, long offset, String problem, Throwable cause) {
    super(source + ": " + problem + " at byte offset " + offset, cause);
    this.source = source;
    this.offset = offset;
    this.problem = problem;
  }

  /** The file name (or whatever the caller named the stream). */
  public String source() {
    return source;
  }

  /** Offset in the file where the problem was detected (for a bad blob: where the blob starts). */
  public long offset() {
    return offset;
  }

  /** What was wrong, without the file and offset. */
  public String problem() {
    return problem;
  }
}
