package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.BROKEN;
import static org.onionmx.jakarta.mail.MailWorld.CLEAR;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;
import static org.onionmx.jakarta.mail.MailWorld.SRV;

import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.apache.commons.mail2.jakarta.SimpleEmail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.Resolution;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Applications switch to onion delivery by configuration alone: {@code Transport.send}, Spring's
 * {@code JavaMailSenderImpl} and Commons Email 2, unchanged, through GreenMail behind fake Tor.
 */
class CallersTest {
  @RegisterExtension final MailWorld world = new MailWorld();

  @Test
  void transportSendUsesOnionSmtpAfterTheOneCallSetup() throws Exception {
    Session session = Session.getInstance(OnionSmtp.useForAllMail(world.properties()));
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setRecipients(Message.RecipientType.TO, "bob@" + PINNED + ", erin@" + CLEAR);
    m.setSubject("Transport.send");
    m.setText("hi");

    Transport.send(m);

    assertEquals("Transport.send", world.onionServer().getReceivedMessages()[0].getSubject());
    assertEquals("Transport.send", world.relay().getReceivedMessages()[0].getSubject());
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    world.tor().assertNoIpDestinations();
  }

  @Test
  void transportSendKeepsThePerRecipientFailures() throws Exception {
    Session session = Session.getInstance(OnionSmtp.useForAllMail(world.properties()));
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setRecipients(Message.RecipientType.TO, "bob@" + PINNED + ", x@" + BROKEN);
    m.setText("hi");

    SendFailedException e = assertThrows(SendFailedException.class, () -> Transport.send(m));

    OnionDeliveryException cause =
        assertInstanceOf(OnionDeliveryException.class, e.getNextException());
    assertInstanceOf(Resolution.CouldNotTell.class, cause.resolution().orElseThrow());
    assertEquals(1, e.getValidSentAddresses().length);
    assertEquals(1, world.onionServer().getReceivedMessages().length);
    assertEquals(0, world.relay().getReceivedMessages().length);
  }

  private JavaMailSenderImpl spring(Properties properties) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setProtocol(OnionSmtp.PROTOCOL);
    sender.setHost("127.0.0.1"); // the application's relay, given to connect(...)
    sender.setPort(world.relay().getSmtp().getPort());
    sender.setUsername("app");
    sender.setPassword("secret");
    sender.setJavaMailProperties(properties);
    return sender;
  }

  private static SimpleMailMessage simple(String... to) {
    SimpleMailMessage m = new SimpleMailMessage();
    m.setFrom(SENDER);
    m.setTo(to);
    m.setSubject("from Spring");
    m.setText("hi");
    return m;
  }

  @Test
  void springSenderDeliversOverTorAndToTheRelayItConnectsWith() throws Exception {
    world.relay().setUser("app", "secret");
    Properties p = world.properties();
    p.setProperty("mail.smtp.port", "1"); // proves the relay is the one given to connect(...)

    spring(p).send(simple("bob@" + PINNED, "carol@" + SRV, "erin@" + CLEAR));

    assertEquals(2, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.relay().getReceivedMessages().length);
    assertEquals("from Spring", world.relay().getReceivedMessages()[0].getSubject());
  }

  @Test
  void anOnionOnlySpringSenderNeedsNoHostAndSharesOneSessionAcrossSends() throws Exception {
    Properties p = world.properties();
    p.remove("mail.smtp.host");
    p.remove("mail.smtp.port");
    p.setProperty("mail.onion-smtp.policy", "onion-only");
    JavaMailSenderImpl sender = new JavaMailSenderImpl(); // no setHost: nothing to relay to
    sender.setProtocol(OnionSmtp.PROTOCOL);
    sender.setJavaMailProperties(p);

    for (int i = 0; i < 3; i++) {
      sender.send(simple("bob@" + PINNED));
    }
    MailSendException refused =
        assertThrows(MailSendException.class, () -> sender.send(simple("erin@" + CLEAR)));

    assertEquals(3, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.tor().connects().size()); // Spring's transport per call, one session
    assertEquals(0, world.relay().getReceivedMessages().length);
    assertInstanceOf(
        SendFailedException.class, refused.getFailedMessages().values().iterator().next());
  }

  @Test
  void springSenderReportsTheFailedMessageWithItsCause() throws Exception {
    MailSendException e =
        assertThrows(
            MailSendException.class, () -> spring(world.properties()).send(simple("x@" + BROKEN)));

    Exception cause = e.getFailedMessages().values().iterator().next();
    SendFailedException failed = assertInstanceOf(SendFailedException.class, cause);
    assertInstanceOf(OnionDeliveryException.class, failed.getNextException());
    assertEquals(0, world.relay().getReceivedMessages().length);
  }

  @Test
  void commonsEmailDeliversThroughTheSessionItIsGiven() throws Exception {
    Session session = Session.getInstance(OnionSmtp.useForAllMail(world.properties()));
    SimpleEmail email = new SimpleEmail();
    email.setMailSession(session);
    email.setFrom(SENDER);
    email.addTo("bob@" + SRV);
    email.addTo("erin@" + CLEAR);
    email.setSubject("from Commons Email");
    email.setMsg("hi");

    String messageId = email.send();

    MimeMessage overTor = world.onionServer().getReceivedMessages()[0];
    assertEquals("from Commons Email", overTor.getSubject());
    assertEquals(messageId, overTor.getMessageID());
    assertEquals(1, world.relay().getReceivedMessages().length);
    assertTrue(messageId.endsWith("@sender.example>"), messageId);
  }
}
