package io.redisha.node.replication;

import io.redisha.testing.RespClient;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A replica made by hand on a raw socket: it sends what a test tells it and reads the
 * master's bytes as they are (replies, the payload in either form, the stream), so tests
 * can see the wire format that a real replica hides.
 */
final class RawReplica implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawReplica(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  void send(String... argv) throws IOException {
    out.write(RespClient.encode(argv));
    out.flush();
  }

  void timeout(int ms) throws IOException {
    socket.setSoTimeout(ms);
  }

  /** The next line, keep-alive newlines before it skipped. */
  String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) == '\n') {
      // the master's keep-alive while the payload is prepared
    }
    while (c >= 0) {
      if (c == '\r') {
        int n = in.read();
        if (n == '\n') return b.toString(StandardCharsets.ISO_8859_1);
        b.write(c);
        c = n;
        continue;
      }
      b.write(c);
      c = in.read();
    }
    throw new EOFException("connection closed mid-line");
  }

  /** The byte that ended the last {@link #silentFor} early. */
  char lastUnexpected;

  /** True if nothing but keep-alive newlines arrives within {@code ms}. */
  boolean silentFor(int ms) throws IOException {
    socket.setSoTimeout(ms);
    long deadline = System.currentTimeMillis() + ms;
    try {
      while (System.currentTimeMillis() < deadline) {
        int c = in.read();
        if (c < 0) throw new EOFException("connection closed");
        if (c != '\n') {
          lastUnexpected = (char) c;
          return false;
        }
      }
      return true;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(20_000);
    }
  }

  byte[] bytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new EOFException("short read: " + b.length + " of " + n);
    return b;
  }

  /** The payload after its {@code $} line: sized, or up to the EOF mark (which is not returned). */
  byte[] payload(String header) throws IOException {
    if (!header.startsWith("$EOF:")) return bytes(Integer.parseInt(header.substring(1)));
    byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    while (true) {
      int n = in.read(buf);
      if (n < 0) throw new EOFException("closed before the EOF mark");
      b.write(buf, 0, n);
      byte[] all = b.toByteArray();
      if (all.length >= mark.length && Arrays.equals(all, all.length - mark.length, all.length, mark, 0, mark.length)) {
        return Arrays.copyOf(all, all.length - mark.length);
      }
    }
  }

  /** Whatever arrives within {@code ms}. */
  byte[] drain(int ms) throws IOException {
    socket.setSoTimeout(ms);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    try {
      int n;
      while ((n = in.read(buf)) > 0) b.write(buf, 0, n);
    } catch (SocketTimeoutException e) {
      // done
    } finally {
      socket.setSoTimeout(20_000);
    }
    return b.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
