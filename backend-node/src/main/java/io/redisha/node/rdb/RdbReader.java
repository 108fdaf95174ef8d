package io.redisha.node.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a dump.rdb (versions 1 to 10, i.e. up to Redis 7.0; plus Redis 7.2's
 * SET_LISTPACK type) and hands each key to a {@link RdbVisitor} as soon as it is read,
 * then checks the CRC-64 at the end. Anything malformed, truncated or unsupported
 * (streams, module values) ends the parse with a {@link RdbFormatException} that names the
 * file and the byte offset. Because the checksum is only known at the end, a visitor that
 * loads keys as they come must be ready to throw them away if the parse fails.
 */
public final class RdbReader {

  /** What a parse ran into, for tests that must prove a dump exercised each encoding. */
  interface Observer {
    void valueType(int rdbType);

    void plainNode();

    void lzfString();
  }

  private final RdbInput in;
  private final RdbVisitor visitor;
  private final Observer observer;
  private int version;
  private int db;

  private RdbReader(RdbInput in, RdbVisitor visitor, Observer observer) {
    this.in = in;
    this.visitor = visitor;
    this.observer = observer;
  }

  public static void read(Path file, RdbVisitor visitor) throws IOException {
    try (InputStream s = Files.newInputStream(file)) {
      read(s, file.toString(), visitor);
    }
  }

  /**
   * Parses the stream up to and including the checksum; {@code source} names it in error
   * messages. Does not close it. It reads ahead in blocks, so a stream that carries more
   * than the dump (a replication link) must be cut to the dump's length by the caller.
   */
  public static void read(InputStream stream, String source, RdbVisitor visitor) throws IOException {
    new RdbReader(new RdbInput(stream, source), visitor, null).run();
  }

  static void read(InputStream stream, String source, RdbVisitor visitor, Observer observer) throws IOException {
    new RdbReader(new RdbInput(stream, source), visitor, observer).run();
  }

  /** Convenience for tests and small files: every entry in a list. */
  public static List<RdbEntry> readAll(Path file) throws IOException {
    List<RdbEntry> all = new ArrayList<>();
    read(file, all::add);
    return all;
  }

  private void run() throws IOException {
    header();
    visitor.start(version);
    long expireAt = RdbEntry.NO_EXPIRY;
    while (true) {
      long at = in.offset();
      int op = in.u8("an opcode or value type");
      switch (op) {
        case Rdb.OPCODE_EXPIRETIME_MS -> expireAt = in.s64le("an expiry time");
        case Rdb.OPCODE_EXPIRETIME -> expireAt = in.u32le("an expiry time") * 1000L;
        case Rdb.OPCODE_IDLE -> length("an LRU idle time");
        case Rdb.OPCODE_FREQ -> in.u8("an LFU frequency");
        case Rdb.OPCODE_SELECTDB -> {
          long n = length("a database number");
          if (n > Integer.MAX_VALUE) throw in.errorAt(at, "database number " + Long.toUnsignedString(n) + " is out of range");
          db = (int) n;
          visitor.selectDb(db);
        }
        case Rdb.OPCODE_RESIZEDB -> {
          long size = length("a database size");
          long expires = length("a database's count of keys with expiry");
          visitor.resizeDb(size, expires);
        }
        case Rdb.OPCODE_AUX -> {
          byte[] name = string("an AUX field name");
          byte[] value = string("an AUX field value");
          visitor.aux(new String(name, StandardCharsets.UTF_8), value);
        }
        case Rdb.OPCODE_MODULE_AUX -> visitor.moduleAux(skipModuleAux(at));
        case Rdb.OPCODE_FUNCTION2 -> visitor.function(string("a function library"));
        case Rdb.OPCODE_FUNCTION_PRE_GA -> throw in.errorAt(at,
            "function library in the format of Redis 7.0 release candidates (opcode 246) is not supported");
        case Rdb.OPCODE_EOF -> {
          end();
          return;
        }
        default -> {
          byte[] key = string("a key");
          in.key = key;
          if (observer != null) observer.valueType(op);
          RdbValue value = value(op, at, key);
          in.key = null;
          visitor.entry(new RdbEntry(db, key, expireAt, value));
          expireAt = RdbEntry.NO_EXPIRY;
        }
      }
    }
  }

