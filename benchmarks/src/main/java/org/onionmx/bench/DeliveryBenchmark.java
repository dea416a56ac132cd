package org.onionmx.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.TorSocksConnector;

/**
 * Delivery throughput, single sender, 2 KB messages, into one local GreenMail, measured in one run:
 *
 * <ol>
 *   <li>(a) {@link OnionMailer} through {@link FakeTorProxy} (a SOCKS5 hop like Tor's), reusing
 *       its session;
 *   <li>(a0) the same, but with a stream opener that connects straight to GreenMail: the
 *       library's own cost, without the proxy hop;
 *   <li>(b1) Angus {@code smtp} straight to GreenMail on one reused, connected transport (the
 *       strict baseline: no proxy hop, no connection set-up);
 *   <li>(b2) Angus {@code Transport.send} straight to GreenMail, a new connection per message;
 *   <li>(c) Angus with {@code mail.smtp.socks.host} through the same proxy, a new connection per
 *       message, as {@code torsocks -i smtp} does.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.onionmx.bench.DeliveryBenchmark
 * [messages [rounds]]}. Not a test; the numbers depend on the machine. Angus's SOCKS path looks the onion
 * name up locally before it hands it to the proxy; so that the benchmark sends no DNS question,
 * this program points the JDK at an empty hosts file ({@code jdk.net.hosts.file}) before any look-
 * up, so the look-up fails at once and the JDK passes the name to the proxy.
 */
public final class DeliveryBenchmark {
  private static final String ONION =
      "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  private static final String RECIPIENT = "bob@example.org";

  private DeliveryBenchmark() {}

