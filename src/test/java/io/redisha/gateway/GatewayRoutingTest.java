package io.redisha.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.command.CommandTable;
import io.redisha.testing.RealRedis;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * For every command and subcommand in the table: send it through the gateway (read
 * policy "replica", one real master and one real replica) and look in each server's INFO
 * commandstats for where it actually ran. Writes and everything not marked read-only
 * must have run on the master, plain reads on the replica, and the gateway's own
 * commands nowhere.
 */
class GatewayRoutingTest {

  /** Answered by the gateway or refused by it: they must reach no backend. */
  static final Set<String> NOWHERE = Set.of("auth", "hello", "quit", "reset", "ping", "echo", "select",
      "client|setname", "client|getname", "client|id", "client|reply",
      "monitor", "sync", "psync", "replicaof", "slaveof", "failover", "shutdown", "replconf", "debug",
      "readonly", "readwrite", "asking", "migrate");
  /** The gateway's topology checks run these on the master too, so they prove nothing. */
  static final Set<String> AMBIGUOUS = Set.of("info", "role", "config|resetstat");
  /** Tested on their own (tunnel, pinned connection, unsupported families). */
  static final Set<String> SKIPPED = Set.of("subscribe", "psubscribe", "ssubscribe", "multi", "exec", "discard",
      "watch", "unwatch", "quit");

  @Test
  void everyCommandRunsWhereItsFlagsSay() throws Exception {
    try (RealRedis master = RealRedis.start();
        RealRedis replica = RealRedis.start(new String[0]);
        RespClient m = master.client(); RespClient r = replica.client()) {
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port));
      try (TestGateway gw = TestGateway.start("--master", "127.0.0.1", Integer.toString(master.port),
          "--read-policy", "replica"); RespClient c = gw.client()) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (gw.gw.topology.replicas.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertTrue(!gw.gw.topology.replicas.isEmpty(), "the replica never became usable for reads");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (CommandSpec spec : CommandTable.redis().all()) {
          List<CommandSpec> targets = spec.isContainer() ? spec.subcommands() : List.of(spec);
          for (CommandSpec t : targets) {
            String name = t.name();
            if (SKIPPED.contains(name) || AMBIGUOUS.contains(name) || (spec.isContainer() && name.endsWith("|help"))) continue;
            m.call("CONFIG", "RESETSTAT");
            r.call("CONFIG", "RESETSTAT");
            if (Boolean.getBoolean("routing.verbose")) System.out.println("ROUTING " + name);
            Reply reply = c.call(argv(t));
            boolean onMaster = ranOn(m, name);
            boolean onReplica = ranOn(r, name);
            String top = name.contains("|") ? name.substring(0, name.indexOf('|')) : name;
            String expected = NOWHERE.contains(name) || NOWHERE.contains(top) || top.equals("cluster") || top.equals("module") ? "nowhere"
                : t.isWrite() || !t.has(CommandFlag.READONLY) || t.has(CommandFlag.BLOCKING) || t.has(CommandFlag.ADMIN)
                    ? "master" : "replica";
            // A write that ran on the master reaches the replica's counters by replication.
            String actual = onMaster ? "master" : onReplica ? "replica" : "nowhere";
            if (!expected.equals(actual)) wrong.add(name + ": expected " + expected + ", ran on " + actual + " (reply " + reply + ")");
            checked++;
          }
        }
        assertTrue(checked > 300, "only " + checked + " commands checked");
        assertEquals("", String.join("\n", wrong));
      }
    }
  }

  /** The name (and subcommand) followed by "x" up to the minimal arity. */
  static String[] argv(CommandSpec t) {
    List<String> a = new ArrayList<>();
    for (String part : t.name().split("\\|")) a.add(part);
    int min = Math.abs(t.arity());
    while (a.size() < min) a.add("x");
    return a.toArray(String[]::new);
  }

  static boolean ranOn(RespClient c, String name) throws Exception {
    String info = Reply.str(c.call("INFO", "commandstats"));
    return info.contains("cmdstat_" + name + ":");
  }
}