  private void header() throws IOException {
    byte[] magic = new byte[9];
    for (int i = 0; i < 9; i++) magic[i] = (byte) in.u8("the file header");
    if (!new String(magic, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
      throw in.errorAt(0, "not an RDB file: it does not start with \"REDIS\"");
    }
    int v = 0;
    for (int i = 5; i < 9; i++) {
      int d = magic[i] - '0';
      if (d < 0 || d > 9) throw in.errorAt(5, "bad RDB version \"" + new String(magic, 5, 4, StandardCharsets.ISO_8859_1) + "\"");
      v = v * 10 + d;
    }
    if (v < 1) throw in.errorAt(5, "bad RDB version " + v);
    if (v > Rdb.VERSION) {
      throw in.errorAt(5, "RDB version " + v + " is newer than this reader supports (1 to " + Rdb.VERSION
          + ", Redis 7.0); it was written by a newer Redis");
    }
    version = v;
  }

  private void end() throws IOException {
    long computed = in.crc();
    if (version < 5) { // files before Redis 2.6 have no checksum
      visitor.end(0);
      return;
    }
    long at = in.offset();
    long stored = in.s64le("the CRC64 checksum");
    // A zero checksum means the writer had rdbchecksum off; Redis skips the check then.
    if (stored != 0 && stored != computed) {
      throw in.errorAt(at, String.format("bad CRC64 checksum: the file says %016x, its content gives %016x",
          stored, computed));
    }
    visitor.end(stored);
  }

  // ---------------------------------------------------------------------------------------
  // Lengths and strings
  // ---------------------------------------------------------------------------------------

  /** A length: 6 bits, 14 bits, or a 32/64-bit big-endian number after 0x80/0x81. */
  private long length(String what) throws IOException {
    long n = unsignedLength(what);
    if (n < 0) throw in.error(what + ": length " + Long.toUnsignedString(n) + " is too large");
    return n;
  }

  /** A length that may use all 64 bits (module ids do). */
  private long unsignedLength(String what) throws IOException {
    int b = in.u8(what);
    switch (b >>> 6) {
      case 0:
        return b & 0x3f;
      case 1:
        return ((b & 0x3f) << 8) | in.u8(what);
      case 2:
        if (b == 0x80) return in.u32be(what);
        if (b == 0x81) return in.s64be(what);
        throw in.errorAt(in.offset() - 1, String.format("bad length encoding 0x%02x while reading %s", b, what));
      default:
        throw in.errorAt(in.offset() - 1, String.format("expected a length but found string encoding 0x%02x while reading %s", b, what));
    }
  }

  /** An element count, small enough to index a Java list. */
  private int count(String what) throws IOException {
    long at = in.offset();
    long n = length(what);
    if (n > RdbInput.MAX_ARRAY) throw in.errorAt(at, what + " " + n + " is too large");
    return (int) n;
  }

  private byte[] string(String what) throws IOException {
    int b = in.u8(what);
    switch (b >>> 6) {
      case 0:
        return in.bytes(b & 0x3f, what);
      case 1:
        return in.bytes(((b & 0x3f) << 8) | in.u8(what), what);
      case 2:
        if (b == 0x80) return in.bytes(in.u32be(what), what);
        if (b == 0x81) {
          long n = in.s64be(what);
          if (n < 0) throw in.error(what + " of " + Long.toUnsignedString(n) + " bytes is too large");
          return in.bytes(n, what);
        }
        throw in.errorAt(in.offset() - 1, String.format("bad length encoding 0x%02x while reading %s", b, what));
      default:
        switch (b & 0x3f) {
          case Rdb.ENC_INT8:
            return Packed.decimal((byte) in.u8(what));
          case Rdb.ENC_INT16:
            return Packed.decimal((short) in.u16le(what));
          case Rdb.ENC_INT32:
            return Packed.decimal((int) in.u32le(what));
          case Rdb.ENC_LZF:
            return lzf(what);
          default:
            throw in.errorAt(in.offset() - 1, String.format("unknown string encoding 0x%02x while reading %s", b, what));
        }
    }
  }

  private byte[] lzf(String what) throws IOException {
    if (observer != null) observer.lzfString();
    long at = in.offset() - 1;
    long clen = length("the compressed length of " + what);
    long len = length("the uncompressed length of " + what);
    // LZF expands at most 88 times (a 3-byte back-reference copies up to 264 bytes): a larger
    // claim is corrupt, and checking it first keeps a bad length from allocating a huge array.
    if (len > RdbInput.MAX_ARRAY || len > clen * 100 + 64 || clen > len + len / 16 + 64) {
      throw in.errorAt(at, "LZF-compressed " + what + " has inconsistent lengths (" + clen + " compressed, "
          + len + " uncompressed)");
    }
    byte[] c = in.bytes(clen, what);
    byte[] out = new byte[(int) len];
    if (!Lzf.decompress(c, out)) throw in.errorAt(at, "corrupt LZF-compressed data in " + what);
    return out;
  }

  private double binaryDouble(String what) throws IOException {
    return Double.longBitsToDouble(in.s64le(what));
  }

  /** ZSET (type 3) scores: a length byte (253 NaN, 254 +inf, 255 -inf) and ASCII text. */
  private double textDouble(String what) throws IOException {
    long at = in.offset();
    int n = in.u8(what);
    switch (n) {
      case 253: return Double.NaN;
      case 254: return Double.POSITIVE_INFINITY;
      case 255: return Double.NEGATIVE_INFINITY;
      default:
        byte[] text = in.bytes(n, what);
        double d = parseScore(text);
        if (Double.isNaN(d)) throw in.errorAt(at, "bad score \"" + ascii(text) + "\" in " + what);
        return d;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Values
  // ---------------------------------------------------------------------------------------

  private RdbValue value(int type, long at, byte[] key) throws IOException {
    switch (type) {
      case Rdb.TYPE_STRING:
        return new RdbValue.Str(string("the value"));
      case Rdb.TYPE_LIST:
        return new RdbValue.ListOf(strings(count("the length of list"), "an element of list"));
      case Rdb.TYPE_SET:
        return new RdbValue.SetOf(strings(count("the size of set"), "a member of set"));
      case Rdb.TYPE_ZSET:
      case Rdb.TYPE_ZSET_2: {
        int n = count("the size of sorted set");
        List<byte[]> members = new ArrayList<>(capacity(n));
        Scores scores = new Scores(n);
        for (int i = 0; i < n; i++) {
          members.add(string("a member of sorted set"));
          long scoreAt = in.offset();
          double score = type == Rdb.TYPE_ZSET ? textDouble("a score of sorted set") : binaryDouble("a score of sorted set");
          // Redis refuses these too: a NaN score has no place in the order.
          if (Double.isNaN(score)) throw in.errorAt(scoreAt, "NaN score in sorted set");
          scores.add(score);
        }
        return new RdbValue.ZSetOf(members, scores.toArray());
      }
      case Rdb.TYPE_HASH: {
        int n = count("the size of hash");
        List<byte[]> fields = new ArrayList<>(capacity(n));
        List<byte[]> values = new ArrayList<>(capacity(n));
        for (int i = 0; i < n; i++) {
          fields.add(string("a field of hash"));
          values.add(string("a value of hash"));
        }
        return new RdbValue.HashOf(fields, values);
      }
      case Rdb.TYPE_HASH_ZIPMAP: {
        long blobAt = in.offset();
        byte[] zm = string("the zipmap of hash");
        List<byte[]> fields = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        try {
          Packed.zipmap(zm, fields, values);
        } catch (Packed.Corrupt e) {
          throw blobError(blobAt, "zipmap of hash", e);
        }
        return new RdbValue.HashOf(fields, values);
      }
      case Rdb.TYPE_LIST_ZIPLIST:
        return new RdbValue.ListOf(blob(true, "ziplist of list", new ArrayList<>()));
      case Rdb.TYPE_SET_INTSET: {
        long blobAt = in.offset();
        byte[] is = string("the intset of set");
        List<byte[]> members = new ArrayList<>();
        try {
          Packed.intset(is, members);
        } catch (Packed.Corrupt e) {
          throw blobError(blobAt, "intset of set", e);
        }
        return new RdbValue.SetOf(members);
      }
      case Rdb.TYPE_SET_LISTPACK:
        return new RdbValue.SetOf(blob(false, "listpack of set", new ArrayList<>()));
      case Rdb.TYPE_ZSET_ZIPLIST:
      case Rdb.TYPE_ZSET_LISTPACK: {
        boolean zip = type == Rdb.TYPE_ZSET_ZIPLIST;
        long blobAt = in.offset();
        String what = (zip ? "ziplist" : "listpack") + " of sorted set";
        List<byte[]> flat = blob(zip, what, new ArrayList<>());
        if (flat.size() % 2 != 0) throw in.errorAt(blobAt, what + " has an odd number of entries");
        List<byte[]> members = new ArrayList<>(flat.size() / 2);
        double[] scores = new double[flat.size() / 2];
        for (int i = 0; i < scores.length; i++) {
          members.add(flat.get(2 * i));
          byte[] s = flat.get(2 * i + 1);
          scores[i] = parseScore(s);
          if (Double.isNaN(scores[i])) throw in.errorAt(blobAt, "bad score \"" + ascii(s) + "\" in " + what);
        }
        return new RdbValue.ZSetOf(members, scores);
      }
      case Rdb.TYPE_HASH_ZIPLIST:
      case Rdb.TYPE_HASH_LISTPACK: {
        boolean zip = type == Rdb.TYPE_HASH_ZIPLIST;
        long blobAt = in.offset();
        String what = (zip ? "ziplist" : "listpack") + " of hash";
        List<byte[]> flat = blob(zip, what, new ArrayList<>());
        if (flat.size() % 2 != 0) throw in.errorAt(blobAt, what + " has an odd number of entries");
        List<byte[]> fields = new ArrayList<>(flat.size() / 2);
        List<byte[]> values = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i < flat.size(); i += 2) {
          fields.add(flat.get(i));
          values.add(flat.get(i + 1));
        }
        return new RdbValue.HashOf(fields, values);
      }
      case Rdb.TYPE_LIST_QUICKLIST: {
        int nodes = count("the node count of list");
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < nodes; i++) blob(true, "ziplist node of list", elements);
        return new RdbValue.ListOf(elements);
      }
      case Rdb.TYPE_LIST_QUICKLIST_2: {
        int nodes = count("the node count of list");
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
          long nodeAt = in.offset();
          long container = length("a node container of list");
          if (container == Rdb.QUICKLIST_NODE_PLAIN) {
            if (observer != null) observer.plainNode();
            elements.add(string("a plain node of list"));
          } else if (container == Rdb.QUICKLIST_NODE_PACKED) {
            blob(false, "listpack node of list", elements);
          } else {
            throw in.errorAt(nodeAt, "unknown quicklist node container " + container + " in list");
          }
        }
        return new RdbValue.ListOf(elements);
      }
      case Rdb.TYPE_STREAM_LISTPACKS:
      case Rdb.TYPE_STREAM_LISTPACKS_2:
      case Rdb.TYPE_STREAM_LISTPACKS_3:
        throw in.errorAt(at, "stream values (type " + Rdb.typeName(type) + ") are not supported");
      case Rdb.TYPE_MODULE_PRE_GA:
      case Rdb.TYPE_MODULE_2: {
        long id = unsignedLength("a module id");
        throw in.errorAt(at, "module values are not supported (a value of module " + moduleName(id) + ")");
      }
      default:
        throw in.errorAt(at, "unknown value type " + type);
    }
  }

