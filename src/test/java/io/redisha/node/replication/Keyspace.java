package io.redisha.node.replication;

import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A comparable picture of a data set, read the same way from our node and from redis-server. */
final class Keyspace {

  private Keyspace() {}

  /** Every key of databases 0..dbs-1 with its type, value and whether it has a TTL. */
  static TreeMap<String, String> dump(RespClient c, int dbs) throws IOException {
    TreeMap<String, String> all = new TreeMap<>();
    for (int db = 0; db < dbs; db++) {
      c.call("SELECT", Integer.toString(db));
      Reply.Agg keys = (Reply.Agg) c.call("KEYS", "*");
      for (Reply k : keys.items()) {
        String key = Reply.str(k);
        String type = Reply.str(c.call("TYPE", key));
        Reply value = switch (type) {
          case "string" -> c.call("GET", key);
          case "list" -> c.call("LRANGE", key, "0", "-1");
          case "hash" -> ((Reply.Agg) c.call("HGETALL", key)).toString();
          case "set" -> ((Reply.Agg) c.call("SMEMBERS", key)).sorted();
          case "zset" -> c.call("ZRANGE", key, "0", "-1", "WITHSCORES");
          default -> new Reply.Simple(type);
        } instanceof Reply r ? r : null;
        String v = type.equals("hash") ? sortedPairs((Reply.Agg) c.call("HGETALL", key)) : String.valueOf(value);
        long pttl = ((Reply.Int) c.call("PTTL", key)).value();
        all.put(db + ":" + key, type + " " + v + (pttl >= 0 ? " ttl" : ""));
      }
    }
    c.call("SELECT", "0");
    return all;
  }

  private static String sortedPairs(Reply.Agg a) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < a.items().size(); i += 2) pairs.add(a.items().get(i) + "=" + a.items().get(i + 1));
    pairs.sort(null);
    return pairs.toString();
  }
}
