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
import org.onionmx.jakarta.mail.OnionSmtp;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.smtp.PostfixSmtpSink;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.TorSocksConnector;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Delivery throughput, single sender, 2 KB messages, into one local receiver, measured in one run:
 *
 * <ol>
 *   <li>(a) {@link OnionMailer} through {@link FakeTorProxy} (a SOCKS5 hop like Tor's), reusing its
 *       session, pipelining where the receiver offers it (the default);
 *   <li>(a1) the same with pipelining off: Angus's own command-by-command dialogue;
 *   <li>(a0) (a), but with a stream opener that connects straight to the receiver: the library's
 *       own cost, without the proxy hop;
 *   <li>(b1) Angus {@code smtp} straight to the receiver on one reused, connected transport (the
 *       strict baseline: no proxy hop, no connection set-up; Angus does not pipeline);
 *   <li>(b2) Angus {@code Transport.send} straight to the receiver, a new connection per message;
 *   <li>(c) Angus with {@code mail.smtp.socks.host} through the same proxy, a new connection per
 *       message, as {@code torsocks -i smtp} does;
 *   <li>(d) {@code Transport.send} per message over {@code onion-smtp} through the same proxy: a
 *       new transport per call, as most applications send (the shared stack reuses the session);
 *   <li>(e) one connected {@code onion-smtp} transport sending every message (with {@code
 *       saveChanges()} before each, as Jakarta Mail asks of {@code sendMessage} callers and as
 *       (d) and (f) do);
 *   <li>(f) Spring's {@code JavaMailSenderImpl.send} per message over {@code onion-smtp} (Spring
 *       connects and closes a transport per call).
 * </ol>
 *
 * <p>The receiver is GreenMail (which does not offer PIPELINING), Postfix's {@code smtp-sink}
 * (which does, like every MTA the onionmx peers run), or both in turn.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.onionmx.bench.DeliveryBenchmark
 * [messages [rounds [greenmail|smtp-sink|both]]]}. Not a test; the numbers depend on the machine.
 * Angus's SOCKS path looks the onion name up locally before it hands it to the proxy; so that the
 * benchmark sends no DNS question, this program points the JDK at an empty hosts file ({@code
 * jdk.net.hosts.file}) before any look-up, so the look-up fails at once and the JDK passes the name
 * to the proxy.
 */
public final class DeliveryBenchmark {
  private static final String ONION =
      "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  private static final String RECIPIENT = "bob@example.org";

  private DeliveryBenchmark() {}

  /** A receiver that counts what it took. */
  private interface Sink extends AutoCloseable {
    String name();

    int port();

    /** Checks that {@code n} more messages arrived since the last call, and resets. */
    void expect(String run, int n) throws Exception;

    @Override
    void close();
  }