  /** Runs the four measurements and prints messages per second and the ratios. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.net.hosts.file") == null) {
      Path hosts = Files.createTempFile("onionmx-bench-hosts", "");
      hosts.toFile().deleteOnExit();
      System.setProperty("jdk.net.hosts.file", hosts.toString());
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int warmup = Math.max(100, n / 5);
    byte[] raw = message();

    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    int smtpPort = greenMail.getSmtp().getPort();
    try (FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(ONION, smtpPort);
      Resolution.Routed route =
          new Resolution.Routed(
              "example.org",
              List.of(new OnionTarget(OnionAddress.parse(ONION), 25)),
              RouteSource.MAP,
              Instant.MAX);
      Envelope envelope = Envelope.of("alice@sender.example", RECIPIENT);

      try (OnionMailer mailer =
          OnionMailer.newBuilder()
              .streamOpener(
                  TorSocksConnector.newBuilder()
                      .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
                      .build())
              .build()) {
        Task onion =
            () -> {
              DeliveryReport r = mailer.deliver(route, envelope, raw);
              if (!r.allAccepted()) {
                throw new IllegalStateException(r.toString());
              }
            };
        OnionMailer directMailer =
            OnionMailer.newBuilder()
                .streamOpener(
                    (host, port, key) ->
                        new java.net.Socket(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), smtpPort))
                .build();
        Task onionNoProxy =
            () -> {
              DeliveryReport r = directMailer.deliver(route, envelope, raw);
              if (!r.allAccepted()) {
                throw new IllegalStateException(r.toString());
              }
            };
        Session direct = session(props("127.0.0.1", smtpPort));
        MimeMessage directMessage = parse(direct, raw);
        Transport reused = direct.getTransport("smtp");
        reused.connect();
        Task angusReused = () -> reused.sendMessage(directMessage, directMessage.getAllRecipients());
        Task angusPerMessage = () -> Transport.send(directMessage);
        Properties socks = props(ONION, 25);
        socks.put("mail.smtp.socks.host", "127.0.0.1");
        socks.put("mail.smtp.socks.port", String.valueOf(proxy.port()));
        Session viaSocks = session(socks);
        MimeMessage socksMessage = parse(viaSocks, raw);
        Task angusSocks = () -> Transport.send(socksMessage);

        int slow = Math.max(50, n / 20); // connect-per-message runs are ~100x slower
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        double[][] rates = new double[6][rounds];
        for (int round = 0; round < rounds; round++) { // interleaved, to share the machine's noise
          System.out.printf("round %d of %d%n", round + 1, rounds);
          rates[0][round] = run("(a)  OnionMailer, session reuse, via SOCKS", onion, warmup, n, greenMail);
          rates[1][round] = run("(a0) OnionMailer, session reuse, no proxy hop", onionNoProxy, warmup, n, greenMail);
          rates[2][round] = run("(b1) Angus smtp direct, reused transport", angusReused, warmup, n, greenMail);
          rates[3][round] = run("(b2) Angus smtp direct, connect per message", angusPerMessage, 5, slow, greenMail);
          rates[4][round] = run("(c)  Angus smtp via socks.host, connect per message", angusSocks, 5, slow, greenMail);
          warmup = 20;
        }
        directMailer.close();
        double a = median(rates[0]);
        double a0 = median(rates[1]);
        double b1 = median(rates[2]);
        double b2 = median(rates[3]);
        double c = median(rates[4]);
        System.out.printf("medians over %d rounds, msg/s: a=%.1f a0=%.1f b1=%.1f b2=%.1f c=%.1f%n",
            rounds, a, a0, b1, b2, c);
        reused.close();
        System.out.printf("SOCKS CONNECTs by (a): 1 expected, saw %d over the whole run%n",
            proxy.connects().stream().filter(r -> r.username() != null && r.username().length() == 32).count());
        double[] ab1 = new double[rounds];
        double[] a0b1 = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          ab1[round] = rates[0][round] / rates[2][round];
          a0b1[round] = rates[1][round] / rates[2][round];
        }
        System.out.printf(
            "a/b1  = %.2f of medians; per round median %.2f, best %.2f"
                + "  (goal >= 0.85; strict baseline: reused transport, no proxy hop)%n",
            a / b1, median(ab1), max(ab1));
        System.out.printf(
            "a0/b1 = %.2f of medians; per round median %.2f, best %.2f"
                + "  (the library alone on b1's path)%n",
            a0 / b1, median(a0b1), max(a0b1));
        System.out.printf("a/b2  = %.2f  (against a new direct connection per message)%n", a / b2);
        System.out.printf("a/c   = %.2f  (goal >= 3)%n", a / c);
      }
    } finally {
      greenMail.stop();
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(Double.NaN);
  }

  @FunctionalInterface
  private interface Task {
    void run() throws Exception;
  }

  private static double run(String name, Task task, int warmup, int n, GreenMail greenMail)
      throws Exception {
    for (int i = 0; i < warmup; i++) {
      task.run();
    }
    greenMail.purgeEmailFromAllMailboxes();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      task.run();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    double rate = n / (took.toNanos() / 1e9);
    if (greenMail.getReceivedMessages().length != n) {
      throw new IllegalStateException(
          name + ": GreenMail received " + greenMail.getReceivedMessages().length + " of " + n);
    }
    System.out.printf("%-55s %8.1f msg/s  (%d messages in %d ms)%n", name, rate, n, took.toMillis());
    greenMail.purgeEmailFromAllMailboxes();
    return rate;
  }

  private static Properties props(String host, int port) {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", String.valueOf(port));
    p.put("mail.smtp.localhost", "[127.0.0.1]");
    p.put("mail.from", "alice@sender.example");
    return p;
  }

  private static Session session(Properties p) {
    return Session.getInstance(p);
  }

  private static MimeMessage parse(Session session, byte[] raw) throws MessagingException {
    return new MimeMessage(session, new ByteArrayInputStream(raw));
  }

  private static byte[] message() throws IOException {
    StringBuilder body = new StringBuilder();
    while (body.length() < 2000) {
      body.append("The quick brown fox jumps over the lazy dog, over Tor. 0123456789\r\n");
    }
    String text =
        "From: alice@sender.example\r\n"
            + "To: "
            + RECIPIENT
            + "\r\n"
            + "Subject: benchmark\r\n"
            + "Message-ID: <bench@sender.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "\r\n"
            + body;
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
