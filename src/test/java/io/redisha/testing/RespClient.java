package io.redisha.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately plain, blocking RESP2/RESP3 client for tests: it sends exactly the
 * bytes it is given and returns replies with their wire type, so tests can compare
 * our node with a real redis-server byte for byte.
 */
public final class RespClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RespClient(int port) throws IOException {
    this("127.0.0.1", port);
  }

  public RespClient(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  public void setTimeout(int ms) throws IOException {
    socket.setSoTimeout(ms);
  }

  public Reply call(String... args) throws IOException {
    send(args);
    return read();
  }

  public Reply call(byte[]... args) throws IOException {
    send(args);
    return read();
  }

  public void send(String... args) throws IOException {
    byte[][] b = new byte[args.length][];
    for (int i = 0; i < args.length; i++) b[i] = args[i].getBytes(StandardCharsets.UTF_8);
    send(b);
  }

  public void send(byte[]... args) throws IOException {
    out.write(encode(args));
    out.flush();
  }

  public static byte[] encode(byte[]... args) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(a);
      b.writeBytes(new byte[] {'\r', '\n'});
    }
    return b.toByteArray();
  }

  public static byte[] encode(String... args) {
    byte[][] b = new byte[args.length][];
    for (int i = 0; i < args.length; i++) b[i] = args[i].getBytes(StandardCharsets.UTF_8);
    return encode(b);
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void sendRaw(String s) throws IOException {
    sendRaw(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one reply; EOFException when the server closed the connection. */
  public Reply read() throws IOException {
    int t = in.read();
    if (t < 0) throw new EOFException("connection closed by server");
    String line = line();
    switch (t) {
      case '+': return new Reply.Simple(line);
      case '-': return new Reply.Error(line);
      case ':': return new Reply.Int(Long.parseLong(line));
      case '_': return new Reply.Null('_');
      case ',': case '#': case '(':
        return new Reply.Scalar((char) t, line);
      case '$': case '=': case '!': {
        int n = Integer.parseInt(line);
        if (n < 0) return new Reply.Null('$');
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new EOFException("short bulk");
        line();
        if (t == '=') return new Reply.Scalar('=', new String(b, StandardCharsets.UTF_8));
        if (t == '!') return new Reply.Error(new String(b, StandardCharsets.UTF_8));
        return new Reply.Bulk(b);
      }
      case '*': case '~': case '>': case '%': {
        int n = Integer.parseInt(line);
        if (n < 0) return new Reply.Null('*');
        if (t == '%') n *= 2;
        List<Reply> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) items.add(read());
        return new Reply.Agg((char) t, items);
      }
      case '|': {
        // RESP3 attribute: skip it and return the reply it decorates.
        int n = Integer.parseInt(line) * 2;
        for (int i = 0; i < n; i++) read();
        return read();
      }
      default:
        throw new IOException("unexpected reply type '" + (char) t + "' followed by " + line);
    }
  }

  /** True if the server closed the connection (reads until EOF or timeout). */
  public boolean closedByServer(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        int n = in.read();
        if (n == '\n') break;
        b.write(c);
        if (n >= 0) b.write(n);
        continue;
      }
      b.write(c);
    }
    if (c < 0) throw new EOFException("connection closed mid-line");
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
