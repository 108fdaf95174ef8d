package io.redisha.node.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The AUX fields Redis 7.0 writes at the top of a dump. The repl-* fields are present only
 * when {@code replId} is not null: Redis leaves them out when it has no replication state
 * to record, and uses them on restart to try a partial resync with its master.
 *
 * @param redisVer the writer's version, "7.0.15" for us
 * @param redisBits 64 (or 32), the writer's word size
 * @param ctimeSec the dump's creation time, unix seconds
 * @param usedMem the writer's memory use in bytes, informational
 * @param replStreamDb the db the replication stream had selected (repl-stream-db)
 * @param replId the replication id, or null
 * @param replOffset the replication offset the dump corresponds to
 * @param aofBase true when the dump is the base of an AOF (aof-base 1)
 */
public record RdbAux(String redisVer, int redisBits, long ctimeSec, long usedMem, int replStreamDb, String replId,
                     long replOffset, boolean aofBase) {

  public static final String REDIS_VERSION = "7.0.15";

  /** For a plain dump made now by a 64-bit 7.0.15, without replication fields. */
  public static RdbAux now(long usedMem) {
    return new RdbAux(REDIS_VERSION, 64, System.currentTimeMillis() / 1000, usedMem, 0, null, 0, false);
  }

  public RdbAux withReplication(int streamDb, String replId, long replOffset) {
    return new RdbAux(redisVer, redisBits, ctimeSec, usedMem, streamDb, replId, replOffset, aofBase);
  }

  /**
   * The fields of a parsed dump (as collected from {@link RdbVisitor#aux}); missing or
   * unreadable numbers are 0, a missing repl-id is null, unknown names are ignored.
   */
  public static RdbAux of(Map<String, byte[]> fields) {
    return new RdbAux(text(fields, "redis-ver"), (int) number(fields, "redis-bits"), number(fields, "ctime"),
        number(fields, "used-mem"), (int) number(fields, "repl-stream-db"), text(fields, "repl-id"),
        number(fields, "repl-offset"), number(fields, "aof-base") == 1);
  }

  private static String text(Map<String, byte[]> fields, String name) {
    byte[] v = fields.get(name);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  private static long number(Map<String, byte[]> fields, String name) {
    String t = text(fields, name);
    if (t == null) return 0;
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
