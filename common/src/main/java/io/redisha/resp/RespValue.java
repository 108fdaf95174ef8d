package io.redisha.resp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reply from a Redis-protocol server, RESP2 or RESP3, as {@link RespReader} builds
 * it: a {@link Type} and its payload. Immutable; common replies are shared constants.
 *
 * <p>The payload sits in at most two fields so that a big array of bulks costs little
 * more than its bytes: {@code data} holds the raw text of every string-like type
 * (simple, error, bulk, verbatim with its "txt:" prefix, big number, blob error, and the
 * double as sent), {@code number} holds integers and booleans (1/0), and
 * {@code elements} holds aggregates, maps and attributes as flat key, value pairs.
 */
public final class RespValue {

  /** The wire types. RESP2 replies use the first six. */
  public enum Type {
    /** {@code +} a status line such as OK. */
    SIMPLE,
    /** {@code -} an error line; its first word is the code (ERR, WRONGTYPE, ...). */
    ERROR,
    /** {@code :} a signed 64-bit integer. */
    INTEGER,
    /** {@code $} a binary-safe string. */
    BULK,
    /** {@code $-1}, {@code *-1} (RESP2) or {@code _} (RESP3). */
    NULL,
    /** {@code *} an array. */
    ARRAY,
    /** {@code %} a map, kept as flat key, value pairs in reply order. */
    MAP,
    /** {@code ~} a set. */
    SET,
    /** {@code >} an out-of-band push (pub/sub message, invalidation). */
    PUSH,
    /** {@code ,} a double; the text as sent is kept too. */
    DOUBLE,
    /** {@code #} true or false. */
    BOOLEAN,
    /** {@code =} a string with a three-letter format, e.g. "txt". */
    VERBATIM,
    /** {@code (} an integer of any size, kept as text. */
    BIG_NUMBER,
    /** {@code !} a binary-safe error. */
    BLOB_ERROR,
    /** {@code |} metadata about the value that follows; found through {@link #attributes()}. */
    ATTRIBUTE
  }

  private static final RespValue[] NO_ELEMENTS = new RespValue[0];
  private static final byte[] NO_BYTES = new byte[0];

