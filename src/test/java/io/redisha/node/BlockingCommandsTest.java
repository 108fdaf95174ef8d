package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.Await;
import io.redisha.testing.Differential;
import io.redisha.testing.Reply;
import io.redisha.testing.RespClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking list commands. Each story runs on our node and on redis-server with fresh
 * connections, and the replies every client saw must be the same on both.
 */
class BlockingCommandsTest {
  @RegisterExtension
  static final Differential d = Differential.perClass();

  /** One server as a story sees it: connections, and a way to wait for clients to block. */
  interface Server {
    RespClient connect() throws IOException;

    void awaitBlocked(int n) throws Exception;
  }

  interface Story {
    void run(Server s, List<Reply> seen) throws Exception;
  }

  private final Server ours = side(true);
  private final Server theirs = side(false);

  private static Server side(boolean ours) {
    return new Server() {
      @Override
      public RespClient connect() throws IOException {
        return ours ? d.ours.client() : d.theirs.client();
      }

      @Override
      public void awaitBlocked(int n) throws Exception {
        Await.blockedClients(ours ? d.a : d.b, n, ours ? "our node" : "redis-server");
      }
    };
  }

  /** Runs the story on both servers and insists on the same replies in the same order. */
  private static void sameStory(Server ours, Server theirs, Story story) throws Exception {
    List<Reply> a = new ArrayList<>();
    List<Reply> b = new ArrayList<>();
    story.run(theirs, b);
    story.run(ours, a);
    assertEquals(b, a, "replies seen (expected = redis-server, actual = ours)");
  }

