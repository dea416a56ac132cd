package org.onionmx.testing.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.onionmx.testing.Processes;

/**
 * Postfix's {@code smtp-sink} (Debian package {@code postfix}) on 127.0.0.1: a real MTA's SMTP
 * server code that offers PIPELINING, 8BITMIME and DSN, answers as fast as an SMTP server can, and
 * can keep each message it takes as a file. For tests and benchmarks that need a receiver other
 * than GreenMail (which does not offer PIPELINING).
 *
 * <p>The count of messages comes from {@code smtp-sink -c}'s running counters; the kept messages
 * ({@link #messages()}) from {@code -d}, as the sink writes them: its own header lines ({@code
 * X-Client-Addr}, {@code X-Mail-Args}, {@code X-Rcpt-Args}, a {@code Received} line) before the
 * message, lines ended by LF, dots unstuffed.
 */
public final class PostfixSmtpSink implements AutoCloseable {
  private static final Pattern COUNTERS = Pattern.compile("sess=(\\d+) quit=(\\d+) mesg=(\\d+)");

  private final Process process;
  private final int port;
  private final Path dumps;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Object counters = new Object();
  private final Thread reader;

  private PostfixSmtpSink(Process process, int port, Path dumps) {
    this.process = process;
    this.port = port;
    this.dumps = dumps;
    this.reader = new Thread(this::readCounters, "smtp-sink-counters");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a sink that counts messages without keeping them. */
  public static PostfixSmtpSink start() throws IOException {
    return start(null);
  }

  /**
   * Starts a sink that keeps each message as a file in {@code dumps} (created if missing), or keeps
   * none if null, with more {@code smtp-sink} options: {@code -r rcpt} answers RCPT TO with 450,
   * {@code -f mail} answers MAIL FROM with 500, {@code -p} does not offer PIPELINING (see
   * smtp-sink(1)).
   *
   * @throws IllegalStateException if {@code smtp-sink} is not installed
   */
  public static PostfixSmtpSink start(Path dumps, String... options) throws IOException {
    String bin = Processes.binary("smtp-sink", "apt-get install postfix");
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(bin, "-c"));
    if ("root".equals(System.getProperty("user.name"))) {
      // smtp-sink insists on a user to run as under root; this one can write the test's directory
      command.addAll(List.of("-u", "root"));
    }
    if (dumps != null) {
      Files.createDirectories(dumps);
      command.addAll(List.of("-d", dumps.resolve("%Y%m%d%H%M%S.").toString()));
    }
    command.addAll(List.of(options));
    command.addAll(List.of("127.0.0.1:" + port, "256"));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Processes.nullFile()))
            .start();
    PostfixSmtpSink sink = new PostfixSmtpSink(p, port, dumps);
    sink.awaitListening();
    return sink;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The number of messages taken (a "." answered) so far, as the sink counts them. */
  public int received() {
    return received.get();
  }

  /**
   * Waits until the sink has counted {@code n} messages; the counters are printed a moment after
   * the reply.
   *
   * @return the count reached (less than {@code n} if the wait timed out)
   */
  public int awaitReceived(int n, long timeoutMillis) throws InterruptedException {
    return await(received, n, timeoutMillis);
  }

  /**
   * The number of SMTP sessions ended so far, the start-up probe's included: exactly 1 right after
   * {@link #start} returns.
   */
  public int sessions() {
    return sessions.get();
  }

  /**
   * Waits until {@code n} sessions have ended (the start-up probe's included); after that, {@link
   * #received()} counts everything those sessions sent.
   *
   * @return the count reached (less than {@code n} if the wait timed out)
   */
  public int awaitSessions(int n, long timeoutMillis) throws InterruptedException {
    return await(sessions, n, timeoutMillis);
  }

  private int await(AtomicInteger counter, int n, long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (counters) {
      while (counter.get() < n && System.nanoTime() < end) {
        counters.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      }
    }
    return counter.get();
  }

  /** The kept messages as the sink wrote them (UTF-8), oldest first; empty without a directory. */
  public List<String> messages() throws IOException {
    if (dumps == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dumps)) {
      List<Path> sorted = files.sorted().toList();
      List<String> out = new ArrayList<>();
      for (Path f : sorted) {
        out.add(Files.readString(f, StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  /** Stops the sink (the only process it ends is the one it started). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readCounters() {
    StringBuilder line = new StringBuilder();
    try (InputStream in = process.getInputStream()) {
      int c;
      while ((c = in.read()) >= 0) {
        if (c != '\r' && c != '\n') {
          line.append((char) c);
          continue;
        }
        Matcher m = COUNTERS.matcher(line);
        if (m.find()) {
          synchronized (counters) {
            sessions.set(Integer.parseInt(m.group(1)));
            received.set(Integer.parseInt(m.group(3)));
            counters.notifyAll();
          }
        }
        line.setLength(0);
      }
    } catch (IOException e) {
      // the sink ended
    }
  }

  private void awaitListening() throws IOException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("smtp-sink exited with status " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          close();
          throw new IOException("smtp-sink did not listen on 127.0.0.1:" + port + " in 10 s", e);
        }
        pause();
        continue;
      }
      // The probe is a session too, counted a moment after it ends: wait for it, so that
      // sessions() read after start() is exact and a test's own session is never mistaken for it.
      try {
        if (await(sessions, 1, 10_000) < 1) {
          close();
          throw new IOException("smtp-sink did not count its start-up probe in 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return;
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
