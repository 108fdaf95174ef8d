package io.redisha.node.replication;

import static io.redisha.node.replication.RealReplicaOfOurMasterTest.awaitLinkUp;
import static io.redisha.node.replication.ReplicaOfRealMasterTest.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Info;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The master link as a client of the replica: CLIENT LIST and CLIENT KILL, ours beside a real redis-server replica. */
class MasterClientTest {

  static Map<String, String> fields(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f : line.trim().split(" ")) {
      int eq = f.indexOf('=');
      m.put(f.substring(0, eq), f.substring(eq + 1));
    }
    return m;
  }

  static List<String> lines(Reply r) {
    List<String> out = new ArrayList<>();
    for (String l : Reply.str(r).split("\n")) if (!l.isBlank()) out.add(l);
    return out;
  }

  @Test
  void masterLinkIsListedWithFlagMAndKilledByTypeAndById() throws Exception {
    try (RealRedis master = RealRedis.start("redis-server", new String[0]);
        RespClient m = master.client();
        RealRedis real = RealRedis.start("redis-server", new String[] {"--replicaof", "127.0.0.1", Integer.toString(master.port)});
        RespClient r = real.client();
        TestNode ours = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(master.port));
        RespClient o = ours.client()) {
      awaitLinkUp(r, "the real replica");
      awaitLinkUp(o, "our replica");
      m.call("SELECT", "2");
      m.call("SET", "k", "v");
      awaitCaughtUp(m, o);
      awaitCaughtUp(m, r);

      List<String> realLines = lines(r.call("CLIENT", "LIST", "TYPE", "master"));
      List<String> ourLines = lines(o.call("CLIENT", "LIST", "TYPE", "master"));
      assertEquals(1, realLines.size(), realLines.toString());
      assertEquals(1, ourLines.size(), ourLines.toString());
      Map<String, String> want = fields(realLines.get(0));
      Map<String, String> got = fields(ourLines.get(0));
      assertEquals(want.keySet().stream().toList(), got.keySet().stream().toList(), "field names and order");
      for (String f : List.of("addr", "flags", "db", "cmd", "user", "name", "multi", "sub", "psub", "resp", "redir")) {
        assertEquals(want.get(f), got.get(f), f + " of the master client: ours " + got + " vs real " + want);
      }
      assertEquals("M", got.get("flags"));
      // The full list shows it too, and a plain client is not of type master.
      assertTrue(Reply.str(o.call("CLIENT", "LIST")).contains("flags=M "));
      assertEquals(new Reply.Int(0), o.call("CLIENT", "KILL", "TYPE", "master", "SKIPME", "yes", "ID", "999999"));

      // KILL TYPE master: the link goes and comes back with a partial resync, as in Redis.
      long partialBefore = Info.field(m, "stats", "sync_partial_ok");
      assertEquals(new Reply.Int(1), r.call("CLIENT", "KILL", "TYPE", "master"));
      assertEquals(new Reply.Int(1), o.call("CLIENT", "KILL", "TYPE", "master"));
      Await.until(() -> Info.field(m, "stats", "sync_partial_ok") == partialBefore + 2, "both replicas to continue partially");
      awaitLinkUp(o, "our replica after the kill");
      m.call("SET", "k2", "v2");
      awaitCaughtUp(m, o);
      assertEquals(new Reply.Bulk("v2".getBytes()), selectAndGet(o, "k2"));

      // KILL ID of the master client works the same way.
      String id = fields(lines(o.call("CLIENT", "LIST", "TYPE", "master")).get(0)).get("id");
      assertEquals(new Reply.Int(1), o.call("CLIENT", "KILL", "ID", id));
      Await.until(() -> Info.field(m, "stats", "sync_partial_ok") == partialBefore + 3, "our replica to continue partially again");
      assertEquals(0, Info.field(m, "stats", "sync_full") - 2, "no full resync after the kills");
    }
  }

  private static Reply selectAndGet(RespClient c, String key) throws Exception {
    c.call("SELECT", "2");
    Reply v = c.call("GET", key);
    c.call("SELECT", "0");
    return v;
  }
}
