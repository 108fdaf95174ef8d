package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Differential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {
  @RegisterExtension
  static final Differential d = Differential.perClass();

  @Test
  void pingSetGetAndErrorsMatchRedis() throws Exception {
    d.both("PING");
    d.both("SET", "k", "v");
    d.both("GET", "k");
    d.both("GET");
    d.both("NOSUCH", "a", "b");
    d.both("SELECT", "99");
    assertEquals("+PONG", d.a.call("PING").toString());
  }
}
