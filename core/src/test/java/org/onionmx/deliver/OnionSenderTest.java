package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.target;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * One message to recipients at many domains through {@link OnionSender}: real SMTP behind the fake
 * Tor proxy, SRV look-ups against a DNS server on loopback. Every recipient gets one outcome.
 */
class OnionSenderTest {
  private static final String FROM = "alice@sender.example";

  private ScriptedSmtpServer server;
  private FakeTorProxy proxy;
  private FakeDnsServer dns;
  private OnionMailer mailer;
  private OnionSender sender;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.start();
    proxy = FakeTorProxy.start();
    proxy.route(host("mx"), server.port());
    proxy.route(host("other"), server.port());
    dns = FakeDnsServer.start();
    dns.fault("_onion-mx._tcp.broken.example", new DnsFault.Rcode(2)); // SERVFAIL
    OnionMap map =
        OnionMap.of(
            Map.of(
                "xn--bcher-kva.example", target("mx"),
                "one.example", target("mx"),
                "two.example", target("mx"),
                "three.example", target("other")));
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(map)
            .dnsServers(List.of(new DnsServer(dns.address(), false)))
            .dnssec(DnssecPolicy.OFF)
            .timeout(Duration.ofSeconds(2))
            .build();
    mailer = Fixtures.mailer(proxy).build();
    sender = OnionSender.of(resolver, mailer);
  }

  @AfterEach
  void stop() throws Exception {
    mailer.close();
    proxy.close();
    dns.close();
    server.close();
  }

  @Test
  void aUnicodeDomainAndItsALabelAreOneDomainAndBothRecipientsAreDelivered() {
    SendReport report =
        sender.send(
            FROM,
            List.of("bob@bücher.example", "carol@xn--bcher-kva.example"),
            Fixtures.rawMessage("s", "b"));

    assertEquals(2, report.outcomes().size());
    assertTrue(report.allAccepted(), report.toString());
    assertEquals("bob@bücher.example", report.get(0).recipient());
    assertEquals("carol@xn--bcher-kva.example", report.get(1).recipient());
    assertEquals(1, server.transactions().size());
    assertEquals(
        List.of("bob@xn--bcher-kva.example", "carol@xn--bcher-kva.example"),
        server.transactions().get(0).recipients());
  }

  @Test
  void twoDomainsOnTheSameOnionAreEachDeliveredAndReported() {
    SendReport report =
        sender.send(
            FROM, List.of("a@one.example", "b@two.example"), Fixtures.rawMessage("s", "b"));

    assertTrue(report.allAccepted(), report.toString());
    assertEquals(2, server.transactions().size());
    RecipientOutcome.Onion first = assertInstanceOf(RecipientOutcome.Onion.class, report.get(0));
    RecipientOutcome.Onion second = assertInstanceOf(RecipientOutcome.Onion.class, report.get(1));
    assertEquals("one.example", first.route().domain());
    assertEquals("two.example", second.route().domain());
  }

  @Test
  void everyRecipientOfAManyDomainSendGetsOneOutcomeInTheOrderGiven() {
    server.replyToRecipient("refused@three.example", "550 5.1.1 no such user");
    List<String> to =
        List.of(
            "x@plain.example", // no SRV record: no route
            "a@one.example",
            "y@broken.example", // SERVFAIL: could not tell
            "refused@three.example",
            "not-an-address",
            "z@bad..example",
            "b@ONE.example.",
            "c@three.example");

    SendReport report = sender.send(FROM, to, Fixtures.rawMessage("s", "b"));

    assertEquals(to.size(), report.outcomes().size());
    for (int i = 0; i < to.size(); i++) {
      assertEquals(to.get(i), report.get(i).recipient(), "outcome " + i);
    }
    RecipientOutcome.NoRoute none =
        assertInstanceOf(RecipientOutcome.NoRoute.class, report.get(0));
    assertEquals(Resolution.NoRouteReason.NO_SRV_RECORD, none.resolution().reason());
    assertTrue(report.get(1).accepted());
    RecipientOutcome.CouldNotTell unknown =
        assertInstanceOf(RecipientOutcome.CouldNotTell.class, report.get(2));
    assertEquals("broken.example", unknown.resolution().domain());
    RecipientOutcome.Onion refused = assertInstanceOf(RecipientOutcome.Onion.class, report.get(3));
    assertInstanceOf(RecipientResult.Rejected.class, refused.result());
    assertInstanceOf(RecipientOutcome.InvalidAddress.class, report.get(4));
    assertInstanceOf(RecipientOutcome.InvalidAddress.class, report.get(5));
    assertTrue(report.get(6).accepted());
    assertTrue(report.get(7).accepted());
    assertEquals(2, server.transactions().size()); // one.example, three.example
    assertEquals(
        List.of("a@one.example", "b@one.example"), server.transactions().get(0).recipients());
    assertEquals(List.of("c@three.example"), server.transactions().get(1).recipients());
  }

  @Test
  void theSameMailboxWrittenThreeWaysGetsOneRcptAndThreeOutcomes() {
    List<String> to = List.of("bob@one.example", "bob@One.Example.", "bob@one.example");

    SendReport report = sender.send(FROM, to, Fixtures.rawMessage("s", "b"));

    assertEquals(3, report.outcomes().size());
    assertTrue(report.allAccepted(), report.toString());
    assertEquals(List.of("bob@one.example"), server.transactions().get(0).recipients());
    assertEquals(1, server.transactions().size());
  }

  @Test
  void localPartsThatDifferOnlyInCaseAreTwoMailboxes() {
    SendReport report =
        sender.send(
            FROM, List.of("Bob@one.example", "bob@one.example"), Fixtures.rawMessage("s", "b"));

    assertTrue(report.allAccepted());
    assertEquals(
        List.of("Bob@one.example", "bob@one.example"), server.transactions().get(0).recipients());
  }

  @Test
  void aMimeMessageIsSavedOnceAndArrivesAtEveryDomainWithOneMessageId() throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setFrom(new InternetAddress(FROM));
    message.setSubject("many domains");
    message.setText("hello");

    SendReport report =
        sender.send(FROM, List.of("a@one.example", "c@three.example"), message);

    assertTrue(report.allAccepted());
    List<ScriptedSmtpServer.Transaction> received = server.transactions();
    assertEquals(2, received.size());
    assertEquals(messageId(received.get(0)), messageId(received.get(1)));
  }

  @Test
  void nothingIsSavedOrSentWhenNoDomainIsRouted() throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setText("x");

    SendReport report = sender.send(FROM, List.of("x@plain.example"), message);

    assertInstanceOf(RecipientOutcome.NoRoute.class, report.get(0));
    assertEquals(0, server.connections());
    assertEquals(null, message.getHeader("Message-ID"));
  }

  @Test
  void aBadSenderOrNoRecipientIsTheCallersError() {
    byte[] raw = Fixtures.rawMessage("s", "b");
    assertThrows(
        IllegalArgumentException.class, () -> sender.send("no-domain", List.of("a@one.example"), raw));
    assertThrows(IllegalArgumentException.class, () -> sender.send(FROM, List.of(), raw));
    assertEquals(0, server.connections());
  }

  @Test
  void theNullSenderIsAllowed() {
    SendReport report = sender.send("", List.of("a@one.example"), Fixtures.rawMessage("s", "b"));

    assertTrue(report.allAccepted());
    assertEquals("", server.transactions().get(0).mailFrom());
  }

  private static String messageId(ScriptedSmtpServer.Transaction t) {
    for (String line : t.text().split("\r\n")) {
      if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
        return line.substring(11).strip();
      }
    }
    throw new AssertionError("no Message-ID in " + t.text());
  }
}