  private List<byte[]> strings(int n, String what) throws IOException {
    List<byte[]> l = new ArrayList<>(capacity(n));
    for (int i = 0; i < n; i++) l.add(string(what));
    return l;
  }

  /** Reads one ziplist or listpack string and appends its entries to {@code out}. */
  private List<byte[]> blob(boolean ziplist, String what, List<byte[]> out) throws IOException {
    long blobAt = in.offset();
    byte[] b = string("the " + what);
    try {
      if (ziplist) Packed.ziplist(b, out);
      else Packed.listpack(b, out);
    } catch (Packed.Corrupt e) {
      throw blobError(blobAt, what, e);
    }
    return out;
  }

  private RdbFormatException blobError(long blobAt, String what, Packed.Corrupt e) {
    return in.errorAt(blobAt, e.getMessage() + " (byte " + e.position + " of the " + what + ", stored at this offset)");
  }

  /** Initial list capacity: trust the count only so far, a corrupt count must not allocate much. */
  private static int capacity(int n) {
    return Math.min(n, 1 << 16);
  }

  /** Skips a MODULE_AUX payload, which is self-describing, and returns the module's name. */
  private String skipModuleAux(long at) throws IOException {
    long id = unsignedLength("a module id");
    long whenOpcode = length("a module aux 'when' opcode");
    length("a module aux 'when'");
    if (whenOpcode != Rdb.MODULE_OPCODE_UINT) throw in.errorAt(at, "bad module aux data of module " + moduleName(id));
    while (true) {
      long op = length("a module data opcode");
      if (op == Rdb.MODULE_OPCODE_EOF) return moduleName(id);
      switch ((int) Math.min(op, 99)) {
        case Rdb.MODULE_OPCODE_SINT, Rdb.MODULE_OPCODE_UINT -> length("a module integer");
        case Rdb.MODULE_OPCODE_FLOAT -> in.skip(4, "a module float");
        case Rdb.MODULE_OPCODE_DOUBLE -> in.skip(8, "a module double");
        case Rdb.MODULE_OPCODE_STRING -> string("a module string");
        default -> throw in.error("unknown module data opcode " + op + " in aux data of module " + moduleName(id));
      }
    }
  }