  public static final RespValue NULL = new RespValue(Type.NULL, null, 0, null, null);
  public static final RespValue OK = simple("OK");
  public static final RespValue PONG = simple("PONG");
  public static final RespValue QUEUED = simple("QUEUED");
  public static final RespValue TRUE = new RespValue(Type.BOOLEAN, null, 1, null, null);
  public static final RespValue FALSE = new RespValue(Type.BOOLEAN, null, 0, null, null);
  public static final RespValue EMPTY_BULK = new RespValue(Type.BULK, NO_BYTES, 0, null, null);
  public static final RespValue EMPTY_ARRAY = new RespValue(Type.ARRAY, null, 0, NO_ELEMENTS, null);
  private static final RespValue[] SMALL_INTS = new RespValue[256];

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) SMALL_INTS[i] = new RespValue(Type.INTEGER, null, i, null, null);
  }

  private final Type type;
  private final byte[] data;
  private final long number;
  private final RespValue[] elements;
  private final RespValue attributes;

  private RespValue(Type type, byte[] data, long number, RespValue[] elements, RespValue attributes) {
    this.type = type;
    this.data = data;
    this.number = number;
    this.elements = elements;
    this.attributes = attributes;
  }

  // ------------------------------------------------------------------ factories

  public static RespValue simple(String s) {
    return new RespValue(Type.SIMPLE, s.getBytes(StandardCharsets.UTF_8), 0, null, null);
  }

  public static RespValue error(String s) {
    return new RespValue(Type.ERROR, s.getBytes(StandardCharsets.UTF_8), 0, null, null);
  }

  public static RespValue integer(long v) {
    return v >= 0 && v < SMALL_INTS.length ? SMALL_INTS[(int) v] : new RespValue(Type.INTEGER, null, v, null, null);
  }

  public static RespValue bulk(byte[] b) {
    return b.length == 0 ? EMPTY_BULK : new RespValue(Type.BULK, b, 0, null, null);
  }

  public static RespValue bulk(String s) {
    return bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  public static RespValue bool(boolean b) {
    return b ? TRUE : FALSE;
  }

  public static RespValue array(RespValue... elements) {
    return aggregate(Type.ARRAY, elements);
  }

  public static RespValue array(List<RespValue> elements) {
    return aggregate(Type.ARRAY, elements.toArray(NO_ELEMENTS));
  }

  /**
   * An aggregate (ARRAY, MAP, SET, PUSH, ATTRIBUTE); maps and attributes take flat
   * key, value pairs. The array is kept, not copied.
   */
  public static RespValue aggregate(Type type, RespValue[] elements) {
    if (type == Type.ARRAY && elements.length == 0) return EMPTY_ARRAY;
    return new RespValue(type, null, 0, elements, null);
  }

  /** A value whose text is kept as sent: SIMPLE, ERROR, BULK, VERBATIM, BIG_NUMBER, BLOB_ERROR, DOUBLE. */
  public static RespValue text(Type type, byte[] data) {
    if (type == Type.SIMPLE && data.length == 2 && data[0] == 'O' && data[1] == 'K') return OK;
    if (type == Type.BULK && data.length == 0) return EMPTY_BULK;
    return new RespValue(type, data, 0, null, null);
  }

  public static RespValue doubleValue(double d) {
    return new RespValue(Type.DOUBLE, Doubles.format17g(d).getBytes(StandardCharsets.US_ASCII), 0, null, null);
  }

  /** The same value decorated with RESP3 attributes (an ATTRIBUTE value), or undecorated with null. */
  public RespValue withAttributes(RespValue attrs) {
    return new RespValue(type, data, number, elements, attrs);
  }

  // ------------------------------------------------------------------ accessors

  public Type type() {
    return type;
  }

  public boolean isNull() {
    return type == Type.NULL;
  }

  /** ERROR or BLOB_ERROR. */
  public boolean isError() {
    return type == Type.ERROR || type == Type.BLOB_ERROR;
  }

  public boolean isAggregate() {
    return elements != null;
  }

  /** The RESP3 attributes sent before this value, or null. */
  public RespValue attributes() {
    return attributes;
  }

  /**
   * The text of a string-like value: for VERBATIM without its "txt:" prefix, for
   * DOUBLE as sent; integers and booleans in decimal; null for NULL.
   */
  public String asString() {
    return switch (type) {
      case NULL -> null;
      case INTEGER -> Long.toString(number);
      case BOOLEAN -> number != 0 ? "true" : "false";
      case VERBATIM -> new String(data, 4, data.length - 4, StandardCharsets.UTF_8);
      case ARRAY, MAP, SET, PUSH, ATTRIBUTE -> throw wrong("a string");
      default -> new String(data, StandardCharsets.UTF_8);
    };
  }

  /** The raw bytes of a string-like value (VERBATIM without its prefix); null for NULL. */
  public byte[] asBytes() {
    return switch (type) {
      case NULL -> null;
      case VERBATIM -> Arrays.copyOfRange(data, 4, data.length);
      case INTEGER, BOOLEAN -> asString().getBytes(StandardCharsets.US_ASCII);
      case ARRAY, MAP, SET, PUSH, ATTRIBUTE -> throw wrong("bytes");
      default -> data;
    };
  }

  /** The three-letter format of a VERBATIM value, e.g. "txt". */
  public String verbatimFormat() {
    if (type != Type.VERBATIM) throw wrong("a verbatim string");
    return new String(data, 0, 3, StandardCharsets.US_ASCII);
  }

  /** An INTEGER or BOOLEAN, or a string-like value holding a decimal integer (as INFO fields are). */
  public long asLong() {
    if (type == Type.INTEGER || type == Type.BOOLEAN) return number;
    if (data == null) throw wrong("an integer");
    try {
      return Long.parseLong(asString());
    } catch (NumberFormatException e) {
      throw wrong("an integer");
    }
  }

  public BigInteger asBigInteger() {
    if (type == Type.INTEGER) return BigInteger.valueOf(number);
    if (data == null) throw wrong("an integer");
    try {
      return new BigInteger(asString());
    } catch (NumberFormatException e) {
      throw wrong("an integer");
    }
  }

  /** A DOUBLE, INTEGER, or string holding a double in Redis's spelling (inf, -inf, nan). */
  public double asDouble() {
    if (type == Type.INTEGER) return number;
    if (data == null) throw wrong("a double");
    String s = asString();
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw wrong("a double");
        }
      }
    }
  }

  public boolean asBoolean() {
    if (type == Type.BOOLEAN || type == Type.INTEGER) return number != 0;
    throw wrong("a boolean");
  }

  /** Number of elements of an aggregate; maps and attributes count their pairs. */
  public int size() {
    if (elements == null) throw wrong("an aggregate");
    return type == Type.MAP || type == Type.ATTRIBUTE ? elements.length / 2 : elements.length;
  }

  /** Element i of an aggregate, counting maps flat (key, value, key, value, ...). */
  public RespValue get(int i) {
    if (elements == null) throw wrong("an aggregate");
    return elements[i];
  }

  /** The elements of an aggregate; a map's or attribute's flat, in reply order. Read-only. */
  public List<RespValue> asList() {
    if (elements == null) throw wrong("an aggregate");
    return Collections.unmodifiableList(Arrays.asList(elements));
  }

  /**
   * A MAP or ATTRIBUTE, or an ARRAY of alternating keys and values (how RESP2 sends
   * maps, e.g. SENTINEL MASTER or HELLO), keyed by the keys' text, in reply order.
   */
  public Map<String, RespValue> asMap() {
    if (elements == null || (elements.length & 1) != 0) throw wrong("a map");
    Map<String, RespValue> m = new LinkedHashMap<>(elements.length);
    for (int i = 0; i < elements.length; i += 2) m.put(elements[i].asString(), elements[i + 1]);
    return m;
  }

  /** The error code, e.g. "ERR", "WRONGTYPE", "MOVED"; null if this is not an error. */
  public String errorCode() {
    if (!isError()) return null;
    String s = asString();
    int sp = s.indexOf(' ');
    return sp < 0 ? s : s.substring(0, sp);
  }

  /** True for a SIMPLE or BULK whose text equals s, ignoring case. */
  public boolean is(String s) {
    return (type == Type.SIMPLE || type == Type.BULK) && data.length == s.length() && asString().equalsIgnoreCase(s);
  }

  private IllegalStateException wrong(String wanted) {
    return new IllegalStateException("not " + wanted + ": " + this);
  }

  // ------------------------------------------------------------------ identity

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof RespValue v)) return false;
    return type == v.type && number == v.number && Arrays.equals(data, v.data)
        && Arrays.equals(elements, v.elements) && java.util.Objects.equals(attributes, v.attributes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Long.hashCode(number)) + Arrays.hashCode(data) + Arrays.hashCode(elements);
  }

  /** A readable form for logs and test failures, e.g. {@code ARRAY[BULK"a", INTEGER 1]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (attributes != null) sb.append(attributes).append(' ');
    sb.append(type);
    if (elements != null) {
      sb.append('[');
      for (int i = 0; i < elements.length; i++) {
        if (i > 0) sb.append(", ");
        if (i >= 20) {
          sb.append("... ").append(elements.length - 20).append(" more");
          break;
        }
        sb.append(elements[i]);
      }
      sb.append(']');
    } else if (data != null) {
      sb.append('"');
      int n = Math.min(data.length, 200);
      for (int i = 0; i < n; i++) {
        int c = data[i] & 0xff;
        if (c >= 32 && c < 127 && c != '"' && c != '\\') sb.append((char) c);
        else sb.append(String.format("\\x%02x", c));
      }
      if (n < data.length) sb.append("...");
      sb.append('"');
    } else if (type != Type.NULL) {
      sb.append(' ').append(asString());
    }
    return sb.toString();
  }
}
