package io.redisha.node.rdb;

import com.ning.compress.lzf.ChunkDecoder;
import com.ning.compress.lzf.impl.VanillaChunkDecoder;
import com.ning.compress.lzf.impl.VanillaChunkEncoder;

/**
 * Raw LZF blocks, as Redis stores compressed strings (liblzf's format, without the "ZV"
 * chunk headers compress-lzf puts around them). The pure-Java ("vanilla") codec on purpose:
 * the Unsafe one trusts its input, and a corrupt dump must not crash the JVM.
 */
final class Lzf {

  private Lzf() {}

  private static final ChunkDecoder DECODER = new VanillaChunkDecoder();

  /** Decompresses {@code in} into exactly {@code outLen} bytes; false if the data is corrupt. */
  static boolean decompress(byte[] in, byte[] out) {
    try {
      DECODER.decodeChunk(in, 0, out, 0, out.length);
      return true;
    } catch (Exception | AssertionError e) {
      // compress-lzf reports overruns of corrupt input as exceptions of several kinds
      return false;
    }
  }

  /** Compresses with one reusable encoder; not thread-safe, one per writer. */
  static final class Compressor {
    private final RawEncoder encoder = new RawEncoder();
    private byte[] out = new byte[1024];

    /**
     * Compresses {@code in[0..len)} and returns the compressed size, or -1 if it would
     * not save at least 4 bytes (Redis's own rule, so the file looks like Redis's).
     * The data is in {@link #output()}.
     */
    int compress(byte[] in, int len) {
      int worst = len + len / 32 + 64; // LZF's worst case: a literal-run byte per 32 bytes
      if (out.length < worst) out = new byte[worst];
      int n = encoder.raw(in, len, out);
      return n <= len - 4 ? n : -1;
    }

    byte[] output() {
      return out;
    }
  }

  /** Exposes the encoder's raw block compression, which compress-lzf keeps protected. */
  private static final class RawEncoder extends VanillaChunkEncoder {
    RawEncoder() {
      super(0xffff);
    }

    int raw(byte[] in, int len, byte[] out) {
      return tryCompress(in, 0, len, out, 0);
    }
  }
}