  /** A module id is 9 characters of 6 bits each followed by a 10-bit version. */
  static String moduleName(long id) {
    String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char[] name = new char[9];
    long bits = id >>> 10;
    for (int i = 8; i >= 0; i--) {
      name[i] = charset.charAt((int) (bits & 63));
      bits >>>= 6;
    }
    return "'" + new String(name) + "' (version " + (id & 1023) + ")";
  }

  /** Scores as Redis prints them: "inf", "-inf", or what strtod reads; NaN if unreadable. */
  static double parseScore(byte[] s) {
    String t = ascii(s);
    switch (t.toLowerCase()) {
      case "inf", "+inf", "infinity", "+infinity": return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity": return Double.NEGATIVE_INFINITY;
      default:
        if (t.isEmpty() || t.indexOf('x') >= 0 || t.indexOf('X') >= 0) return Double.NaN;
        char last = t.charAt(t.length() - 1);
        if (!(last >= '0' && last <= '9') && last != '.') return Double.NaN; // Java would take "1d", "1f"
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  private static String ascii(byte[] b) {
    return new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
  }

  /** A growable double array: a corrupt count must not pre-allocate gigabytes. */
  private static final class Scores {
    private double[] a;
    private int n;

    Scores(int expected) {
      a = new double[capacity(expected)];
    }

    void add(double d) {
      if (n == a.length) a = Arrays.copyOf(a, Math.max(16, a.length * 2));
      a[n++] = d;
    }

    double[] toArray() {
      return n == a.length ? a : Arrays.copyOf(a, n);
    }
  }
}
