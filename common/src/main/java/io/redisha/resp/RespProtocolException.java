package io.redisha.resp;

/**
 * A reply stream that is not RESP, or breaks the reader's limits. The connection it
 * came from cannot be resynchronised and must be closed. Messages read
 * {@code what: value (expected: ...)}.
 */
public final class RespProtocolException extends RuntimeException {

  public RespProtocolException(String message) {
    super(message, null, false, false);
  }
}
