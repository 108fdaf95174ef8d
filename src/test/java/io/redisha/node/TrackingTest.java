package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching against a real redis-server 7.0: the same script on both, and
 * every connection must receive the same bytes (replies, invalidation pushes, pub/sub
 * invalidation messages) after each step. See {@link TrackingScript}.
 */
class TrackingTest {

  private static final String[] TRACKING_INFO = {"tracking_clients", "tracking_total_keys", "tracking_total_items",
      "tracking_total_prefixes"};

  private TrackingScript s;

  @BeforeEach
  void start() throws Exception {
    s = new TrackingScript("--enable-debug-command", "yes");
  }

  @AfterEach
  void stop() throws Exception {
    s.close();
  }

  @Test
  void resp3DefaultModeInvalidatesReadKeysOnce() throws Exception {
    s.open("r").open("w");
    s.setup("r", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("w", "SET", "a", "1");
    s.step("r", "GET", "a");
    s.step("r", "MGET", "b", "c");
    s.step("r", "STRLEN", "d");
    s.info("w", TRACKING_INFO);
    assertEquals("r: >2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n",
        "r: " + TrackingScript.only(s.step("w", "SET", "a", "2"), "r"));
    s.step("w", "SET", "a", "3"); // not read since: nothing
    s.step("w", "DEL", "b");
    s.step("w", "RPUSH", "c", "x");
    s.step("w", "APPEND", "d", "x");
    s.info("w", TRACKING_INFO);
    // A write of the tracking client itself: the push follows its reply.
    s.step("r", "GET", "a");
    s.step("r", "INCR", "a");
    // Inside a transaction the pushes follow EXEC's reply.
    s.step("r", "GET", "a");
    s.step("r", "GET", "e");
    s.step("r", "MULTI");
    s.step("r", "SET", "a", "5");
    s.step("r", "GET", "e");
    s.step("r", "SET", "e", "1");
    s.step("r", "EXEC");
    s.step("r", "CLIENT", "TRACKINGINFO");
    s.step("r", "CLIENT", "GETREDIR");
    s.step("w", "CLIENT", "GETREDIR");
    s.step("w", "CLIENT", "TRACKINGINFO");
    assertEquals("t redir=0", s.clientFlags("w", "r"));
    // Off: the table keeps its ids (Redis forgets them lazily) but nothing is sent.
    s.step("r", "GET", "z");
    s.step("r", "CLIENT", "TRACKING", "OFF");
    s.info("w", TRACKING_INFO);
    s.step("w", "SET", "z", "1");
    s.info("w", TRACKING_INFO);
    s.step("r", "CLIENT", "TRACKINGINFO");
    assertEquals("N redir=-1", s.clientFlags("w", "r"));
  }

  @Test
  void invalidationsReachAClientWhoseRepliesAreOff() throws Exception {
    s.open("r");
    s.setup("r", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("r", "GET", "a");
    // Straight on the wires: a step's barrier needs a reply.
    for (TrackingScript.Wire r : s.wires("r")) {
      r.send("CLIENT", "REPLY", "OFF");
      r.send("SET", "a", "1");
      r.send("CLIENT", "REPLY", "ON");
      assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n", r.frame(), "the push despite REPLY OFF");
      assertEquals("+OK\r\n", r.frame());
    }
  }

  /**
   * Redis 7.0 checks a new prefix against the later ones but, when the overlap is not
   * the first prefix's, replies the error and then OK and turns tracking on: two replies
   * to one command. We refuse with the error alone.
   */
  @Test
  void overlappingPrefixesAreOneErrorHere() throws Exception {
    s.open("c");
    TrackingScript.Wire ours = s.wires("c")[0];
    ours.send("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX", "bc");
    assertEquals("-ERR Prefix 'b' overlaps with another provided prefix 'bc'. "
        + "Prefixes for a single client must not overlap.\r\n", ours.frame());
    ours.send("CLIENT", "GETREDIR");
    assertEquals(":-1\r\n", ours.frame());
  }

  @Test
  void resp2TrackingWithoutRedirectRemembersButSendsNothing() throws Exception {
    s.open("r").open("w");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("r", "GET", "k");
    s.info("w", TRACKING_INFO);
    s.step("w", "SET", "k", "1");
    s.step("w", "FLUSHALL");
    s.info("w", TRACKING_INFO);
    s.step("r", "CLIENT", "TRACKINGINFO");
  }

  @Test
  void redirectToResp2SubscriberSendsPubSubMessagesAndBreaksWhenItGoes() throws Exception {
    s.open("sub").open("r").open("w");
    s.markResp2Subscriber("sub");
    s.step("sub", "SUBSCRIBE", "__redis__:invalidate");
    s.step("r", "CLIENT", "TRACKING", "ON", "REDIRECT", s.id("sub"));
    s.step("r", "CLIENT", "GETREDIR");
    s.step("r", "GET", "k");
    s.step("r", "GET", "j");
    assertEquals("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n",
        TrackingScript.only(s.step("w", "SET", "k", "1"), "sub"));
    // A flush is a null, in the tracking client's protocol.
    s.step("w", "FLUSHALL");
    s.setup("r", "HELLO", "3");
    s.step("w", "FLUSHDB");
    s.setup("r", "HELLO", "2");
    s.step("r", "CLIENT", "TRACKINGINFO");
    assertEquals("t redir=" + s.id("sub"), s.clientFlags("w", "r"));
    // A RESP3 redirect target gets pushes whether it subscribed or not.
    s.open("r3");
    String r3 = s.id("r3");
    s.setup("r3", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON", "REDIRECT", s.id("r3"));
    s.step("r", "GET", "k");
    s.step("w", "SET", "k", "2");
    // The redirect target goes: RESP2 hears nothing, RESP3 gets tracking-redir-broken (each time).
    s.close("r3");
    s.step("r", "GET", "k");
    s.step("w", "SET", "k", "3");
    assertEquals("tR redir=" + r3, s.clientFlags("w", "r"));
    s.step("r", "CLIENT", "TRACKINGINFO");
    s.setup("r", "HELLO", "3");
    s.step("r", "GET", "k");
    s.step("w", "SET", "k", "4");
    s.step("r", "GET", "k");
    s.step("w", "DEL", "k");
    s.step("w", "FLUSHALL");
    s.step("r", "CLIENT", "TRACKINGINFO");
    // Redirecting to a client that is gone is refused.
    s.step("w", "CLIENT", "TRACKING", "ON", "REDIRECT", r3);
  }

  @Test
  void redirectToResp2ConnectionThatDidNotSubscribeSendsNothing() throws Exception {
    s.open("target").open("r").open("w");
    s.step("r", "CLIENT", "TRACKING", "ON", "REDIRECT", s.id("target"));
    s.step("r", "GET", "k");
    s.step("w", "SET", "k", "1");
    s.info("w", TRACKING_INFO);
  }

  @Test
  void broadcastModeSendsChangedKeysPerPrefix() throws Exception {
    s.open("b").open("all").open("w");
    s.setup("b", "HELLO", "3");
    s.setup("all", "HELLO", "3");
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "post:");
    s.step("all", "CLIENT", "TRACKING", "ON", "BCAST");
    s.info("w", TRACKING_INFO);
    s.step("b", "CLIENT", "TRACKINGINFO");
    assertEquals("tB redir=0", s.clientFlags("w", "b"));
    s.step("w", "SET", "user:1", "x");
    s.step("w", "SET", "other", "x");
    // One command changing several keys: one message per prefix, keys in name order.
    s.step("w", "MSET", "user:9", "a", "post:2", "b", "user:10", "c", "post:1", "d", "x", "e");
    s.step("w", "DEL", "user:9", "user:10", "nothing:here");
    // Reads track nothing in BCAST mode.
    s.step("b", "GET", "user:1");
    s.info("w", TRACKING_INFO);
    // The client's own changes come back, after its reply.
    s.step("b", "SET", "user:2", "y");
    // More prefixes may be added; overlapping ones are refused.
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "cart:");
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:1");
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "us");
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab");
    s.step("b", "CLIENT", "TRACKINGINFO");
    s.step("w", "SET", "cart:1", "z");
    s.info("w", TRACKING_INFO);
    // NOLOOP spares a client its own changes, in BCAST too.
    s.step("all", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
    s.step("all", "MSET", "user:3", "1", "post:3", "2");
    s.step("w", "SET", "user:3", "3");
    s.step("b", "CLIENT", "TRACKING", "OFF");
    s.step("w", "SET", "user:3", "4");
    s.info("w", TRACKING_INFO);
    s.step("b", "CLIENT", "TRACKINGINFO");
    s.step("w", "FLUSHALL");
  }

  @Test
  void optInAndOptOutFollowClientCaching() throws Exception {
    s.open("in").open("out").open("w");
    s.setup("in", "HELLO", "3");
    s.setup("out", "HELLO", "3");
    s.step("in", "CLIENT", "CACHING", "YES");
    s.step("in", "CLIENT", "TRACKING", "ON", "OPTIN");
    s.step("in", "CLIENT", "CACHING", "NO");
    s.step("in", "CLIENT", "CACHING", "MAYBE");
    s.step("in", "GET", "a"); // not cached
    s.step("in", "CLIENT", "CACHING", "YES");
    s.step("in", "CLIENT", "TRACKINGINFO");
    s.step("in", "GET", "b"); // cached
    s.step("in", "GET", "c"); // CACHING was for one command
    s.step("in", "CLIENT", "CACHING", "YES");
    s.step("in", "PING");
    s.step("in", "GET", "d"); // PING used it up
    // For a transaction, CACHING holds through EXEC.
    s.step("in", "CLIENT", "CACHING", "YES");
    s.step("in", "MULTI");
    s.step("in", "GET", "e");
    s.step("in", "GET", "f");
    s.step("in", "EXEC");
    s.step("in", "CLIENT", "TRACKINGINFO");
    s.step("out", "CLIENT", "TRACKING", "ON", "OPTOUT");
    s.step("out", "CLIENT", "CACHING", "YES");
    s.step("out", "GET", "a"); // cached
    s.step("out", "CLIENT", "CACHING", "NO");
    s.step("out", "CLIENT", "TRACKINGINFO");
    s.step("out", "GET", "c"); // not cached
    s.step("out", "GET", "g"); // cached again
    s.info("w", TRACKING_INFO);
    s.step("w", "MSET", "a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1", "g", "1");
    s.step("out", "CLIENT", "TRACKING", "ON", "OPTIN");
    s.step("in", "CLIENT", "TRACKING", "ON", "OPTOUT");
    s.step("in", "CLIENT", "TRACKING", "ON", "OPTIN", "NOLOOP");
    s.step("in", "CLIENT", "TRACKINGINFO");
    s.step("in", "CLIENT", "TRACKING", "OFF");
    s.step("in", "CLIENT", "CACHING", "YES");
  }

  @Test
  void noloopSparesTheClientItsOwnWrites() throws Exception {
    s.open("r").open("w");
    s.setup("r", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON", "NOLOOP");
    s.step("r", "GET", "a");
    s.step("r", "SET", "a", "1");
    s.step("w", "SET", "a", "2"); // not read since its own write forgot it
    s.step("r", "GET", "a");
    s.step("w", "SET", "a", "3");
    s.step("r", "CLIENT", "TRACKINGINFO");
    s.info("w", TRACKING_INFO);
  }

  @Test
  void flushSendsOneNullToEveryTrackingClient() throws Exception {
    s.open("r").open("b").open("w");
    s.setup("r", "HELLO", "3");
    s.setup("b", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("b", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
    s.step("r", "GET", "a");
    s.step("w", "SELECT", "3");
    s.step("w", "SET", "a", "1"); // the table is keyed by name, whatever the database
    s.step("w", "FLUSHALL");
    s.step("w", "FLUSHDB");
    s.info("w", TRACKING_INFO);
    s.step("r", "GET", "a");
    s.step("r", "FLUSHALL"); // its own null follows the reply
    s.step("b", "FLUSHDB", "ASYNC");
    s.step("w", "MULTI");
    s.step("w", "FLUSHDB");
    s.step("w", "FLUSHDB");
    s.step("w", "EXEC");
    s.info("w", TRACKING_INFO);
    // SWAPDB does not invalidate, as in Redis 7.0.
    s.step("r", "GET", "a");
    s.step("w", "SWAPDB", "0", "3");
    s.info("w", TRACKING_INFO);
  }

  @Test
  void expiredKeysAreInvalidatedLazilyAndActively() throws Exception {
    s.open("r").open("w");
    s.setup("r", "HELLO", "3");
    s.step("w", "DEBUG", "SET-ACTIVE-EXPIRE", "0");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("w", "SET", "e", "v", "PX", "30");
    s.step("r", "GET", "e");
    Thread.sleep(60); // wall time has to pass for a TTL
    s.step("w", "EXISTS", "e"); // lazy expiry by another client: r hears of it at once
    s.step("r", "GET", "e");
    s.step("w", "SET", "e", "v", "PX", "30");
    s.step("r", "GET", "e");
    s.step("w", "SET", "f", "v", "PX", "30");
    Thread.sleep(60);
    s.step("r", "GET", "e"); // its own read expires it: reply, push, and the key tracked again
    s.info("w", TRACKING_INFO);
    // Active expiry: the push comes by itself.
    s.step("w", "SET", "x", "v", "PX", "20");
    s.step("r", "GET", "x");
    s.step("w", "DEBUG", "SET-ACTIVE-EXPIRE", "1");
    for (TrackingScript.Wire r : s.wires("r")) {
      assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nx\r\n", r.frameWithin(5000), "active expiry push");
    }
    s.info("w", TRACKING_INFO);
  }

  @Test
  void clientTrackingErrorsAreRedis() throws Exception {
    s.open("c").open("other");
    String[][] bad = {
        {"CLIENT", "TRACKING"},
        {"CLIENT", "TRACKING", "MAYBE"},
        {"CLIENT", "TRACKING", "OFF", "NOPE"},
        {"CLIENT", "TRACKING", "ON", "PREFIX"},
        {"CLIENT", "TRACKING", "ON", "REDIRECT"},
        {"CLIENT", "TRACKING", "ON", "REDIRECT", "abc"},
        {"CLIENT", "TRACKING", "ON", "REDIRECT", "99999"},
        {"CLIENT", "TRACKING", "ON", "REDIRECT", "0"},
        {"CLIENT", "TRACKING", "ON", "REDIRECT", s.id("other"), "REDIRECT", s.id("other")},
        {"CLIENT", "TRACKING", "ON", "PREFIX", "a"},
        {"CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"},
        {"CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT"},
        {"CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"},
        {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"},
        {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", ""},
        {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a\nb", "PREFIX", "a"},
        {"CLIENT", "CACHING", "YES"},
        {"CLIENT", "CACHING"},
        {"CLIENT", "GETREDIR", "x"},
        {"CLIENT", "TRACKINGINFO", "x"},
    };
    for (String[] cmd : bad) s.step("c", cmd);
    s.step("c", "CLIENT", "TRACKINGINFO");
    s.info("c", TRACKING_INFO);
    s.step("c", "CLIENT", "TRACKING", "ON");
    s.step("c", "CLIENT", "TRACKING", "ON", "BCAST");
    s.step("c", "CLIENT", "CACHING", "YES");
    s.step("c", "CLIENT", "CACHING", "NO");
    s.step("c", "CLIENT", "TRACKING", "OFF");
    s.step("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p");
    s.step("c", "CLIENT", "TRACKING", "ON");
    s.step("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p");
    s.step("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "q", "PREFIX", "pp");
    s.step("c", "CLIENT", "TRACKING", "ON", "BCAST");
    s.step("c", "CLIENT", "TRACKINGINFO");
    s.step("c", "CLIENT", "TRACKING", "off", "bcast", "optin", "optout", "noloop", "prefix", "x");
    s.step("c", "CLIENT", "TRACKINGINFO");
    s.step("c", "RESET");
    s.info("c", TRACKING_INFO);
    s.step("c", "CONFIG", "GET", "tracking-table-max-keys");
    s.step("c", "CONFIG", "SET", "tracking-table-max-keys", "-1");
    s.step("c", "CLIENT", "TRACKING", "ON", "OPTIN");
    s.step("c", "RESET");
    s.step("c", "CLIENT", "TRACKINGINFO");
  }

  @Test
  void resetAndCloseEndTracking() throws Exception {
    s.open("r").open("w").open("gone");
    s.setup("r", "HELLO", "3");
    s.step("r", "CLIENT", "TRACKING", "ON");
    s.step("gone", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "k");
    s.step("r", "GET", "k");
    s.step("r", "RESET");
    s.step("r", "CLIENT", "TRACKINGINFO");
    s.step("w", "SET", "k", "1");
    s.close("gone");
    s.info("w", TRACKING_INFO);
  }

  /**
   * tracking-table-max-keys: over the limit, the next command makes room and the readers
   * of the forgotten keys are told. Redis picks them at random and we pick the oldest,
   * so only the shape and the counts compare.
   */
  @Test
  void trackingTableOverItsLimitInvalidatesKeys() throws Exception {
    s.open("r").open("w");
    s.setup("r", "HELLO", "3");
    s.step("w", "CONFIG", "SET", "tracking-table-max-keys", "2");
    s.step("r", "CLIENT", "TRACKING", "ON");
    // Straight on the wires: the barriers of a step would be the commands that make room.
    for (TrackingScript.Wire r : s.wires("r")) {
      r.send("MGET", "a", "b", "c", "d");
      assertEquals("*4\r\n_\r\n_\r\n_\r\n_\r\n", r.frame());
    }
    s.info("w", "tracking_total_keys", "tracking_total_items");
    for (TrackingScript.Wire r : s.wires("r")) {
      for (int i = 0; i < 2; i++) {
        String push = r.frameWithin(5000);
        assertTrue(push != null && push.matches(">2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n\\$1\r\n[abcd]\r\n"), push);
      }
      assertNull(r.frameWithin(100), "only two keys over the limit");
    }
    Map<String, String> left = s.info("w", "tracking_total_keys");
    assertEquals("2", left.get("tracking_total_keys"));
  }
}
