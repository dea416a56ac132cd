package org.onionmx.jakarta.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.ConnectRequest;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.TorSocksConnector;

/**
 * The child side of {@link LeakHarnessIT}: run inside a network namespace whose system resolver is
 * 127.0.0.1:53, it starts the only endpoints there are (a logging DNS server on port 53, a second
 * logging DNS server as the configured SRV resolver, the fake Tor proxy and an SMTP sink behind
 * it), sends mail in one mode, and prints what every endpoint saw, one fact per line:
 *
 * <pre>
 * PORTS socks=&lt;port&gt; sink=&lt;port&gt; dns=&lt;port&gt;
 * SYSTEM-DNS &lt;name&gt; &lt;type&gt;       a question to the system resolver (port 53)
 * CONFIGURED-DNS &lt;name&gt; &lt;type&gt;   a question to the configured SRV resolver
 * SOCKS &lt;host&gt;:&lt;port&gt;            a CONNECT the proxy received
 * DELIVERED &lt;n&gt;                     messages the sink holds
 * OUTCOME &lt;text&gt;                    what the sender was told
 * END
 * </pre>
 *
 * Modes: {@code core-map}, {@code core-map-plain-message} (the core saving a plain {@code
 * MimeMessage}), {@code jakarta-map}, {@code jakarta-map-mail-from} (the same with {@code
 * mail.from} in the session), {@code jakarta-srv}, {@code jakarta-srv-over-tor} (SRV as DNS over
 * Tor, {@code mail.from} set), and {@code angus-socks}, the control that must leak (Angus Mail's
 * own SOCKS path resolves the onion name locally).
 */
final class LeakProbe {
  static final String SERVICE_ID = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid";
  static final String ONION = SERVICE_ID + ".onion";
  static final String MX = "mx." + ONION;
  static final String PINNED = "pinned.example";
  static final String SRV = "srv.example";
  static final String UNMAPPED = "clear.example";
  static final String SENDER = "alice@sender.example";

  private LeakProbe() {}

