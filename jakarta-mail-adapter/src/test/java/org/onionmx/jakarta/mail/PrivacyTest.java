package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.CLEAR;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;
import static org.onionmx.jakarta.mail.MailWorld.STRICT;

import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing naming the machine leaves on either path. {@code mail.host} stands in for the local host
 * name here: Jakarta Mail builds its Message-ID from it exactly as it would from {@code
 * InetAddress.getLocalHost()}, without the test looking up the real one.
 */
class PrivacyTest {
  private static final String MACHINE = "workstation.corp.example";
  private static final String UUID_ID =
      "<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@sender\\.example>";

  @RegisterExtension final MailWorld world = MailWorld.withScriptedRelay();
  private Session session;

  @BeforeEach
  void sessionOnAMachineWithAName() {
    Properties p = world.properties();
    p.remove("mail.smtp.localhost");
    p.setProperty("mail.host", MACHINE);
    session = Session.getInstance(p);
  }

  private MimeMessage savedMessage() throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setSubject("private");
    m.setText("nothing about this machine");
    m.saveChanges();
    return m;
  }

  private void send(MimeMessage m) throws Exception {
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(
          m,
          new Address[] {new InternetAddress("ok@" + STRICT), new InternetAddress("e@" + CLEAR)});
    }
  }

  @Test
  void ehloNamesNothingOnTheOnionHopOrTheRelay() throws Exception {
    send(savedMessage());

    assertEquals(List.of("[127.0.0.1]"), world.strict().ehloNames());
    assertEquals(List.of("[127.0.0.1]"), world.scriptedRelay().ehloNames());
  }

  @Test
  void ehloIsTheConfiguredNameOnBothPaths() throws Exception {
    session.getProperties().setProperty("mail.onion-smtp.ehlo", "mail.sender.example");
    send(savedMessage());

    assertEquals(List.of("mail.sender.example"), world.strict().ehloNames());
    assertEquals(List.of("mail.sender.example"), world.scriptedRelay().ehloNames());
  }

  @Test
  void relayKeepsTheApplicationsOwnEhloName() throws Exception {
    session.getProperties().setProperty("mail.smtp.localhost", "app.sender.example");
    send(savedMessage());

    assertEquals(List.of("[127.0.0.1]"), world.strict().ehloNames());
    assertEquals(List.of("app.sender.example"), world.scriptedRelay().ehloNames());
  }

  @Test
  void messageIdBuiltFromTheHostNameIsReplacedOnBothPaths() throws Exception {
    MimeMessage m = savedMessage();
    assertTrue(m.getMessageID().endsWith("@" + MACHINE + ">"), m.getMessageID());

    send(m);

    String onion = world.strict().transactions().get(0).text();
    String clear = world.scriptedRelay().transactions().get(0).text();
    assertFalse(onion.contains(MACHINE), onion);
    assertFalse(clear.contains(MACHINE), clear);
    assertTrue(m.getMessageID().matches(UUID_ID), m.getMessageID());
    assertTrue(onion.contains("Message-ID: " + m.getMessageID() + "\r\n"), onion);
    assertTrue(clear.contains("Message-ID: " + m.getMessageID() + "\r\n"), clear);
    assertEquals(1, onion.split("Message-ID:", -1).length - 1, onion);
    assertEquals(1, clear.split("Message-ID:", -1).length - 1, clear);
  }

  @Test
  void unsavedMessageForTheRelayOnlyGetsAPrivateMessageId() throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setText("never saved, relay only");

    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(m, new Address[] {new InternetAddress("e@" + CLEAR)});
    }

    String clear = world.scriptedRelay().transactions().get(0).text();
    assertFalse(clear.contains(MACHINE), clear);
    assertTrue(m.getMessageID().matches(UUID_ID), m.getMessageID());
    assertTrue(clear.contains("Message-ID: " + m.getMessageID() + "\r\n"), clear);
  }

  @Test
  void messageIdChosenByTheApplicationIsKept() throws Exception {
    MimeMessage m = savedMessage();
    m.setHeader("Message-ID", "<order-42@shop.example>");

    send(m);

    assertEquals("<order-42@shop.example>", m.getMessageID());
    assertTrue(world.strict().transactions().get(0).text().contains("<order-42@shop.example>"));
  }

  @Test
  void unsavedMessageGetsAPrivateMessageId() throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setText("never saved by the application");

    send(m);

    String onion = world.strict().transactions().get(0).text();
    assertFalse(onion.contains(MACHINE), onion);
    assertTrue(m.getMessageID().matches(UUID_ID), m.getMessageID());
  }
}
