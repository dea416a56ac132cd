package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.ONION;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;
import org.onionmx.testing.tor.FakeControlPort;
import org.onionmx.tor.TorHealth;

/** {@code mail.onion-smtp.control.*} and {@code health.*}: recovery through the transport. */
class TorHealthPropertiesTest {
  @TempDir Path dir;
  @RegisterExtension final MailWorld world = new MailWorld();
  private FakeControlPort control;

  @BeforeEach
  void start() throws Exception {
    control = FakeControlPort.start();
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  private Properties withControl() {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.control.host", "127.0.0.1");
    p.setProperty("mail.onion-smtp.control.port", String.valueOf(control.port()));
    p.setProperty("mail.onion-smtp.control.password", "secret");
    return p;
  }

  private static MimeMessage message(Session session, String subject) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setSubject(subject);
    m.setText("hi there\r\n");
    m.saveChanges();
    return m;
  }

  private static Address[] bob() throws MessagingException {
    return new Address[] {new InternetAddress("bob@" + PINNED)};
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void stallSignalsNewnymThroughTheControlPortAndTheMessageGoesOnFreshCircuits() throws Exception {
    Properties p = withControl();
    p.setProperty("mail.onion-smtp.health.stall-failures", "2");
    p.setProperty("mail.onion-smtp.health.stall-destinations", "1");
    p.setProperty("mail.onion-smtp.health.stall-window", "60000");
    // a stopped onion service: Tor answers 0x06 (TTL expired) after its SocksTimeout
    world.tor().addRule(FaultRule.forHost("mx." + ONION, Fault.reply(0x06)).times(2));
    Session session = Session.getInstance(p);
    try (OnionSmtpTransport t = (OnionSmtpTransport) session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      assertTrue(t.health().hasControl());
      assertThrows(SendFailedException.class, () -> t.sendMessage(message(session, "1"), bob()));
      t.sendMessage(message(session, "2"), bob());

      TorHealth.Snapshot s = t.health().snapshot();
      assertEquals(1, s.recoveries());
      assertEquals(TorHealth.State.HEALTHY, s.state());
      assertEquals(2L, s.failuresByDestination().get("mx." + ONION));
    }
    assertEquals(1, control.newnyms());
    assertEquals("AUTHENTICATE 736563726574", control.commands().get(0)); // "secret" in hex
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertEquals("2", world.onionServer().getReceivedMessages()[0].getSubject());
  }

  @Test
  void refusedPasswordFailsConnectNamingTheProperty() throws Exception {
    control.refuseAuthentication();
    Transport t = Session.getInstance(withControl()).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().startsWith("mail.onion-smtp.control.password"), e.getMessage());
    assertFalse(t.isConnected());
  }

  @Test
  void unreadableCookieFailsConnectNamingTheProperty() throws Exception {
    Properties p = withControl();
    p.remove("mail.onion-smtp.control.password");
    p.setProperty("mail.onion-smtp.control.cookie", dir.resolve("missing").toString());
    Transport t = Session.getInstance(p).getTransport(OnionSmtp.PROTOCOL);
    MessagingException e = assertThrows(MessagingException.class, t::connect);
    assertTrue(e.getMessage().startsWith("mail.onion-smtp.control.cookie"), e.getMessage());
  }

  @Test
  void controlPortThatDoesNotAnswerIsOnlyAWarningAndDeliveryGoesOn() throws Exception {
    Properties p = withControl();
    p.setProperty("mail.onion-smtp.control.port", String.valueOf(closedPort()));
    Session session = Session.getInstance(p);
    try (OnionSmtpTransport t = (OnionSmtpTransport) session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(message(session, "hello"), bob());

      assertFalse(t.health().hasControl());
      assertTrue(t.health().snapshot().lastSuccess().isPresent());
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void withoutControlPropertiesTheMonitorCountsWithoutRecovering() throws Exception {
    world.tor().addRule(FaultRule.forHost("mx." + ONION, Fault.reply(0xF2)));
    Session session = world.session();
    try (OnionSmtpTransport t = (OnionSmtpTransport) session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      assertThrows(SendFailedException.class, () -> t.sendMessage(message(session, "1"), bob()));

      assertFalse(t.health().hasControl());
      assertEquals(1, t.health().snapshot().totalFailures());
      assertEquals(TorHealth.State.FAILING, t.health().snapshot().state());
    }
    assertTrue(control.commands().isEmpty());
  }

  @Test
  void withoutTorDeliveryFailsFastAsTemporaryNamingTheListener() throws Exception {
    Properties p = world.properties();
    int port = closedPort();
    p.setProperty("mail.onion-smtp.socks.port", String.valueOf(port));
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      long start = System.nanoTime();
      SendFailedException failed =
          assertThrows(
              SendFailedException.class, () -> t.sendMessage(message(session, "1"), bob()));
      long millis = (System.nanoTime() - start) / 1_000_000;

      OnionDeliveryException e = (OnionDeliveryException) failed.getNextException();
      assertTrue(e.isTemporary());
      assertTrue(
          e.getMessage().contains("no Tor SOCKS listener at 127.0.0.1:" + port), e.getMessage());
      assertTrue(millis < 2000, "took " + millis + " ms");
    }
  }

  @Test
  void withoutSocksPropertiesTheSocksListenerComesFromTor() throws Exception {
    Properties p = withControl();
    p.remove("mail.onion-smtp.socks.host");
    p.remove("mail.onion-smtp.socks.port");
    control.socksListeners("127.0.0.1:" + world.tor().port()).socksPorts("127.0.0.1:9150");
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(message(session, "found"), bob());
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertTrue(
        control.commands().contains("GETINFO net/listeners/socks"), control.commands()::toString);
    assertTrue(control.commands().contains("GETCONF SocksPort"), control.commands()::toString);
  }

  @Test
  void configuredSocksPortWinsOverTorsListeners() throws Exception {
    control.socksListeners("127.0.0.1:" + closedPort()).socksPorts("127.0.0.1:9150 ExtendedErrors");
    Session session = Session.getInstance(withControl());
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(message(session, "configured"), bob());
    }
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertTrue(
        !control.commands().contains("GETINFO net/listeners/socks"), control.commands()::toString);
  }
}
