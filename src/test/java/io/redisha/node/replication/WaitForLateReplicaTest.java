package io.redisha.node.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The failover case of WAIT: a client's write reaches the new master before the other
 * replica is re-pointed to it, so when the client's WAIT asks for ACKs nobody is there.
 * The replica that then continues must be asked at once, not left to its once-a-second
 * ACK (which a raw replica never sends: without the master's GETACK this WAIT would only
 * time out).
 */
class WaitForLateReplicaTest {

  @Test
  void aReplicaThatArrivesDuringAWaitIsAskedForItsOffsetAtOnce() throws Exception {
    try (TestNode ours = TestNode.start("--repl-diskless-sync-delay", "0"); RespClient m = ours.client()) {
      String replid;
      long offset;
      // One full sync, so that the master has a backlog to continue from; then the replica goes.
      try (RawReplica first = new RawReplica(ours.port())) {
        first.send("REPLCONF", "capa", "eof", "capa", "psync2");
        assertEquals("+OK", first.line());
        first.send("PSYNC", "?", "-1");
        String[] full = first.line().split(" ");
        assertEquals("+FULLRESYNC", full[0]);
        replid = full[1];
        offset = Long.parseLong(full[2]);
        first.payload(first.line());
        first.send("REPLCONF", "ACK", full[2]);
        first.drain(200);
      }
      Await.until(() -> m.call("INFO", "replication").toString().contains("connected_slaves:0"), "the first replica to go");

      assertEquals("+OK", m.call("SET", "written-before-the-replica-came", "1").toString());
      m.send("WAIT", "1", "10000");

      try (RawReplica late = new RawReplica(ours.port())) {
        late.send("REPLCONF", "capa", "eof", "capa", "psync2");
        assertEquals("+OK", late.line());
        late.send("PSYNC", replid, Long.toString(offset + 1));
        assertTrue(late.line().startsWith("+CONTINUE"));
        StringBuilder stream = new StringBuilder();
        long deadline = System.currentTimeMillis() + 5000;
        while (!stream.toString().contains("GETACK") && System.currentTimeMillis() < deadline) {
          stream.append(new String(late.drain(100), StandardCharsets.ISO_8859_1));
        }
        String got = stream.toString();
        assertTrue(got.contains("written-before-the-replica-came"), "the backlog did not carry the write: " + got);
        assertTrue(got.contains("GETACK"), "the master did not ask the late replica for its offset: " + got);
        late.send("REPLCONF", "ACK", Long.toString(offset + got.length()));
        assertEquals(":1", m.read().toString());
      }
    }
  }
}
