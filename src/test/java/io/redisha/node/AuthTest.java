package io.redisha.node;

import io.redisha.testing.Differential;
import io.redisha.testing.RespClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** requirepass, AUTH in both forms, HELLO AUTH, and what is allowed before it, against redis-server. */
class AuthTest {

  @RegisterExtension
  static final Differential d = Differential.perClass("--requirepass", "pwd@123").withoutReset();

  @Test
  void unauthenticatedClientsGetNoauthButUnknownAndArityErrorsFirst() throws Exception {
    try (RespClient a = d.ours.client(); RespClient b = d.theirs.client()) {
      for (String[] cmd : new String[][] {{"GET", "k"}, {"PING"}, {"NOSUCH"}, {"GET"}, {"SET", "k", "v"},
          {"HELLO", "3"}, {"HELLO", "4"}, {"AUTH", "wrong"}, {"AUTH", "default", "wrong"}, {"AUTH", "bob", "pwd@123"},
          {"AUTH", "a", "b", "c"}, {"GET", "k"}, {"AUTH", "pwd@123"}, {"GET", "k"}, {"AUTH", "default", "pwd@123"}}) {
        assertEquals(b.call(cmd), a.call(cmd), () -> String.join(" ", cmd));
      }
    }
  }

  @Test
  void helloAuthAuthenticatesAndSwitchesProtocolAtOnce() throws Exception {
    try (RespClient a = d.ours.client(); RespClient b = d.theirs.client()) {
      assertEquals(b.call("HELLO", "3", "AUTH", "default", "nope").toString(),
          a.call("HELLO", "3", "AUTH", "default", "nope").toString());
      // The reply holds the connection id, so compare all but it.
      String ra = a.call("HELLO", "3", "AUTH", "default", "pwd@123", "SETNAME", "app").toString();
      String rb = b.call("HELLO", "3", "AUTH", "default", "pwd@123", "SETNAME", "app").toString();
      assertEquals(rb.replaceAll("\"id\", :\\d+", ""), ra.replaceAll("\"id\", :\\d+", ""));
      assertEquals(b.call("GET", "missing"), a.call("GET", "missing"));
      assertEquals(b.call("RESET"), a.call("RESET"));
      assertEquals(b.call("GET", "missing"), a.call("GET", "missing"));
    }
  }

  @Test
  void unauthenticatedClientsCannotSendBigRequests() throws Exception {
    try (RespClient a = d.ours.client(); RespClient b = d.theirs.client()) {
      String big = "*11\r\n" + "$1\r\nx\r\n".repeat(11);
      a.sendRaw(big);
      b.sendRaw(big);
      assertEquals(b.read(), a.read());
    }
  }
}
