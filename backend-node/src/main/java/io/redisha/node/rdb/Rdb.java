package io.redisha.node.rdb;

/**
 * The numbers of the RDB format: opcodes, value types and the special string encodings,
 * as redis-server writes them (the format is documented by the community, e.g. the
 * redis-rdb-tools wiki; values up to RDB version 10 = Redis 7.0, plus SET_LISTPACK of 7.2).
 */
final class Rdb {

  private Rdb() {}

  /** The newest RDB version we read and the one we write (Redis 7.0). */
  static final int VERSION = 10;

  // Opcodes: a byte where a value type would stand.
  static final int OPCODE_FUNCTION2 = 245;         // a function library (Redis 7.0 GA): one string, its code
  static final int OPCODE_FUNCTION_PRE_GA = 246;   // the 7.0 release candidates' library format
  static final int OPCODE_MODULE_AUX = 247;        // module data not tied to a key
  static final int OPCODE_IDLE = 248;              // LRU idle seconds of the next key
  static final int OPCODE_FREQ = 249;              // LFU counter of the next key (one byte)
  static final int OPCODE_AUX = 250;               // a name/value field about the file
  static final int OPCODE_RESIZEDB = 251;          // hash table size hints for the current db
  static final int OPCODE_EXPIRETIME_MS = 252;     // the next key's expiry, unix ms, 8 bytes little-endian
  static final int OPCODE_EXPIRETIME = 253;        // the next key's expiry, unix seconds, 4 bytes little-endian
  static final int OPCODE_SELECTDB = 254;
  static final int OPCODE_EOF = 255;

  // Value types.
  static final int TYPE_STRING = 0;
  static final int TYPE_LIST = 1;
  static final int TYPE_SET = 2;
  static final int TYPE_ZSET = 3;                  // scores as length-prefixed ASCII
  static final int TYPE_HASH = 4;
  static final int TYPE_ZSET_2 = 5;                // scores as binary doubles
  static final int TYPE_MODULE_PRE_GA = 6;
  static final int TYPE_MODULE_2 = 7;
  static final int TYPE_HASH_ZIPMAP = 9;
  static final int TYPE_LIST_ZIPLIST = 10;
  static final int TYPE_SET_INTSET = 11;
  static final int TYPE_ZSET_ZIPLIST = 12;
  static final int TYPE_HASH_ZIPLIST = 13;
  static final int TYPE_LIST_QUICKLIST = 14;       // nodes are ziplists
  static final int TYPE_STREAM_LISTPACKS = 15;
  static final int TYPE_HASH_LISTPACK = 16;
  static final int TYPE_ZSET_LISTPACK = 17;
  static final int TYPE_LIST_QUICKLIST_2 = 18;     // nodes are listpacks or single plain elements
  static final int TYPE_STREAM_LISTPACKS_2 = 19;
  static final int TYPE_SET_LISTPACK = 20;         // Redis 7.2
  static final int TYPE_STREAM_LISTPACKS_3 = 21;   // Redis 7.2

  // Quicklist 2 node containers.
  static final int QUICKLIST_NODE_PLAIN = 1;
  static final int QUICKLIST_NODE_PACKED = 2;

  // A length byte whose two top bits are 11 announces a specially encoded string.
  static final int ENC_INT8 = 0;
  static final int ENC_INT16 = 1;
  static final int ENC_INT32 = 2;
  static final int ENC_LZF = 3;

  // Module serialization opcodes, used to skip MODULE_AUX payloads.
  static final int MODULE_OPCODE_EOF = 0;
  static final int MODULE_OPCODE_SINT = 1;
  static final int MODULE_OPCODE_UINT = 2;
  static final int MODULE_OPCODE_FLOAT = 3;
  static final int MODULE_OPCODE_DOUBLE = 4;
  static final int MODULE_OPCODE_STRING = 5;

  static String typeName(int type) {
    return switch (type) {
      case TYPE_STRING -> "STRING";
      case TYPE_LIST -> "LIST";
      case TYPE_SET -> "SET";
      case TYPE_ZSET -> "ZSET";
      case TYPE_HASH -> "HASH";
      case TYPE_ZSET_2 -> "ZSET_2";
      case TYPE_MODULE_PRE_GA -> "MODULE_PRE_GA";
      case TYPE_MODULE_2 -> "MODULE_2";
      case TYPE_HASH_ZIPMAP -> "HASH_ZIPMAP";
      case TYPE_LIST_ZIPLIST -> "LIST_ZIPLIST";
      case TYPE_SET_INTSET -> "SET_INTSET";
      case TYPE_ZSET_ZIPLIST -> "ZSET_ZIPLIST";
      case TYPE_HASH_ZIPLIST -> "HASH_ZIPLIST";
      case TYPE_LIST_QUICKLIST -> "LIST_QUICKLIST";
      case TYPE_STREAM_LISTPACKS -> "STREAM_LISTPACKS";
      case TYPE_HASH_LISTPACK -> "HASH_LISTPACK";
      case TYPE_ZSET_LISTPACK -> "ZSET_LISTPACK";
      case TYPE_LIST_QUICKLIST_2 -> "LIST_QUICKLIST_2";
      case TYPE_STREAM_LISTPACKS_2 -> "STREAM_LISTPACKS_2";
      case TYPE_SET_LISTPACK -> "SET_LISTPACK";
      case TYPE_STREAM_LISTPACKS_3 -> "STREAM_LISTPACKS_3";
      default -> Integer.toString(type);
    };
  }
}
