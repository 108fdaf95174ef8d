package io.redisha.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The end of a benchmark scenario that ran servers as processes under one directory. */
public final class BenchProcesses {

  private BenchProcesses() {}

  /**
   * Kills every process, then deletes {@code root}, unless BENCH_KEEP is set: then it
   * stays (every process's log is in it) and its path is printed.
   */
  public static void stopAndClean(List<Process> procs, Path root) throws IOException, InterruptedException {
    for (Process p : procs) p.destroyForcibly();
    for (Process p : procs) p.waitFor(5, TimeUnit.SECONDS);
    if (System.getenv("BENCH_KEEP") != null) {
      System.out.println("# kept " + root);
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
