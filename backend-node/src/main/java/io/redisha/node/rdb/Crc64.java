package io.redisha.node.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CRC-64 that ends an RDB file: CRC-64/REDIS in the CRC catalogue (the "Jones"
 * polynomial 0xad93d23594c935a9, reflected in and out, init 0, no final xor; check value
 * of "123456789" is 0xe9c6d914c4b8d9ca). Slicing-by-8 tables, because a 1M-key dump
 * is hundreds of MB and a byte-at-a-time loop would dominate load time.
 */
final class Crc64 {

  private Crc64() {}

  /** The polynomial with its bits reversed, as a reflected (LSB-first) CRC uses it. */
  private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);

  private static final long[][] T = new long[8][256];
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
      T[0][i] = c;
    }
    for (int i = 0; i < 256; i++) {
      for (int t = 1; t < 8; t++) T[t][i] = (T[t - 1][i] >>> 8) ^ T[0][(int) (T[t - 1][i] & 0xff)];
    }
  }

  static long update(long crc, byte[] b, int off, int len) {
    long[] t0 = T[0], t1 = T[1], t2 = T[2], t3 = T[3], t4 = T[4], t5 = T[5], t6 = T[6], t7 = T[7];
    int end = off + len;
    while (end - off >= 8) {
      long x = crc ^ (long) LE_LONG.get(b, off);
      crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
          ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
          ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
      off += 8;
    }
    while (off < end) crc = t0[(int) ((crc ^ b[off++]) & 0xff)] ^ (crc >>> 8);
    return crc;
  }
}
