package io.redisha.node.rdb;

import java.io.IOException;

/**
 * Receives a dump as {@link RdbReader} parses it, one key at a time, so a large file is
 * never held in memory as a whole. Everything but {@link #entry} is optional.
 */
@FunctionalInterface
public interface RdbVisitor {

  /** The version from the header ("REDIS0010" is 10). */
  default void start(int version) throws IOException {}

  /** An AUX field, e.g. redis-ver, ctime, repl-id, repl-offset. */
  default void aux(String name, byte[] value) throws IOException {}

  /** A SELECTDB: the entries that follow belong to {@code db}. */
  default void selectDb(int db) throws IOException {}

  /** RESIZEDB: how many keys, and how many of them with an expiry, the current db holds. */
  default void resizeDb(long dbSize, long expiresSize) throws IOException {}

  /** A function library (FUNCTION2 opcode, Redis 7.0), its source code. */
  default void function(byte[] code) throws IOException {}

  /** Module data not tied to a key (MODULE_AUX), already skipped; only its module's name is kept. */
  default void moduleAux(String moduleName) throws IOException {}

  void entry(RdbEntry entry) throws IOException;

  /**
   * The EOF opcode was reached and the checksum, if the file has one, matched.
   *
   * @param checksum the file's CRC-64, or 0 when the file has none (version &lt; 5 or
   *     written with rdbchecksum no)
   */
  default void end(long checksum) throws IOException {}
}
