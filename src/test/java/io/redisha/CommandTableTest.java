package io.redisha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Our COMMAND describes every command the node implements exactly as redis-server 7.0
 * does in the fields we keep: name, arity, flags, first/last/step, ACL categories and
 * tips, for commands and their subcommands. Key specs (field 9) are a known difference:
 * our table does not keep them. Order inside sets and among subcommands is Redis's dict
 * order, which means nothing, so those compare as sets.
 */
class CommandTableTest {

  @Test
  void everyImplementedCommandIsDescribedAsRedisDescribesIt() throws Exception {
    try (TestNode ours = TestNode.start(); RealRedis theirs = RealRedis.start();
        RespClient a = ours.client(); RespClient b = theirs.client()) {
      List<Reply> entries = ((Reply.Agg) a.call("COMMAND")).items();
      assertTrue(entries.size() > 10, "COMMAND lists " + entries.size() + " commands");
      List<String> unknownToRedis = new ArrayList<>();
      List<String> differences = new ArrayList<>();
      for (Reply e : entries) {
        List<Reply> ourFields = ((Reply.Agg) e).items();
        String name = Reply.str(ourFields.get(0));
        Reply info = ((Reply.Agg) b.call("COMMAND", "INFO", name)).items().get(0);
        if (!(info instanceof Reply.Agg theirEntry)) {
          unknownToRedis.add(name);
          continue;
        }
        compare(ourFields, theirEntry.items(), differences);
        Map<String, List<Reply>> theirSubs = new HashMap<>();
        if (theirEntry.items().get(9) instanceof Reply.Agg subs) {
          for (Reply s : subs.items()) {
            List<Reply> f = ((Reply.Agg) s).items();
            theirSubs.put(Reply.str(f.get(0)), f);
          }
        }
        for (Reply s : ((Reply.Agg) ourFields.get(9)).items()) {
          List<Reply> f = ((Reply.Agg) s).items();
          String subName = Reply.str(f.get(0));
          if (!theirSubs.containsKey(subName)) unknownToRedis.add(subName);
          else compare(f, theirSubs.get(subName), differences);
        }
      }
      assertEquals(List.of(), unknownToRedis, "commands ours describes that redis-server 7.0 does not know");
      assertEquals(List.of(), differences);
      assertEquals(new Reply.Int(entries.size()), a.call("COMMAND", "COUNT"));
    }
  }

  private static final String[] FIELDS = {"name", "arity", "flags", "first key", "last key", "step", "acl categories", "tips"};

  private static void compare(List<Reply> ours, List<Reply> theirs, List<String> differences) {
    assertEquals(10, ours.size(), "fields of " + ours.get(0));
    for (int i = 0; i < FIELDS.length; i++) {
      Object o = normal(ours.get(i));
      Object t = normal(theirs.get(i));
      if (!o.equals(t)) differences.add(Reply.str(ours.get(0)) + " " + FIELDS[i] + ": ours " + o + ", redis " + t);
    }
  }

  /** Aggregates as sorted sets of their items' text (the order of flags, categories and tips is not meaningful). */
  private static Object normal(Reply r) {
    if (r instanceof Reply.Agg g) {
      TreeSet<String> s = new TreeSet<>();
      for (Reply x : g.items()) s.add(x.toString());
      return s;
    }
    return r.toString();
  }
}
