package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Differential;
import io.redisha.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pub/sub against a real redis-server: acks, messages, pattern messages, context errors. */
class PubSubTest {

  @RegisterExtension
  static final Differential d = Differential.perClass();

  private static void bothRead(RespClient oursSub, RespClient theirsSub) throws Exception {
    assertEquals(theirsSub.read(), oursSub.read());
  }

  @Test
  void subscribersReceiveMessagesAndPatternMessages() throws Exception {
    try (RespClient sa = d.ours.client(); RespClient sb = d.theirs.client()) {
      sa.send("SUBSCRIBE", "news", "sport");
      sb.send("SUBSCRIBE", "news", "sport");
      bothRead(sa, sb);
      bothRead(sa, sb);
      sa.send("PSUBSCRIBE", "n*");
      sb.send("PSUBSCRIBE", "n*");
      bothRead(sa, sb);
      d.both("PUBLISH", "news", "hello");
      bothRead(sa, sb);
      bothRead(sa, sb);
      d.both("PUBLISH", "nothing", "x"); // matches n* only
      bothRead(sa, sb);
      d.both("PUBLISH", "other", "x"); // nobody
      d.both("PUBSUB", "NUMSUB", "news", "sport", "none");
      d.both("PUBSUB", "NUMPAT");
      d.bothUnordered("PUBSUB", "CHANNELS");
      d.both("PUBSUB", "CHANNELS", "s*");
      assertEquals(sb.call("GET", "x"), sa.call("GET", "x"));
      assertEquals(sb.call("PING"), sa.call("PING"));
      assertEquals(sb.call("PING", "hi"), sa.call("PING", "hi"));
      // Unsubscribing from all walks the channel table, whose order Redis leaves undefined;
      // the counts still go down one by one.
      sa.send("UNSUBSCRIBE");
      sb.send("UNSUBSCRIBE");
      java.util.Set<String> ours = new java.util.HashSet<>();
      java.util.Set<String> theirs = new java.util.HashSet<>();
      for (int i = 0; i < 2; i++) {
        ours.add(sa.read().toString().replaceAll(":\\d+]$", ""));
        theirs.add(sb.read().toString().replaceAll(":\\d+]$", ""));
      }
      assertEquals(theirs, ours);
      assertEquals(sb.call("PUNSUBSCRIBE"), sa.call("PUNSUBSCRIBE"));
      assertEquals(sb.call("UNSUBSCRIBE"), sa.call("UNSUBSCRIBE"));
      assertEquals(sb.call("GET", "x"), sa.call("GET", "x"));
    }
  }

  @Test
  void resp3SubscribersGetPushesAndMayRunCommands() throws Exception {
    try (RespClient sa = d.ours.client(); RespClient sb = d.theirs.client()) {
      sa.call("HELLO", "3");
      sb.call("HELLO", "3");
      assertEquals(sb.call("SUBSCRIBE", "c3"), sa.call("SUBSCRIBE", "c3"));
      assertEquals(sb.call("GET", "x"), sa.call("GET", "x"));
      d.both("PUBLISH", "c3", "m");
      bothRead(sa, sb);
    }
  }

  @Test
  void closedSubscriberIsForgotten() throws Exception {
    RespClient sa = d.ours.client();
    RespClient sb = d.theirs.client();
    sa.call("SUBSCRIBE", "gone");
    sb.call("SUBSCRIBE", "gone");
    sa.close();
    sb.close();
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      if (d.a.call("PUBSUB", "NUMSUB", "gone").toString().contains(":0")
          && d.b.call("PUBSUB", "NUMSUB", "gone").toString().contains(":0")) break;
      Thread.sleep(20);
    }
    d.both("PUBLISH", "gone", "x");
  }
}
