package io.redisha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP GETs against a metrics endpoint, and promtool's verdict on what it serves. */
public final class Scrape {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Scrape() {}

  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public static String metrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = get(port, "/metrics");
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The metric family names in a Prometheus text exposition (from # TYPE lines). */
  public static Set<String> families(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)").matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }

  /** A port nobody listens on right now (the metrics port's 0 means "off", so tests pick one). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs promtool with the given arguments and stdin; returns its exit code and output. */
  public static String[] promtool(String stdin, String... args) throws IOException, InterruptedException {
    var cmd = new java.util.ArrayList<String>();
    cmd.add("promtool");
    cmd.addAll(java.util.List.of(args));
    Path out = Files.createTempFile("promtool", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("promtool timed out");
    }
    String text = Files.readString(out);
    Files.deleteIfExists(out);
    return new String[] {Integer.toString(p.exitValue()), text};
  }
}