  /** Runs the mode {@code args[0]}, prints what was seen, and exits 0 (the harness judges). */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String mode = args[0];
    try (FakeDnsServer system = FakeDnsServer.start(53);
        FakeDnsServer configured = FakeDnsServer.start();
        ScriptedSmtpServer sink = ScriptedSmtpServer.start();
        FakeTorProxy tor = FakeTorProxy.start()) {
      configured.add("_onion-mx._tcp." + SRV + ". 300 IN SRV 0 5 25 " + MX + ".");
      tor.route(MX, sink.port()).route(ONION, sink.port());
      out.printf("PORTS socks=%d sink=%d dns=%d%n", tor.port(), sink.port(), configured.port());
      try {
        switch (mode) {
          case "core-map" -> coreMap(tor, out, false);
          case "core-map-plain-message" -> coreMap(tor, out, true);
          case "jakarta-map" -> jakarta(tor, configured, false, false, out);
          case "jakarta-map-mail-from" -> jakarta(tor, configured, false, true, out);
          case "jakarta-srv" -> jakarta(tor, configured, true, false, out);
          case "jakarta-srv-over-tor" -> {
            tor.route("127.0.0.1", configured.port()); // the "exit" to the configured server
            jakarta(tor, configured, true, true, out, true);
          }
          case "angus-socks" -> angusSocks(tor, out);
          default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
      } catch (MessagingException | RuntimeException e) {
        out.println("OUTCOME " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
      }
      for (FakeDnsServer.Query q : system.queries()) {
        out.println("SYSTEM-DNS " + q.name() + " " + q.type());
      }
      for (FakeDnsServer.Query q : configured.queries()) {
        out.println("CONFIGURED-DNS " + q.name() + " " + q.type());
      }
      for (ConnectRequest r : tor.connects()) {
        out.println("SOCKS " + r.destination());
      }
      out.println("DELIVERED " + sink.transactions().size());
    }
    out.println("END");
    System.exit(0);
  }

  /**
   * The core mailer, a resolver with a pinned map and SRV off, one onion recipient domain too; the
   * message from {@code OnionMailer.newMessage()}, or with {@code plain} a {@code MimeMessage} of a
   * Session without {@code mail.from} or {@code mail.host}, which the mailer saves.
   */
  private static void coreMap(FakeTorProxy tor, PrintStream out, boolean plain) throws Exception {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(Map.of(PINNED, new OnionTarget(OnionAddress.parse(MX), 25))))
            .srv(false)
            .build();
    try (OnionMailer mailer =
        OnionMailer.newBuilder()
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), tor.port())
                    .connectTimeout(Duration.ofSeconds(2))
                    .build())
            .readTimeout(Duration.ofSeconds(5))
            .build()) {
      for (String domain : List.of(PINNED, ONION, UNMAPPED)) {
        Resolution resolution = resolver.resolve(domain);
        if (resolution instanceof Resolution.Routed routed) {
          MimeMessage m =
              plain ? new MimeMessage(Session.getInstance(new Properties())) : mailer.newMessage();
          m.setFrom(new InternetAddress(SENDER));
          m.setText("leak probe");
          DeliveryReport report =
              mailer.deliver(routed, new Envelope(SENDER, List.of("bob@" + domain)), m);
          out.println(
              "OUTCOME " + domain + " " + report.results().get(0).getClass().getSimpleName());
        } else {
          out.println("OUTCOME " + domain + " " + resolution.getClass().getSimpleName());
        }
      }
    }
  }

  /**
   * The Jakarta Mail provider, onion-only, by {@code Transport.send}; with {@code mailFrom} the
   * session sets {@code mail.from}, which keeps Jakarta Mail's Message-ID from naming (and looking
   * up) the local host.
   */
  private static void jakarta(
      FakeTorProxy tor, FakeDnsServer configured, boolean srv, boolean mailFrom, PrintStream out)
      throws Exception {
    jakarta(tor, configured, srv, mailFrom, out, false);
  }

  /** As above; with {@code overTor} the SRV look-ups go as DNS over TCP through the proxy. */
  private static void jakarta(
      FakeTorProxy tor,
      FakeDnsServer configured,
      boolean srv,
      boolean mailFrom,
      PrintStream out,
      boolean overTor)
      throws Exception {
    Path map = Files.createTempFile("leak-probe-map", ".yml");
    Files.writeString(map, "'" + MX + "': [" + PINNED + "]\n");
    Properties p = new Properties();
    p.setProperty("mail.onion-smtp.socks.host", "127.0.0.1");
    p.setProperty("mail.onion-smtp.socks.port", String.valueOf(tor.port()));
    p.setProperty("mail.onion-smtp.policy", "onion-only");
    p.setProperty("mail.onion-smtp.timeout", "5000");
    if (mailFrom) {
      p.setProperty("mail.from", SENDER);
    }
    if (srv) {
      p.setProperty("mail.onion-smtp.map", "none");
      p.setProperty("mail.onion-smtp.srv", "true");
      p.setProperty("mail.onion-smtp.dns.servers", "127.0.0.1:" + configured.port());
      p.setProperty("mail.onion-smtp.dnssec", "off");
      p.setProperty("mail.onion-smtp.dns.over-tor", String.valueOf(overTor));
    } else {
      p.setProperty("mail.onion-smtp.map", map.toString());
      p.setProperty("mail.onion-smtp.srv", "false");
    }
    Session session = Session.getInstance(OnionSmtp.useForAllMail(p));
    List<String> domains = srv ? List.of(SRV, ONION, UNMAPPED) : List.of(PINNED, ONION, UNMAPPED);
    for (String domain : domains) {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(SENDER));
      m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + domain));
      m.setText("leak probe");
      try {
        Transport.send(m);
        out.println("OUTCOME " + domain + " sent");
      } catch (MessagingException e) {
        out.println("OUTCOME " + domain + " " + e.getClass().getSimpleName());
      }
    }
    Files.delete(map);
  }

  /** The control: Angus Mail's own SOCKS support, which looks the onion name up locally. */
  private static void angusSocks(FakeTorProxy tor, PrintStream out) throws Exception {
    Properties p = new Properties();
    p.setProperty("mail.smtp.host", MX);
    p.setProperty("mail.smtp.port", "25");
    p.setProperty("mail.smtp.socks.host", "127.0.0.1");
    p.setProperty("mail.smtp.socks.port", String.valueOf(tor.port()));
    p.setProperty("mail.smtp.connectiontimeout", "3000");
    p.setProperty("mail.smtp.timeout", "3000");
    p.setProperty("mail.smtp.localhost", "probe.invalid");
    p.setProperty("mail.from", SENDER);
    Session session = Session.getInstance(p);
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + PINNED));
    m.setText("leak probe");
    Instant start = Instant.now();
    try {
      Transport.send(m);
      out.println("OUTCOME angus sent");
    } catch (MessagingException e) {
      out.println(
          "OUTCOME angus "
              + e.getClass().getSimpleName()
              + " after "
              + Duration.between(start, Instant.now()).toMillis()
              + " ms");
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ");
  }
}
