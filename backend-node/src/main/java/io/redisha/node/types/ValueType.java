package io.redisha.node.types;

/** The five core types, with the names TYPE and SCAN ... TYPE use. */
public enum ValueType {
  STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash");

  public final String typeName;

  ValueType(String typeName) {
    this.typeName = typeName;
  }

  /**
   * The type of a stored value. Strings are stored as {@code byte[]} or, once modified
   * in place (APPEND, SETRANGE), as {@link RawString}.
   */
  public static ValueType of(Object v) {
    if (v instanceof byte[] || v instanceof RawString) return STRING;
    if (v instanceof ListValue) return LIST;
    if (v instanceof HashValue) return HASH;
    if (v instanceof SetValue) return SET;
    if (v instanceof ZSetValue) return ZSET;
    throw new IllegalStateException("unknown value class " + v.getClass());
  }
}
