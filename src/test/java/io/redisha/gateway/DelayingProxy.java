package io.redisha.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay that delivers every chunk a fixed delay after it arrived, both ways: put
 * between a replica and its master, it makes the replica lag by that much, as a slow
 * network would. Test-only; blocking threads are fine here.
 */
final class DelayingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final long delayMs;
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean closed;

  DelayingProxy(int targetPort, long delayMs) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.delayMs = delayMs;
    Thread t = new Thread(this::acceptLoop, "delaying-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    try {
      while (!closed) {
        Socket in = server.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        synchronized (sockets) {
          sockets.add(in);
          sockets.add(out);
        }
        pump(in, out);
        pump(out, in);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private record Chunk(long due, byte[] data) {}

  private void pump(Socket from, Socket to) throws IOException {
    LinkedBlockingQueue<Chunk> q = new LinkedBlockingQueue<>();
    InputStream is = from.getInputStream();
    OutputStream os = to.getOutputStream();
    Thread reader = new Thread(() -> {
      byte[] buf = new byte[65536];
      try {
        int n;
        while ((n = is.read(buf)) > 0) q.put(new Chunk(System.nanoTime() + delayMs * 1_000_000L, Arrays.copyOf(buf, n)));
      } catch (Exception e) {
        // closed
      }
      q.add(new Chunk(0, null));
    });
    Thread writer = new Thread(() -> {
      try {
        while (true) {
          Chunk c = q.take();
          if (c.data == null) break;
          long wait = c.due - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
          os.write(c.data);
        }
      } catch (Exception e) {
        // closed
      }
      try {
        to.close();
      } catch (IOException ignored) {
        // done
      }
    });
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) s.close();
    }
  }
}