  @Test
  void blockedClientsAreServedInFifoOrder() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c1 = s.connect(); RespClient c2 = s.connect(); RespClient p = s.connect()) {
        c1.send("BLPOP", "q", "0");
        s.awaitBlocked(1);
        c2.send("BLPOP", "q", "0");
        s.awaitBlocked(2);
        seen.add(p.call("RPUSH", "q", "first", "second", "third"));
        seen.add(c1.read());
        seen.add(c2.read());
        seen.add(p.call("LRANGE", "q", "0", "-1"));
        s.awaitBlocked(0);
      }
    });
  }

  @Test
  void brpopServesFromTheTailAndDeletesTheEmptiedList() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c1 = s.connect(); RespClient p = s.connect()) {
        c1.send("BRPOP", "a", "b", "0");
        s.awaitBlocked(1);
        seen.add(p.call("LPUSH", "b", "x"));
        seen.add(c1.read());
        seen.add(p.call("LLEN", "b"));
      }
    });
  }

  @Test
  void aClientBlockedOnTwoKeysIsServedFromTheOneThatBecameReady() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c1 = s.connect(); RespClient p = s.connect()) {
        c1.send("BLPOP", "a", "b", "0");
        s.awaitBlocked(1);
        seen.add(p.call("MULTI"));
        seen.add(p.call("LPUSH", "b", "fromb"));
        seen.add(p.call("LPUSH", "a", "froma"));
        seen.add(p.call("EXEC"));
        seen.add(c1.read());
        seen.add(p.call("LLEN", "a"));
        seen.add(p.call("LLEN", "b"));
      }
    });
  }

  @Test
  void timeoutsReplyANullArrayInBothProtocols() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c = s.connect()) {
        seen.add(c.call("BLPOP", "nokey", "0.05"));
        seen.add(c.call("BRPOP", "nokey", "nokey2", "0.01"));
        seen.add(c.call("BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.01"));
        seen.add(c.call("BRPOPLPUSH", "nokey", "dst", "0.01"));
        seen.add(c.call("BLMPOP", "0.01", "2", "nokey", "nokey2", "LEFT"));
        seen.add(c.call("BLPOP", "nokey", "1e-400"));
        c.call("HELLO", "3");
        seen.add(c.call("BLPOP", "nokey", "0.01"));
        seen.add(c.call("BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.01"));
        seen.add(c.call("BLMPOP", "0.01", "1", "nokey", "RIGHT", "COUNT", "2"));
      }
    });
  }

  @Test
  void aTimeoutIsNotEarly() throws Exception {
    try (RespClient c = d.ours.client()) {
      long t0 = System.nanoTime();
      assertEquals(new Reply.Null('*'), c.call("BLPOP", "nokey", "0.2"));
      assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(195), "timed out too early");
    }
  }

  @Test
  void blmoveMovesWhenServedAndChainsToTheNextBlockedClient() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient mover = s.connect(); RespClient waiter = s.connect(); RespClient p = s.connect()) {
        mover.send("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0");
        s.awaitBlocked(1);
        waiter.send("BLPOP", "dst", "0");
        s.awaitBlocked(2);
        seen.add(p.call("RPUSH", "src", "a", "b"));
        seen.add(mover.read());
        seen.add(waiter.read());
        seen.add(p.call("LRANGE", "src", "0", "-1"));
        seen.add(p.call("LRANGE", "dst", "0", "-1"));
        mover.send("BRPOPLPUSH", "src2", "src2", "0");
        s.awaitBlocked(1);
        seen.add(p.call("LPUSH", "src2", "only"));
        seen.add(mover.read());
        seen.add(p.call("LRANGE", "src2", "0", "-1"));
      }
    });
  }

  @Test
  void blmoveToADestinationThatChangedTypeGetsWrongtypeAndPopsNothing() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient mover = s.connect(); RespClient p = s.connect()) {
        seen.add(p.call("SET", "dst", "str"));
        mover.send("BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
        s.awaitBlocked(1);
        seen.add(p.call("RPUSH", "src", "x"));
        seen.add(mover.read());
        s.awaitBlocked(0);
        seen.add(p.call("LRANGE", "src", "0", "-1"));
      }
    });
  }

  @Test
  void blmpopServesTheCountItAskedFor() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c = s.connect(); RespClient p = s.connect()) {
        c.send("BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2");
        s.awaitBlocked(1);
        seen.add(p.call("RPUSH", "b", "1", "2", "3"));
        seen.add(c.read());
        seen.add(p.call("LRANGE", "b", "0", "-1"));
        seen.add(c.call("BLMPOP", "0", "1", "b", "LEFT", "COUNT", "5"));
      }
    });
  }

  @Test
  void pipelinedCommandsBehindABlockedOneRunAfterItIsServed() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c = s.connect(); RespClient p = s.connect()) {
        byte[] a = RespClient.encode("BLPOP", "q", "0");
        byte[] b = RespClient.encode("LLEN", "q");
        byte[] e = RespClient.encode("ECHO", "after");
        byte[] all = new byte[a.length + b.length + e.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(e, 0, all, a.length + b.length, e.length);
        c.sendRaw(all);
        s.awaitBlocked(1);
        seen.add(p.call("RPUSH", "q", "x", "y"));
        seen.add(c.read());
        seen.add(c.read());
        seen.add(c.read());
      }
    });
  }

  @Test
  void blockingCommandsInsideMultiDoNotBlock() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient c = s.connect()) {
        seen.add(c.call("MULTI"));
        seen.add(c.call("BLPOP", "nokey", "0"));
        seen.add(c.call("BRPOP", "nokey", "0"));
        seen.add(c.call("BLMOVE", "nokey", "dst", "LEFT", "LEFT", "0"));
        seen.add(c.call("BRPOPLPUSH", "nokey", "dst", "0"));
        seen.add(c.call("BLMPOP", "0", "1", "nokey", "LEFT"));
        seen.add(c.call("RPUSH", "l", "a"));
        seen.add(c.call("BLPOP", "l", "0"));
        seen.add(c.call("EXEC"));
      }
    });
  }

  @Test
  void aClientThatDisconnectsWhileBlockedIsForgotten() throws Exception {
    sameStory(ours, theirs, (s, seen) -> {
      try (RespClient p = s.connect(); RespClient c2 = s.connect()) {
        RespClient c1 = s.connect();
        c1.send("BLPOP", "q", "0");
        s.awaitBlocked(1);
        c2.send("BLPOP", "q", "0");
        s.awaitBlocked(2);
        c1.close();
        s.awaitBlocked(1);
        seen.add(p.call("RPUSH", "q", "v"));
        seen.add(c2.read());
      }
    });
  }

  @Test
  void argumentErrorsMatchRedis() throws Exception {
    d.both("SET", "s", "v");
    d.both("RPUSH", "l", "a");
    for (String[] cmd : new String[][] {
        {"BLPOP", "l", "-1"}, {"BLPOP", "l", "abc"}, {"BLPOP", "l", "inf"}, {"BLPOP", "l", "-inf"},
        {"BLPOP", "l", "9.3e15"}, {"BLPOP", "l", "1e400"}, {"BLPOP", "l", " 1"}, {"BLPOP", "l", ""},
        {"BLPOP", "l", "nan"}, {"BLPOP", "s", "0"}, {"BLPOP", "nokey", "s", "0"}, {"BLPOP", "l"},
        {"BRPOP", "s", "x"}, {"BLMOVE", "s", "l", "middle", "left", "x"}, {"BLMOVE", "s", "l", "left", "left", "x"},
        {"BLMOVE", "s", "l", "left", "left", "0"}, {"BLMOVE", "l", "s", "left", "left", "0"},
        {"BRPOPLPUSH", "s", "l", "x"}, {"BRPOPLPUSH", "l", "s", "0"}, {"BLMPOP", "x", "1", "l", "left"},
        {"BLMPOP", "0", "x", "l", "left"}, {"BLMPOP", "-1", "1", "l", "left"}, {"BLMPOP", "0", "1", "s", "left"},
        {"BLMPOP", "0", "1", "l", "left", "count", "0"}, {"BLMPOP", "0", "2", "l", "left"}, {"BLMPOP", "0", "1", "l"},
        {"BLPOP", "l", "0"},
    }) {
      d.both(cmd);
    }
    // Valid odd timeouts pop at once from a non-empty list; invalid ones are errors.
    for (String t : new String[] {"0x10", "0x1p-3", "1e5000", "1e-5000", "-0", "-0.0001", "+1", ".5", "5.", "0x",
        "1.5f", "1e", "9223372036854775", "9223372036854776", "1E3"}) {
      d.both("RPUSH", "l", "a");
      d.both("BLPOP", "l", t);
      d.a.call("LPOP", "l", "10");
      d.b.call("LPOP", "l", "10");
    }
    d.both("RPUSH", "l", "a", "b");
    d.both("BRPOPLPUSH", "l", "l", "0");
    d.both("BLMPOP", "0", "2", "nokey", "l", "LEFT", "COUNT", "10");
  }
}
