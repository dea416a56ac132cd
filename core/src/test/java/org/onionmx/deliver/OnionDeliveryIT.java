package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.dns.KnotDnsServer;
import org.onionmx.testing.smtp.PostfixSmtpSink;
import org.onionmx.testing.tor.PrivateTorNetwork;
import org.onionmx.tor.BootstrapStatus;
import org.onionmx.tor.IsolationMode;
import org.onionmx.tor.TorControl;
import org.onionmx.tor.TorControlException;
import org.onionmx.tor.TorSocksConnector;

/**
 * Delivery end to end through real Tor: a private Tor network on loopback whose onion service leads
 * to GreenMail (port 25) and to Postfix's smtp-sink (port {@value #POSTFIX_PORT}, which offers
 * PIPELINING as real onion MXs do), and Knot DNS serving the test domain's SRV record, pointing at
 * that onion, in a DNSSEC-signed zone. The network starts once for the class (20 to 45 s).
 */
class OnionDeliveryIT {
  private static final String LABEL = "private-tor";
  private static final String DOMAIN = KnotDnsServer.domain(LABEL);
  private static final int COMPARED_MESSAGES = 100;
  private static final int POSTFIX_PORT = 2525;

  /**
   * The client's SocksTimeout: how long it tries a stopped onion service (Tor's default: 120 s).
   */
  private static final Duration ONION_DOWN_TIMEOUT = Duration.ofSeconds(15);

  private static GreenMail greenMail;
  private static PostfixSmtpSink postfix;
  private static PrivateTorNetwork tor;
  private static KnotDnsServer dns;

  @BeforeAll
  static void startNetwork() throws IOException {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    postfix = PostfixSmtpSink.start();
    tor =
        PrivateTorNetwork.newBuilder()
            .targetPort(greenMail.getSmtp().getPort())
            .servicePort(POSTFIX_PORT, postfix.port())
            .clientSocksTimeout(ONION_DOWN_TIMEOUT)
            .start();
    System.out.println("[OnionDeliveryIT] private Tor network ready: " + tor.timings());
    // the onion is known only now: the signed zone is made for it
    String srv = KnotDnsServer.srvName(LABEL) + " 300 IN SRV 0 5 25 " + tor.onionHostname() + ".";
    dns = KnotDnsServer.newBuilder().record(srv).start();
  }

  @AfterAll
  static void stopNetwork() {
    if (dns != null) {
      dns.close();
    }
    if (tor != null) {
      tor.close();
    }
    if (greenMail != null) {
      greenMail.stop();
    }
    if (postfix != null) {
      postfix.close();
    }
  }

