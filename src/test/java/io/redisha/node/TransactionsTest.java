package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Differential;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MULTI/EXEC/DISCARD/WATCH against a real redis-server, reply for reply. */
class TransactionsTest {

  @RegisterExtension
  static final Differential d = Differential.perClass();

  @Test
  void execRunsTheQueueAndRepliesWithEveryResult() throws Exception {
    d.both("MULTI");
    d.both("SET", "a", "1");
    d.both("GET", "a");
    d.both("EXEC");
  }

  @Test
  void queueingErrorAbortsExecWithExecAbort() throws Exception {
    d.both("MULTI");
    d.both("SET", "a", "1");
    d.both("GET");
    d.both("NOSUCHCOMMAND");
    d.both("EXEC");
    d.both("GET", "a");
  }

  @Test
  void runtimeErrorIsOneReplyAndTheRestStillRuns() throws Exception {
    d.both("SET", "s", "x");
    d.both("SUBSCRIBE", "nothing-to-see");
    d.both("UNSUBSCRIBE");
    d.both("MULTI");
    d.both("SELECT", "99");
    d.both("SET", "b", "2");
    d.both("EXEC");
    d.both("GET", "b");
  }

  @Test
  void nestingAndStrayCommandsAreRefused() throws Exception {
    d.both("EXEC");
    d.both("DISCARD");
    d.both("MULTI");
    d.both("MULTI");
    d.both("WATCH", "x");
    d.both("DISCARD");
    d.both("DISCARD");
  }

  @Test
  void watchedKeyTouchedByAnotherClientMakesExecReturnNull() throws Exception {
    d.both("WATCH", "w");
    try (RespClient oa = d.ours.client(); RespClient ob = d.theirs.client()) {
      assertEquals(ob.call("SET", "w", "other"), oa.call("SET", "w", "other"));
    }
    d.both("MULTI");
    d.both("SET", "w", "mine");
    d.both("EXEC");
    d.both("GET", "w");
  }

  @Test
  void unwatchAndFlushSemantics() throws Exception {
    d.both("SET", "w", "1");
    d.both("WATCH", "w");
    d.both("UNWATCH");
    try (RespClient oa = d.ours.client(); RespClient ob = d.theirs.client()) {
      assertEquals(ob.call("SET", "w", "2"), oa.call("SET", "w", "2"));
    }
    d.both("MULTI");
    d.both("GET", "w");
    d.both("EXEC");
    d.both("WATCH", "w");
    try (RespClient oa = d.ours.client(); RespClient ob = d.theirs.client()) {
      assertEquals(ob.call("FLUSHALL"), oa.call("FLUSHALL"));
    }
    d.both("MULTI");
    d.both("GET", "w");
    d.both("EXEC");
  }

  @Test
  void resp3ExecAndNullShapes() throws Exception {
    // HELLO's reply carries the connection id, which differs; the protocol switch is what matters.
    d.hello(3);
    d.both("WATCH", "r3");
    try (RespClient oa = d.ours.client(); RespClient ob = d.theirs.client()) {
      assertEquals(ob.call("SET", "r3", "x"), oa.call("SET", "r3", "x"));
    }
    d.both("MULTI");
    d.both("GET", "nokey");
    d.both("EXEC");
    d.both("MULTI");
    d.both("GET", "nokey");
    d.both("EXEC");
  }
}
