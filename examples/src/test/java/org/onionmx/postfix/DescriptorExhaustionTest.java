package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tcp_table server in a child JVM under {@code ulimit -n 80}, with more clients than that: the
 * acceptor backs off instead of spinning, logs a few lines instead of a flood, and answers a fresh
 * client once the others have gone.
 */
class DescriptorExhaustionTest {
  static final String RISEUP = TcpTableServerTest.RISEUP;
  static final int LIMIT = 80;
  static final int CLIENTS = 120;

  /** The test class path, cut to what the server needs, so the child opens few jar files. */
  private static String childClassPath() {
    String full =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(full.split(java.io.File.pathSeparator))
        .filter(
            e ->
                e.endsWith("classes")
                    || e.contains("onionmx-core")
                    || e.contains("slf4j")
                    || e.contains("dnsjava")
                    || e.contains("snakeyaml")
                    || e.contains("icu4j"))
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  @Test
  void acceptLoopBacksOffLogsLittleAndRecoversWhenDescriptorsAreFree(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("stderr.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            "ulimit -n "
                + LIMIT
                // the test counts warnings, which the tests' simplelogger.properties hides
                + " && exec \"$0\" -Xmx64m -XX:TieredStopAtLevel=1"
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp \"$CP\" "
                + LowLimitServer.class.getName()
                + " "
                + RISEUP,
            java);
    pb.environment().put("CP", childClassPath());
    pb.redirectError(log.toFile());
    Process child = pb.start();
    List<Socket> clients = new ArrayList<>();
    try {
      BufferedReader stdout =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String first = stdout.readLine();
      assertTrue(first != null && first.startsWith("port "), first + ": " + Files.readString(log));
      int port = Integer.parseInt(first.substring(5).trim());

      for (int i = 0; i < CLIENTS; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        clients.add(s);
      }
      // Exhausted: let the acceptor fail for a while, then count what it wrote and spent.
      long cpuBefore = cpuMillis(child.pid());
      Thread.sleep(1000);
      long linesBefore = acceptFailures(log);
      long start = System.nanoTime();
      Thread.sleep(3000);
      double seconds = (System.nanoTime() - start) / 1e9;
      long lines = acceptFailures(log) - linesBefore;
      long cpu = cpuMillis(child.pid()) - cpuBefore;
      System.out.printf(
          "under fd exhaustion: %d accept-failure log lines in %.1f s; child CPU %d ms in %.1f s%n",
          lines, seconds, cpu, seconds + 1);
      assertTrue(
          acceptFailures(log) >= 1, "the exhaustion was never hit: " + Files.readString(log));
      assertTrue(lines <= 2, lines + " log lines in " + seconds + " s");
      assertTrue(cpu < 2000, "the acceptor spins: " + cpu + " ms CPU in 4 s");

      for (Socket s : clients) {
        s.close();
      }
      clients.clear();
      // Descriptors are free again: a fresh client is answered (within the 1 s back-off, with
      // margin).
      String reply = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reply == null && System.nanoTime() < deadline) {
        try (Socket fresh = new Socket(InetAddress.getLoopbackAddress(), port)) {
          fresh.setSoTimeout(5000);
          OutputStream out = fresh.getOutputStream();
          out.write("get pinned.example\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          reply =
              new BufferedReader(
                      new InputStreamReader(fresh.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine();
        } catch (IOException e) {
          Thread.sleep(200);
        }
      }
      assertEquals("200 smtptor:[" + RISEUP + "]:25", reply, Files.readString(log));
    } finally {
      for (Socket s : clients) {
        s.close();
      }
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  private static long acceptFailures(Path log) throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("accept failed")).count();
    }
  }

  /** User plus system CPU time of a process, from /proc (Linux). */
  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10; // USER_HZ is 100 on Linux
  }
}