  /** Runs the measurements against each receiver and prints messages per second and the ratios. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.net.hosts.file") == null) {
      Path hosts = Files.createTempFile("onionmx-bench-hosts", "");
      hosts.toFile().deleteOnExit();
      System.setProperty("jdk.net.hosts.file", hosts.toString());
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String which = args.length > 2 ? args[2] : "both";
    if (!List.of("greenmail", "smtp-sink", "both").contains(which)) {
      throw new IllegalArgumentException("receiver: greenmail, smtp-sink or both, not " + which);
    }
    if (!which.equals("smtp-sink")) {
      try (Sink sink = greenMail()) {
        measure(sink, n, rounds);
      }
    }
    if (!which.equals("greenmail")) {
      try (Sink sink = smtpSink()) {
        measure(sink, n, rounds);
      }
    }
  }

  private static Sink greenMail() {
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    return new Sink() {
      @Override
      public String name() {
        return "GreenMail (no PIPELINING)";
      }

      @Override
      public int port() {
        return greenMail.getSmtp().getPort();
      }

      @Override
      public void expect(String run, int n) throws Exception {
        int got = greenMail.getReceivedMessages().length;
        greenMail.purgeEmailFromAllMailboxes();
        if (got != n) {
          throw new IllegalStateException(run + ": GreenMail received " + got + " of " + n);
        }
      }

      @Override
      public void close() {
        greenMail.stop();
      }
    };
  }

  private static Sink smtpSink() throws IOException {
    PostfixSmtpSink sink = PostfixSmtpSink.start();
    return new Sink() {
      private int seen;

      @Override
      public String name() {
        return "Postfix smtp-sink (PIPELINING)";
      }

      @Override
      public int port() {
        return sink.port();
      }

      @Override
      public void expect(String run, int n) throws InterruptedException {
        int got = sink.awaitReceived(seen + n, 5000) - seen;
        seen += got;
        if (got != n) {
          throw new IllegalStateException(run + ": smtp-sink received " + got + " of " + n);
        }
      }

      @Override
      public void close() {
        sink.close();
      }
    };
  }

  private static void measure(Sink sink, int n, int rounds) throws Exception {
    System.out.printf(
        "%n== receiver: %s, %d messages per run, %d rounds%n", sink.name(), n, rounds);
    int warmup = Math.max(100, n / 5);
    byte[] raw = message();
    int smtpPort = sink.port();
    try (FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(ONION, smtpPort);
      Resolution.Routed route =
          new Resolution.Routed(
              "example.org",
              List.of(new OnionTarget(OnionAddress.parse(ONION), 25)),
              RouteSource.MAP,
              Instant.MAX);
      Envelope envelope = Envelope.of("alice@sender.example", RECIPIENT);
      TorSocksConnector connector =
          TorSocksConnector.newBuilder()
              .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
              .build();

      try (OnionMailer mailer = OnionMailer.newBuilder().streamOpener(connector).build();
          OnionMailer unpipelined =
              OnionMailer.newBuilder().streamOpener(connector).pipelining(false).build();
          OnionMailer directMailer =
              OnionMailer.newBuilder()
                  .streamOpener(
                      (host, port, key) ->
                          new java.net.Socket(
                              InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), smtpPort))
                  .build()) {
        Task onion = () -> deliver(mailer, route, envelope, raw);
        Task onionUnpipelined = () -> deliver(unpipelined, route, envelope, raw);
        Task onionNoProxy = () -> deliver(directMailer, route, envelope, raw);
        Session direct = Session.getInstance(props("127.0.0.1", smtpPort));
        MimeMessage directMessage = parse(direct, raw);
        Transport reused = direct.getTransport("smtp");
        reused.connect();
        Task angusReused =
            () -> reused.sendMessage(directMessage, directMessage.getAllRecipients());
        Task angusPerMessage = () -> Transport.send(directMessage);
        Properties socks = props(ONION, 25);
        socks.put("mail.smtp.socks.host", "127.0.0.1");
        socks.put("mail.smtp.socks.port", String.valueOf(proxy.port()));
        MimeMessage socksMessage = parse(Session.getInstance(socks), raw);
        Task angusSocks = () -> Transport.send(socksMessage);
        Path map = Files.createTempFile("onionmx-bench-map", ".yml");
        Files.writeString(map, "'" + ONION + "': [example.org]\n");
        Properties onionProps = OnionSmtp.useForAllMail(props("127.0.0.1", smtpPort));
        onionProps.put("mail.onion-smtp.socks.host", "127.0.0.1");
        onionProps.put("mail.onion-smtp.socks.port", String.valueOf(proxy.port()));
        onionProps.put("mail.onion-smtp.map", map.toString());
        onionProps.put("mail.onion-smtp.srv", "false");
        Session onionSession = Session.getInstance(onionProps);
        MimeMessage onionMessage = parse(onionSession, raw);
        Task adapterPerCall = () -> Transport.send(onionMessage);
        Transport connected = onionSession.getTransport();
        connected.connect();
        Task adapterConnected = // saveChanges, as Transport.send and Spring do before sending
            () -> {
              onionMessage.saveChanges();
              connected.sendMessage(onionMessage, onionMessage.getAllRecipients());
            };
        JavaMailSenderImpl spring = new JavaMailSenderImpl();
        spring.setProtocol(OnionSmtp.PROTOCOL);
        Properties springProps = new Properties();
        onionProps.forEach(
            (k, v) -> {
              if (k.toString().startsWith("mail.onion-smtp.") || k.equals("mail.from")) {
                springProps.put(k, v);
              }
            });
        spring.setJavaMailProperties(springProps); // no spring.mail.host: onion-only needs none
        MimeMessage springMessage = parse(spring.getSession(), raw);
        Task springPerCall = () -> spring.send(springMessage);

        int slow = Math.max(50, n / 20); // connect-per-message runs are ~100x slower
        double[][] rates = new double[9][rounds];
        for (int round = 0; round < rounds; round++) { // interleaved, to share the machine's noise
          System.out.printf("round %d of %d%n", round + 1, rounds);
          rates[0][round] =
              run("(a)  OnionMailer, session reuse, via SOCKS", onion, warmup, n, sink);
          rates[5][round] = run("(a1) the same, pipelining off", onionUnpipelined, warmup, n, sink);
          rates[1][round] =
              run("(a0) OnionMailer, session reuse, no proxy hop", onionNoProxy, warmup, n, sink);
          rates[2][round] =
              run("(b1) Angus smtp direct, reused transport", angusReused, warmup, n, sink);
          rates[3][round] =
              run("(b2) Angus smtp direct, connect per message", angusPerMessage, 5, slow, sink);
          rates[4][round] =
              run("(c)  Angus smtp via socks.host, connect per message", angusSocks, 5, slow, sink);
          rates[6][round] =
              run("(d)  onion-smtp, Transport.send per message", adapterPerCall, warmup, n, sink);
          rates[7][round] =
              run("(e)  onion-smtp, one connected transport", adapterConnected, warmup, n, sink);
          rates[8][round] =
              run("(f)  onion-smtp, Spring JavaMailSenderImpl.send", springPerCall, warmup, n, sink);
          warmup = 20;
        }
        reused.close();
        connected.close();
        OnionSmtp.shutdown();
        Files.deleteIfExists(map);
        double a = median(rates[0]);
        double a1 = median(rates[5]);
        double a0 = median(rates[1]);
        double b1 = median(rates[2]);
        double b2 = median(rates[3]);
        double c = median(rates[4]);
        System.out.printf(
            "%s, medians over %d rounds, msg/s: a=%.1f a1=%.1f a0=%.1f b1=%.1f b2=%.1f c=%.1f%n",
            sink.name(), rounds, a, a1, a0, b1, b2, c);
        System.out.printf(
            "SOCKS CONNECTs by (a) and (a1): 2 expected, saw %d over the whole run%n",
            proxy.connects().stream()
                .filter(r -> r.username() != null && r.username().length() == 32)
                .count());
        double[] ab1 = new double[rounds];
        double[] a1b1 = new double[rounds];
        double[] a0b1 = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          ab1[round] = rates[0][round] / rates[2][round];
          a1b1[round] = rates[5][round] / rates[2][round];
          a0b1[round] = rates[1][round] / rates[2][round];
        }
        System.out.printf(
            "a/b1  = %.2f of medians; per round median %.2f, min %.2f, max %.2f"
                + "  (goal >= 0.85; strict baseline: reused transport, no proxy hop)%n",
            a / b1, median(ab1), min(ab1), max(ab1));
        System.out.printf(
            "a1/b1 = %.2f of medians; per round median %.2f  (without pipelining)%n",
            a1 / b1, median(a1b1));
        System.out.printf(
            "a0/b1 = %.2f of medians; per round median %.2f  (the library alone, no hop)%n",
            a0 / b1, median(a0b1));
        System.out.printf("a/b2  = %.2f  (against a new direct connection per message)%n", a / b2);
        System.out.printf("a/c   = %.2f  (goal >= 3)%n", a / c);
        double d = median(rates[6]);
        double e = median(rates[7]);
        double f = median(rates[8]);
        double[] de = new double[rounds];
        double[] fe = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          de[round] = rates[6][round] / rates[7][round];
          fe[round] = rates[8][round] / rates[7][round];
        }
        System.out.printf("onion-smtp msg/s: d=%.1f e=%.1f f=%.1f%n", d, e, f);
        System.out.printf(
            "d/c   = %.2f  (Transport.send per message against Angus via socks.host; goal >= 3)%n",
            d / c);
        System.out.printf(
            "d/e   = %.2f of medians; per round median %.2f, min %.2f"
                + "  (against one connected transport; goal >= 0.85)%n",
            d / e, median(de), min(de));
        System.out.printf("f/c   = %.2f  (Spring per message against (c); goal >= 3)%n", f / c);
        System.out.printf(
            "f/e   = %.2f of medians; per round median %.2f, min %.2f  (goal >= 0.85)%n",
            f / e, median(fe), min(fe));
      }
    }
  }

  private static void deliver(
      OnionMailer mailer, Resolution.Routed route, Envelope envelope, byte[] raw) {
    DeliveryReport r = mailer.deliver(route, envelope, raw);
    if (!r.allAccepted()) {
      throw new IllegalStateException(r.toString());
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(Double.NaN);
  }

  @FunctionalInterface
  private interface Task {
    void run() throws Exception;
  }

  private static double run(String name, Task task, int warmup, int n, Sink sink) throws Exception {
    for (int i = 0; i < warmup; i++) {
      task.run();
    }
    sink.expect(name + " warm-up", warmup);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      task.run();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    double rate = n / (took.toNanos() / 1e9);
    sink.expect(name, n);
    System.out.printf(
        "%-55s %8.1f msg/s  (%d messages in %d ms)%n", name, rate, n, took.toMillis());
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
