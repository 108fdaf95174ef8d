package io.redisha.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two line formats, read back from a real log file. */
class LogTest {

  @TempDir
  Path dir;

  private List<String> lines(Path f) throws Exception {
    return Files.readAllLines(f, StandardCharsets.UTF_8);
  }

  private Log log(Path f, String format, String timestamps) throws Exception {
    Log log = new Log('X');
    log.setFile(f.toString());
    log.setFormat(Log.parseFormat(format));
    log.setTimestampFormat(Log.parseTimestampFormat(timestamps));
    log.setLevel(Log.Level.DEBUG);
    return log;
  }

  private static final Log.Part[] REPLICA = {Log.kv("instance", "slave"), Log.kv("name", "127.0.0.1:6380"),
      Log.kv("ip", "127.0.0.1"), Log.kv("port", 6380), Log.text("@"), Log.kv("master", "mymaster"),
      Log.kv("master_ip", "127.0.0.1"), Log.kv("master_port", 6379)};

  @Test
  void legacyIsRedisServersLineAndEventsReadAsRedisSentinelPrintsThem() throws Exception {
    Path f = dir.resolve("legacy.log");
    Log log = log(f, "legacy", "legacy");
    log.notice("Ready to accept connections");
    log.event(Log.Level.WARNING, "+sdown", REPLICA);
    log.event(Log.Level.WARNING, "+odown", Log.kv("instance", "master"), Log.kv("name", "mymaster"), Log.kv("ip", "127.0.0.1"),
        Log.kv("port", 6379), Log.text("#quorum"), Log.kv("quorum", "2/2"));
    long pid = ProcessHandle.current().pid();
    List<String> l = lines(f);
    assertEquals(3, l.size(), l.toString());
    String prefix = "^" + pid + ":X \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";
    assertTrue(l.get(0).matches(prefix + "\\* Ready to accept connections$"), l.get(0));
    assertTrue(l.get(1).matches(prefix + "# \\+sdown slave 127\\.0\\.0\\.1:6380 127\\.0\\.0\\.1 6380 @ mymaster 127\\.0\\.0\\.1 6379$"), l.get(1));
    assertTrue(l.get(2).endsWith(" # +odown master mymaster 127.0.0.1 6379 #quorum 2/2"), l.get(2));
  }

  @Test
  void logfmtHasValkeysFieldsAndEventsHaveOneKeyPerField() throws Exception {
    Path f = dir.resolve("logfmt.log");
    Log log = log(f, "logfmt", "iso8601");
    log.verbose("Client closed");
    log.event(Log.Level.WARNING, "+sdown", REPLICA);
    long pid = ProcessHandle.current().pid();
    List<String> l = lines(f);
    assertEquals(2, l.size(), l.toString());
    assertTrue(l.get(0).matches("^pid=" + pid + " role=sentinel timestamp=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d\""
        + " level=info message=\"Client closed\"$"), l.get(0));
    assertTrue(l.get(1).contains(" level=warning event=+sdown instance=slave name=127.0.0.1:6380 ip=127.0.0.1 port=6380"
        + " master=mymaster master_ip=127.0.0.1 master_port=6379"
        + " message=\"+sdown slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379\""), l.get(1));
  }

  @Test
  void noValueCanSplitALineOrForgeAField() throws Exception {
    String hostile = "evil\n12345:M 01 Jan 2026 00:00:00.000 # forged \"quoted\" a=b \\ \r\t\u0001";
    for (String format : List.of("legacy", "logfmt")) {
      Path f = dir.resolve(format + "-hostile.log");
      Log log = log(f, format, "milliseconds");
      log.warning("Client name " + hostile);
      log.event(Log.Level.WARNING, "+set", Log.kv("option", "client name"), Log.kv("value", hostile), Log.kv("weird key=\"x\"", ""));
      List<String> l = lines(f);
      assertEquals(2, l.size(), format + ": " + l);
      for (String line : l) assertTrue(line.indexOf('\r') < 0 && line.indexOf('\u0001') < 0 && line.indexOf('\t') < 0, line);
      if (format.equals("legacy")) {
        assertTrue(l.get(0).matches("^\\d+:X \\d{13} # Client name evil\\\\n12345:M .* forged .*\\\\r\\\\t\\\\x01$"), l.get(0));
      } else {
        assertTrue(l.get(0).endsWith("message=\"Client name evil\\n12345:M 01 Jan 2026 00:00:00.000 # forged \\\"quoted\\\" a=b \\\\ \\r\\t\\x01\""),
            l.get(0));
        assertTrue(l.get(1).contains(" event=+set option=\"client name\" value=\"evil\\n"), l.get(1));
        assertTrue(l.get(1).contains(" weird_key__x_=\"\" message="), l.get(1));
      }
    }
  }

  @Test
  void levelsFilterAndNamesAreCheckedAsRedisChecksThem() throws Exception {
    Path f = dir.resolve("levels.log");
    Log log = log(f, "legacy", "legacy");
    log.setLevel(Log.Level.NOTICE);
    log.debug("hidden");
    log.verbose("hidden");
    log.event(Log.Level.VERBOSE, "-role-change", Log.kv("x", "hidden"));
    log.notice("shown");
    assertEquals(1, lines(f).size());
    assertThrows(IllegalArgumentException.class, () -> Log.parseFormat("json"));
    assertThrows(IllegalArgumentException.class, () -> Log.parseTimestampFormat("rfc3339"));
    assertEquals(Log.Format.LOGFMT, Log.parseFormat("LOGFMT"));
  }
}
