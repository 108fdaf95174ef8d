/**
 * The RDB file format (dump.rdb, version 10 as redis-server 7.0 writes it), on its own:
 * no dependency on the node's in-memory types.
 *
 * <p>A tour:
 * <ul>
 *   <li>{@link io.redisha.node.rdb.RdbValue} and {@link io.redisha.node.rdb.RdbEntry}: the
 *       neutral model, one key at a time. Strings, lists, sets, hashes, sorted sets; every
 *       compact encoding of the file comes back as plain element lists.</li>
 *   <li>{@link io.redisha.node.rdb.RdbReader} streams a file to a
 *       {@link io.redisha.node.rdb.RdbVisitor}; RdbInput is its buffer, byte offsets and
 *       running checksum; Packed parses ziplists, listpacks, intsets and zipmaps;
 *       {@link io.redisha.node.rdb.RdbFormatException} says which file, where, and what.</li>
 *   <li>{@link io.redisha.node.rdb.RdbWriter} streams a file out, in the plain encodings
 *       Redis 7.0 loads and compacts itself.</li>
 *   <li>Rdb holds the format's numbers; Crc64 and Lzf the checksum and the compression.</li>
 * </ul>
 * Tests prove both directions against a real redis-server 7.0: it saves, we read; we
 * write, it loads with deep payload sanitization; and hand-built legacy files both read.
 */
package io.redisha.node.rdb;
