package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.BROKEN;
import static org.onionmx.jakarta.mail.MailWorld.CLEAR;
import static org.onionmx.jakarta.mail.MailWorld.NOBODY;
import static org.onionmx.jakarta.mail.MailWorld.ONION;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;
import static org.onionmx.jakarta.mail.MailWorld.SRV;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.event.TransportEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.socks.ConnectRequest;

/** The transport's routing, results and privacy, delivering into GreenMail through fake Tor. */
class OnionSmtpTransportTest {
  @TempDir Path dir;
  @RegisterExtension final MailWorld world = new MailWorld();

  private static MimeMessage message(Session session) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setSubject("hello");
    m.setText("hi there\r\n");
    m.saveChanges();
    return m;
  }

  private static Address[] to(String... addresses) throws MessagingException {
    Address[] a = new Address[addresses.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new InternetAddress(addresses[i]);
    }
    return a;
  }

  private static List<String> strings(Address[] addresses) {
    List<String> s = new ArrayList<>();
    for (Address a : addresses == null ? new Address[0] : addresses) {
      s.add(((InternetAddress) a).getAddress());
    }
    return s;
  }

  private Transport connected(Properties p, MailWorld.Events events) throws MessagingException {
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    if (events != null) {
      t.addTransportListener(events);
    }
    t.connect();
    return t;
  }

  @Test
  void onionRoutedDomainsGoOverTorAndOthersToTheRelay() throws Exception {
    MailWorld.Events events = new MailWorld.Events();
    Session session = world.session();
    try (Transport t = connected(world.properties(), events)) {
      t.sendMessage(
          message(session), to("bob@" + PINNED, "carol@" + SRV, "dave@" + ONION, "erin@" + CLEAR));
      TransportEvent e = events.next();
      assertEquals(TransportEvent.MESSAGE_DELIVERED, e.getType());
      assertEquals(4, e.getValidSentAddresses().length);
    }

    assertEquals(3, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.relay().getReceivedMessages().length);
    assertEquals( // pinned and SRV domains share one session to their common onion service
        List.of("mx." + ONION, ONION),
        world.tor().connects().stream().map(ConnectRequest::host).toList());
    world.tor().assertNoIpDestinations();
    world.tor().assertNoOsLoginAsUser();
    assertTrue(world.dns().queriesFor("_onion-mx._tcp." + PINNED).isEmpty());
    assertTrue(world.dns().queriesFor(ONION).isEmpty());
  }

  @Test
  void mixedOutcomesAreReportedPerRecipientWithTheirCauses() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.policy", "onion-only");
    MailWorld.Events events = new MailWorld.Events();
    Session session = Session.getInstance(p);
    SendFailedException failed;
    try (Transport t = connected(p, events)) {
      failed =
          assertThrows(
              SendFailedException.class,
              () ->
                  t.sendMessage(
                      message(session),
                      to("bob@" + PINNED, NOBODY, "x@" + BROKEN, "erin@" + CLEAR)));
      TransportEvent e = events.next();
      assertEquals(TransportEvent.MESSAGE_PARTIALLY_DELIVERED, e.getType());
      assertEquals(List.of(NOBODY), strings(e.getInvalidAddresses()));
    }

    assertEquals(List.of("bob@" + PINNED), strings(failed.getValidSentAddresses()));
    assertEquals(List.of(NOBODY), strings(failed.getInvalidAddresses()));
    assertEquals(
        List.of("x@" + BROKEN, "erin@" + CLEAR), strings(failed.getValidUnsentAddresses()));

    List<OnionDeliveryException> chain = new ArrayList<>();
    for (Exception x = failed.getNextException();
        x != null;
        x = ((MessagingException) x).getNextException()) {
      chain.add(assertInstanceOf(OnionDeliveryException.class, x));
    }
    assertEquals(3, chain.size());
    OnionDeliveryException rejected = chain.get(0);
    assertEquals(NOBODY, ((InternetAddress) rejected.getAddress()).getAddress());
    assertEquals(550, ((Failure.Smtp) rejected.failure().orElseThrow()).code());
    assertInstanceOf(RecipientResult.Rejected.class, rejected.recipientResult().orElseThrow());
    assertFalse(rejected.isTemporary());
    assertTrue(rejected.getMessage().contains("SMTP 550"), rejected.getMessage());

    OnionDeliveryException unknown = chain.get(1);
    Resolution.CouldNotTell couldNotTell =
        assertInstanceOf(Resolution.CouldNotTell.class, unknown.resolution().orElseThrow());
    assertEquals(Resolution.FailureReason.SERVER_FAILURE, couldNotTell.reason());
    assertTrue(unknown.isTemporary());
    assertTrue(unknown.getMessage().contains("not sent over the clearnet"), unknown.getMessage());

    OnionDeliveryException noRoute = chain.get(2);
    assertInstanceOf(Resolution.NoOnionRoute.class, noRoute.resolution().orElseThrow());
    assertFalse(noRoute.isTemporary());
    assertTrue(noRoute.relayFailure().isEmpty());
    assertTrue(noRoute.getMessage().contains("onion-only"), noRoute.getMessage());

    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertEquals(0, world.relay().getReceivedMessages().length);
  }

  @Test
  void lookupThatCannotTellNeverFallsBackToTheRelay() throws Exception {
    MailWorld.Events events = new MailWorld.Events();
    Session session = world.session();
    try (Transport t = connected(world.properties(), events)) {
      SendFailedException failed =
          assertThrows(
              SendFailedException.class, () -> t.sendMessage(message(session), to("x@" + BROKEN)));
      assertEquals(List.of("x@" + BROKEN), strings(failed.getValidUnsentAddresses()));
      assertEquals(TransportEvent.MESSAGE_NOT_DELIVERED, events.next().getType());
    }

    assertEquals(0, world.relay().getReceivedMessages().length);
    assertFalse(world.dns().queriesFor("_onion-mx._tcp." + BROKEN).isEmpty());
  }

  @Test
  void requireOnionDomainFailsClosedEvenUnderOnionPreferred() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.require-onion", CLEAR);
    Session session = Session.getInstance(p);
    try (Transport t = connected(p, null)) {
      SendFailedException failed =
          assertThrows(
              SendFailedException.class,
              () -> t.sendMessage(message(session), to("erin@" + CLEAR, "bob@" + PINNED)));
      OnionDeliveryException e = (OnionDeliveryException) failed.getNextException();
      assertTrue(e.getMessage().contains("require-onion"), e.getMessage());
    }
    assertEquals(0, world.relay().getReceivedMessages().length);
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void relayRefusalIsChainedWithTheRelaysException() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.smtp.port", "1"); // nothing listens: the relay cannot be reached
    Session session = Session.getInstance(p);
    try (Transport t = connected(p, null)) {
      SendFailedException failed =
          assertThrows(
              SendFailedException.class, () -> t.sendMessage(message(session), to("e@" + CLEAR)));
      OnionDeliveryException e = (OnionDeliveryException) failed.getNextException();
      assertTrue(e.relayFailure().isPresent());
      assertEquals(e.relayFailure().get(), e.getCause());
      assertTrue(e.isTemporary());
    }
  }

  @Test
  void torReplyCodeIsKeptForAnUnreachableOnionService() throws Exception {
    Session session = world.session();
    try (Transport t = connected(world.properties(), null)) {
      SendFailedException failed =
          assertThrows(
              SendFailedException.class,
              () -> t.sendMessage(message(session), to("bob@gone." + ONION)));
      OnionDeliveryException e = (OnionDeliveryException) failed.getNextException();
      Failure.Tor tor = assertInstanceOf(Failure.Tor.class, e.failure().orElseThrow());
      assertEquals(0xF0, tor.socksCode());
      assertTrue(e.getMessage().contains("Tor reply 0xF0"), e.getMessage());
    }
  }

  @Test
  void connectWithoutHostSucceedsAndOpensNothing() throws Exception {
    Transport t = world.session().getTransport(OnionSmtp.PROTOCOL);
    t.connect();
    assertTrue(t.isConnected());
    t.close();
    assertFalse(t.isConnected());
    assertTrue(world.tor().connects().isEmpty());
    assertTrue(world.dns().queries().isEmpty());
  }

  @Test
  void unknownPropertyFailsConnectNamingIt() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.dnsec", "require");
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().contains("mail.onion-smtp.dnsec"), e.getMessage());
    assertFalse(t.isConnected());
  }

  @Test
  void badPinFailsConnectNamingTheProperty() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.tls.pin." + PINNED, "sha256/tooshort");
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().startsWith("mail.onion-smtp.tls.pin." + PINNED), e.getMessage());
  }

  @Test
  void unreadableMapFailsConnectNamingTheProperty() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.map", dir.resolve("missing.yml").toString());
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().startsWith("mail.onion-smtp.map"), e.getMessage());
  }

  @Test
  void oneConnectedTransportReusesItsOnionSession() throws Exception {
    Session session = world.session();
    try (Transport t = connected(world.properties(), null)) {
      t.sendMessage(message(session), to("bob@" + PINNED));
      t.sendMessage(message(session), to("carol@" + PINNED));
    }
    assertEquals(2, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.tor().connects().size());
  }

  @Test
  void malformedRecipientIsInvalidAndTheRestOfItsDomainStillGoes() throws Exception {
    InternetAddress malformed = new InternetAddress();
    malformed.setAddress("bad address@" + PINNED); // setAddress does not check
    Session session = world.session();
    try (Transport t = connected(world.properties(), null)) {
      SendFailedException e =
          assertThrows(
              SendFailedException.class,
              () ->
                  t.sendMessage(
                      message(session),
                      new Address[] {malformed, new InternetAddress("bob@" + PINNED)}));
      assertEquals(List.of("bad address@" + PINNED), strings(e.getInvalidAddresses()));
      assertEquals(List.of("bob@" + PINNED), strings(e.getValidSentAddresses()));
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void nonAsciiRecipientReachesGreenMailInUtf8ThroughSmtpUtf8() throws Exception {
    Session session = world.session();
    try (Transport t = connected(world.properties(), null)) {
      t.sendMessage(message(session), to("jörg@" + PINNED));
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    // GreenMail files a message under a user per envelope recipient, named as it was received
    assertTrue(
        world.onionServer().getUserManager().listUser().stream()
            .anyMatch(u -> u.getEmail().equals("jörg@" + PINNED)),
        () -> "GreenMail's users: " + world.onionServer().getUserManager().listUser());
  }

  @Test
  void repeatedRecipientIsSentOnce() throws Exception {
    Session session = world.session();
    try (Transport t = connected(world.properties(), null)) {
      t.sendMessage(message(session), to("bob@" + PINNED, "bob@" + PINNED));
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void repeatedRelayRecipientIsSentOnceAndEverySpellingListed() throws Exception {
    MailWorld.Events events = new MailWorld.Events();
    Session session = world.session();
    Address[] to = to("erin@" + CLEAR, "Erin@" + CLEAR, "bob@" + PINNED, "bob@" + PINNED);
    try (Transport t = connected(world.properties(), events)) {
      t.sendMessage(message(session), to);
      TransportEvent e = events.next();
      assertEquals(TransportEvent.MESSAGE_DELIVERED, e.getType());
      assertEquals(4, e.getValidSentAddresses().length);
    }
    assertEquals(1, world.relay().getReceivedMessages().length);
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void dnsOverTorSendsTheSrvLookUpThroughTheSocksPortOnly() throws Exception {
    world.tor().route("127.0.0.1", world.dns().port()); // the "exit" reaches the configured server
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.dns.over-tor", "true");
    Session session = Session.getInstance(p);
    try (Transport t = connected(p, null)) {
      t.sendMessage(message(session), to("carol@" + SRV));
    }

    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.dns().queries().size());
    assertEquals(
        org.onionmx.testing.dns.FakeDnsServer.Transport.TCP,
        world.dns().queries().get(0).transport());
    assertEquals(
        List.of("127.0.0.1", "mx." + ONION),
        world.tor().connects().stream().map(ConnectRequest::host).toList());
  }

  @Test
  void dnsOverTorWithoutConfiguredServersIsAnErrorNamingBothProperties() throws Exception {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.dns.over-tor", "true");
    p.remove("mail.onion-smtp.dns.servers");
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().contains("mail.onion-smtp.dns.over-tor"), e.getMessage());
    assertTrue(e.getMessage().contains("mail.onion-smtp.dns.servers"), e.getMessage());
  }
}