  @BeforeEach
  void emptyMailboxes() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  private static OnionMailer.Builder mailer() throws IOException {
    return OnionMailer.newBuilder()
        .streamOpener(
            TorSocksConnector.newBuilder()
                .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), tor.socksPort())
                .connectTimeout(Duration.ofSeconds(5))
                .socksTimeout(Duration.ofSeconds(60))
                .build())
        .readTimeout(Duration.ofSeconds(60));
  }

  private static Resolution.Routed pinnedRoute() {
    return pinnedRoute(PrivateTorNetwork.ONION_PORT);
  }

  private static Resolution.Routed pinnedRoute(int port) {
    OnionTarget target = new OnionTarget(OnionAddress.parse(tor.onionHostname()), port);
    return new Resolution.Routed(DOMAIN, List.of(target), RouteSource.MAP, Instant.MAX);
  }

  private static byte[] rawMessage(int n) {
    return ("From: alice@sender.example\r\n"
            + "To: bob@"
            + DOMAIN
            + "\r\n"
            + "Subject: message "
            + n
            + "\r\n"
            + "Message-ID: <m"
            + n
            + "@sender.example>\r\n"
            + "\r\n"
            + "body of message "
            + n
            + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void messageWithAttachmentArrivesIntactThroughTheOnionService() throws Exception {
    byte[] attachment = new byte[256 * 1024];
    new Random(7).nextBytes(attachment);
    try (OnionMailer mailer = mailer().build()) {
      MimeMessage message = mailer.newMessage();
      message.setFrom(new InternetAddress("alice@sender.example"));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + DOMAIN));
      message.setSubject("Grüße over a real onion", "UTF-8");
      MimeBodyPart text = new MimeBodyPart();
      text.setText("hello bob, über Tor\r\n", "UTF-8");
      MimeBodyPart file = new MimeBodyPart();
      file.setDataHandler(
          new jakarta.activation.DataHandler(
              new ByteArrayDataSource(attachment, "application/octet-stream")));
      file.setFileName("random.bin");
      message.setContent(new MimeMultipart(text, file));

      DeliveryReport report =
          retryingTor(
              () ->
                  mailer.deliver(
                      pinnedRoute(),
                      Envelope.of("alice@sender.example", "bob@" + DOMAIN),
                      message));

      RecipientResult.Accepted accepted =
          assertInstanceOf(
              RecipientResult.Accepted.class, report.resultFor("bob@" + DOMAIN), report::toString);
      assertEquals(250, accepted.code());
      MimeMessage received = greenMail.getReceivedMessages()[0];
      assertEquals("Grüße over a real onion", received.getSubject());
      assertEquals(message.getMessageID(), received.getMessageID());
      Multipart parts = (Multipart) received.getContent();
      assertEquals("hello bob, über Tor", ((String) parts.getBodyPart(0).getContent()).strip());
      assertEquals("random.bin", parts.getBodyPart(1).getFileName());
      assertArrayEquals(attachment, parts.getBodyPart(1).getInputStream().readAllBytes());
    }
  }

  @Test
  void dnssecValidatedSrvRecordLeadsToTheOnionAndTheMessageArrives() throws Exception {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.empty())
            .dnsServers(List.of(new DnsServer(dns.address(), false)))
            .trustAnchors(dns.trustAnchorDs())
            .dnssec(DnssecPolicy.REQUIRE)
            .timeout(Duration.ofSeconds(2))
            .build();

    Resolution resolution = resolver.resolve(DOMAIN);

    Resolution.Routed route =
        assertInstanceOf(Resolution.Routed.class, resolution, resolution::toString);
    assertEquals(RouteSource.SRV_DNSSEC, route.source(), "validated against the zone's anchor");
    assertEquals(
        List.of(new OnionTarget(OnionAddress.parse(tor.onionHostname()), 25)), route.targets());
    try (OnionMailer mailer = mailer().build()) {
      DeliveryReport report =
          retryingTor(
              () ->
                  mailer.deliver(
                      route, Envelope.of("alice@sender.example", "bob@" + DOMAIN), rawMessage(1)));
      assertTrue(report.allAccepted(), report::toString);
    }
    MimeMessage received = greenMail.getReceivedMessages()[0];
    assertEquals("message 1", received.getSubject());
    assertEquals("body of message 1", ((String) received.getContent()).strip());
  }

  private static TorControl.Builder control() throws IOException {
    return TorControl.newBuilder()
        .address(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), tor.controlPort());
  }

  @Test
  void controlPortWithTheCookieReportsBootstrapDoneAndTheSocksPort() throws Exception {
    List<BootstrapStatus> seen = new ArrayList<>();
    try (TorControl control = control().cookieFile(tor.controlCookie()).connect()) {
      BootstrapStatus status = control.waitForBootstrap(Duration.ofSeconds(10), seen::add);

      assertTrue(status.done(), status::toString);
      assertEquals(List.of(status), seen);
      assertEquals(
          List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), tor.socksPort())),
          control.socksListeners());
      assertEquals(List.of(), control.socksPortsWithoutExtendedErrors());
      String version = control.version();
      assertTrue(version.startsWith("0."), version);
    }
  }

  @Test
  void wrongCookieIsRefusedByTor(@TempDir Path dir) throws Exception {
    Path wrong = Files.write(dir.resolve("cookie"), new byte[32]);
    TorControl.Builder builder = control().cookieFile(wrong);

    TorControlException e = assertThrows(TorControlException.class, builder::connect);

    assertEquals(TorControlException.Kind.AUTHENTICATION_REFUSED, e.kind(), e::toString);
  }

  @Test
  void passwordIsRefusedByATorThatTakesOnlyTheCookie() throws Exception {
    TorControl.Builder builder = control().password("guess");

    TorControlException e = assertThrows(TorControlException.class, builder::connect);

    assertEquals(TorControlException.Kind.AUTHENTICATION_REFUSED, e.kind(), e::toString);
  }

  @Test
  void deliveryGoesOnAfterNewnym() throws Exception {
    try (OnionMailer mailer = mailer().build();
        TorControl control = control().cookieFile(tor.controlCookie()).connect()) {
      Envelope envelope = Envelope.of("alice@sender.example", "bob@" + DOMAIN);
      assertTrue(
          retryingTor(() -> mailer.deliver(pinnedRoute(), envelope, rawMessage(1))).allAccepted());

      control.newnym();

      DeliveryReport report =
          retryingTor(() -> mailer.deliver(pinnedRoute(), envelope, rawMessage(2)));
      assertTrue(report.allAccepted(), report::toString);
    }
    assertEquals(2, greenMail.getReceivedMessages().length);
  }

  @Test
  void stoppedClientTorFailsFastAsTemporaryAndItsControlPortIsGone() throws Exception {
    Envelope envelope = Envelope.of("alice@sender.example", "bob@" + DOMAIN);
    tor.stopClient();
    try {
      try (OnionMailer mailer = mailer().build()) {
        long t0 = System.nanoTime();
        DeliveryReport report = mailer.deliver(pinnedRoute(), envelope, rawMessage(1));
        long millis = (System.nanoTime() - t0) / 1_000_000;

        RecipientResult.Deferred deferred =
            assertInstanceOf(
                RecipientResult.Deferred.class,
                report.resultFor("bob@" + DOMAIN),
                report::toString);
        Failure.Tor failure = assertInstanceOf(Failure.Tor.class, deferred.failure());
        assertTrue(failure.temporary());
        assertTrue(failure.text().contains("no Tor SOCKS listener"), failure::text);
        assertTrue(millis < 2000, millis + " ms");
      }
      TorControlException e = assertThrows(TorControlException.class, control()::connect);
      assertEquals(TorControlException.Kind.NOTHING_LISTENING, e.kind(), e::toString);
    } finally {
      System.out.println("[OnionDeliveryIT] client tor restarted: " + tor.startClient());
    }
    try (OnionMailer mailer = mailer().build()) {
      DeliveryReport report =
          retryingTor(() -> mailer.deliver(pinnedRoute(), envelope, rawMessage(2)));
      assertTrue(report.allAccepted(), report::toString);
    }
  }

  @Test
  void stoppedOnionServiceIsATemporaryTorFailureAndDeliveryWorksOnceItIsBack() throws Exception {
    Envelope envelope = Envelope.of("alice@sender.example", "bob@" + DOMAIN);
    tor.stopOnionService();
    try (OnionMailer mailer = mailer().build()) {
      long t0 = System.nanoTime();
      DeliveryReport report = mailer.deliver(pinnedRoute(), envelope, rawMessage(1));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("[OnionDeliveryIT] onion service down: " + millis + " ms, " + report);

      RecipientResult.Deferred deferred =
          assertInstanceOf(
              RecipientResult.Deferred.class, report.resultFor("bob@" + DOMAIN), report::toString);
      Failure.Tor failure = assertInstanceOf(Failure.Tor.class, deferred.failure());
      assertTrue(failure.temporary(), failure::toString);
      assertTrue(failure.socksCode() > 0, "Tor's answer, not a Java timeout: " + failure);
    } finally {
      System.out.println("[OnionDeliveryIT] onion service restarted: " + tor.startOnionService());
    }
    try (OnionMailer mailer = mailer().build()) {
      DeliveryReport report =
          retryingTor(() -> mailer.deliver(pinnedRoute(), envelope, rawMessage(2)));
      assertTrue(report.allAccepted(), report::toString);
    }
    assertEquals(1, greenMail.getReceivedMessages().length);
  }

  /**
   * Not a benchmark with assertions on speed: prints how long 100 messages take with pooled
   * sessions on one circuit (into GreenMail, which does not offer PIPELINING; into Postfix, with
   * and without pipelining) against a new Tor stream, circuit and SMTP session per message into
   * Postfix (what Postfix with {@code torsocks -i} does), and the first message of each.
   */
  @Test
  void hundredMessagesArriveWithPooledSessionsAndWithOneSessionPerMessage() throws Exception {
    int before = postfix.received();
    Run greenMailPooled = send(IsolationMode.PER_DESTINATION, PrivateTorNetwork.ONION_PORT, true);
    Run unpipelined = send(IsolationMode.PER_DESTINATION, POSTFIX_PORT, false);
    Run pooled = send(IsolationMode.PER_DESTINATION, POSTFIX_PORT, true);
    Run perMessage = send(IsolationMode.PER_MESSAGE, POSTFIX_PORT, true);

    assertEquals(COMPARED_MESSAGES, greenMail.getReceivedMessages().length);
    assertEquals(
        before + 3 * COMPARED_MESSAGES,
        postfix.awaitReceived(before + 3 * COMPARED_MESSAGES, 5000));
    print("GreenMail, pooled sessions on one circuit (no PIPELINING offered)", greenMailPooled);
    print("Postfix, pooled sessions on one circuit, pipelining off", unpipelined);
    print("Postfix, pooled sessions on one circuit, pipelining", pooled);
    print("Postfix, new circuit and session per message", perMessage);
    System.out.printf(
        "[OnionDeliveryIT] pooled and pipelined is %.1fx faster than a session per message"
            + " (%.1fx without pipelining); pipelining makes a pooled message %.1fx faster%n",
        (double) perMessage.totalMillis() / pooled.totalMillis(),
        (double) perMessage.totalMillis() / unpipelined.totalMillis(),
        unpipelined.restPerMessage() / pooled.restPerMessage());
  }

  private static void print(String what, Run run) {
    System.out.printf(
        "[OnionDeliveryIT] %d messages, %s: %d ms (first %d ms, then %.1f ms per message)%n",
        COMPARED_MESSAGES, what, run.totalMillis(), run.firstMillis(), run.restPerMessage());
  }

  private record Run(long totalMillis, long firstMillis) {
    double restPerMessage() {
      return (double) (totalMillis - firstMillis) / (COMPARED_MESSAGES - 1);
    }
  }

  private static DeliveryReport retryingTor(java.util.function.Supplier<DeliveryReport> attempt) {
    return TorRetries.retryingTor("OnionDeliveryIT", attempt);
  }

  private static Run send(IsolationMode isolation, int port, boolean pipelining)
      throws IOException {
    Envelope envelope = Envelope.of("alice@sender.example", "bob@" + DOMAIN);
    Resolution.Routed route = pinnedRoute(port);
    try (OnionMailer mailer = mailer().isolation(isolation).pipelining(pipelining).build()) {
      long t0 = System.nanoTime();
      long first = 0;
      int retries = 0;
      for (int i = 0; i < COMPARED_MESSAGES; i++) {
        DeliveryReport report = mailer.deliver(route, envelope, rawMessage(i));
        // A fresh circuit on the small test network now and then fails to build (Tor answers
        // 0x01, temporary): retry it as an MTA's queue would, at most twice, and count it.
        for (int attempt = 0; attempt < 2 && TorRetries.deferredByTor(report); attempt++) {
          retries++;
          report = mailer.deliver(route, envelope, rawMessage(i));
        }
        DeliveryReport last = report;
        assertTrue(last.allAccepted(), () -> isolation + ": " + last);
        if (i == 0) {
          first = System.nanoTime() - t0;
        }
      }
      if (retries > 0) {
        System.out.println("[OnionDeliveryIT] " + isolation + ": " + retries + " Tor retries");
      }
      return new Run((System.nanoTime() - t0) / 1_000_000, first / 1_000_000);
    }
  }
}
