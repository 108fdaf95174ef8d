package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** maxclients, idle timeout, and clients that never read their replies. */
class ConnectionLimitsTest {

  @Test
  void maxclientsRefusesTheExtraConnectionWithRedisError() throws Exception {
    try (TestNode n = TestNode.start("--maxclients", "2");
         RespClient a = n.client(); RespClient b = n.client()) {
      assertEquals("+PONG", a.call("PING").toString());
      assertEquals("+PONG", b.call("PING").toString());
      try (RespClient c = n.client()) {
        assertEquals("-ERR max number of clients reached", c.read().toString());
        assertTrue(c.closedByServer(2000));
      }
      assertEquals("+PONG", a.call("PING").toString());
    }
  }

  @Test
  void idleClientsAreClosedAfterTimeoutButSubscribersStay() throws Exception {
    try (TestNode n = TestNode.start("--timeout", "1");
         RespClient idle = n.client(); RespClient sub = n.client()) {
      sub.call("SUBSCRIBE", "c");
      assertTrue(idle.closedByServer(5000), "an idle client should be closed after timeout");
      assertEquals("*[\"pong\", \"\"]", sub.call("PING").toString());
    }
  }

  /**
   * A client pipelines requests for ~4 GB of replies and never reads. The node must stop
   * reading from it rather than buffer (the test JVM, which hosts the node, has 1 GB),
   * and keep serving everyone else promptly.
   */
  @Test
  void clientThatNeverReadsCostsBoundedMemoryAndStallsNobody() throws Exception {
    try (TestNode n = TestNode.start(); RespClient other = n.client()) {
      byte[] value = new byte[1024 * 1024];
      java.util.Arrays.fill(value, (byte) 'v');
      other.call("SET".getBytes(), "big".getBytes(), value);
      try (Socket hog = new Socket("127.0.0.1", n.port())) {
        hog.setReceiveBufferSize(4096);
        OutputStream out = hog.getOutputStream();
        byte[] get = RespClient.encode("GET", "big");
        Thread writer = new Thread(() -> {
          try {
            for (int i = 0; i < 4000; i++) out.write(get);
          } catch (Exception ignored) {
            // the node stops reading: our writes block, then the socket closes
          }
        });
        writer.setDaemon(true);
        writer.start();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          long t0 = System.nanoTime();
          assertEquals("+PONG", other.call("PING").toString());
          latencies.add((System.nanoTime() - t0) / 1_000_000);
          Thread.sleep(20);
        }
        latencies.sort(null);
        assertTrue(latencies.get(latencies.size() - 1) < 1000, "PING latencies while another client hogs: " + latencies);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        assertTrue(used < 512L * 1024 * 1024, "heap in use while a client does not read: " + used);
      }
    }
  }
}
