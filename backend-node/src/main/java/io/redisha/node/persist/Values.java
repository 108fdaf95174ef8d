package io.redisha.node.persist;

import io.redisha.config.Settings;
import io.redisha.node.Key;
import io.redisha.node.rdb.RdbValue;
import io.redisha.node.types.HashValue;
import io.redisha.node.types.ListValue;
import io.redisha.node.types.RawString;
import io.redisha.node.types.SetValue;
import io.redisha.node.types.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between the node's in-memory values and {@link RdbValue}. Element byte arrays
 * are shared, not copied: the node never changes a stored array in place (APPEND and
 * SETRANGE build a new {@link RawString}), so a converted value stays the value it was
 * at conversion time whatever commands run afterwards.
 */
public final class Values {
  private Values() {}

  static RdbValue toRdb(Object v) {
    if (v instanceof byte[] b) return new RdbValue.Str(b);
    if (v instanceof RawString r) return new RdbValue.Str(r.bytes);
    if (v instanceof ListValue l) return new RdbValue.ListOf(Arrays.asList(l.toArray()));
    if (v instanceof SetValue s) {
      List<byte[]> members = new ArrayList<>(s.size());
      s.forEach(members::add);
      return new RdbValue.SetOf(members);
    }
    if (v instanceof HashValue h) {
      List<byte[]> fields = new ArrayList<>(h.size());
      List<byte[]> values = new ArrayList<>(h.size());
      h.forEach((f, x) -> {
        fields.add(f);
        values.add(x);
      });
      return new RdbValue.HashOf(fields, values);
    }
    if (v instanceof ZSetValue z) {
      List<byte[]> members = new ArrayList<>(z.size());
      double[] scores = new double[z.size()];
      z.forEachNode(n -> {
        scores[members.size()] = n.score();
        members.add(n.bytes());
      });
      return new RdbValue.ZSetOf(members, scores);
    }
    throw new IllegalStateException("unknown value class " + v.getClass());
  }

  /**
   * The in-memory value for a loaded one, in the encoding redis-server 7.0 gives it on
   * load with the same *-max-listpack-* and set-max-intset-entries settings; null for an
   * empty collection, which Redis skips too.
   */
  public static Object fromRdb(RdbValue v, Settings config) {
    if (v instanceof RdbValue.Str s) return s.bytes();
    if (v instanceof RdbValue.ListOf l) {
      if (l.elements().isEmpty()) return null;
      ListValue list = new ListValue();
      for (byte[] e : l.elements()) list.pushLast(e);
      return list;
    }
    if (v instanceof RdbValue.SetOf s) {
      if (s.members().isEmpty()) return null;
      int maxIntset = config.getInt("set-max-intset-entries");
      SetValue set = new SetValue();
      // Adding one by one converts at member maxIntset + 1, so a set bigger than that ends
      // a hashtable, as Redis builds it at once.
      for (byte[] m : s.members()) set.add(m, maxIntset);
      return set;
    }
    if (v instanceof RdbValue.HashOf h) {
      if (h.size() == 0) return null;
      int maxEntries = config.getInt("hash-max-listpack-entries");
      int maxValue = config.getInt("hash-max-listpack-value");
      HashValue hash = new HashValue();
      for (int i = 0; i < h.size(); i++) hash.put(h.fields().get(i), h.values().get(i), maxEntries, maxValue);
      return hash;
    }
    RdbValue.ZSetOf z = (RdbValue.ZSetOf) v;
    if (z.size() == 0) return null;
    ZSetValue zset = ZSetValue.skiplist();
    double[] scores = z.scores();
    for (int i = 0; i < scores.length; i++) zset.put(new Key(z.members().get(i)), scores[i]);
    zset.decideEncoding(config.getInt("zset-max-listpack-entries"), config.getInt("zset-max-listpack-value"));
    return zset;
  }
}
