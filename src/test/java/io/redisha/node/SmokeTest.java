package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redisha.testing.Differential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeTest {
  static Differential d;

  @BeforeAll
  static void start() throws Exception {
    d = new Differential();
  }

  @AfterAll
  static void stop() throws Exception {
    d.close();
  }

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
