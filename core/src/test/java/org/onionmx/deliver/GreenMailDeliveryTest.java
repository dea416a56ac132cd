package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.socks.FakeTorProxy;

/** Real messages into GreenMail through the fake Tor proxy: what arrives is what was sent. */
class GreenMailDeliveryTest {
  private GreenMail greenMail;
  private FakeTorProxy proxy;
  private OnionMailer mailer;

  @BeforeEach
  void start() throws Exception {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    proxy = FakeTorProxy.start();
    proxy.route(host("mx"), greenMail.getSmtp().getPort());
    mailer = Fixtures.mailer(proxy).build();
  }

  @AfterEach
  void stop() {
    mailer.close();
    proxy.close();
    greenMail.stop();
  }

  @Test
  void messageArrivesWithItsHeadersAndBody() throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + DOMAIN));
    message.setSubject("over the onion");
    message.setText("hello bob\r\n");

    DeliveryReport report = mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    RecipientResult.Accepted accepted =
        assertInstanceOf(RecipientResult.Accepted.class, report.resultFor("bob@" + DOMAIN));
    assertEquals(250, accepted.code());
    assertEquals(target("mx"), accepted.target());
    MimeMessage received = greenMail.getReceivedMessages()[0];
    assertEquals("over the onion", received.getSubject());
    assertEquals("alice@sender.example", received.getFrom()[0].toString());
    assertEquals("hello bob", ((String) received.getContent()).strip());
    proxy.assertNoIpDestinations();
    proxy.assertNoOsLoginAsUser();
  }

  @Test
  void messageIdNamesTheSenderDomainAndARandomId() throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setText("x");

    mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    String id = greenMail.getReceivedMessages()[0].getMessageID();
    assertTrue(
        id.matches(
            "<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@sender\\.example>"),
        id);
    String date = greenMail.getReceivedMessages()[0].getHeader("Date")[0];
    assertTrue(date.endsWith("+0000 (UTC)") || date.endsWith("+0000"), date);
  }

  @Test
  void plainMimeMessageFromABareSessionGetsAPrivateMessageId() throws Exception {
    // A Session without mail.from or mail.host: Jakarta Mail alone would write
    // <n.n.n.JavaMail.LOGIN@HOSTNAME> into the Message-ID.
    MimeMessage message =
        new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setText("x");

    mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    String id = greenMail.getReceivedMessages()[0].getMessageID();
    assertTrue(id.matches("<[0-9a-f-]{36}@sender\\.example>"), id);
    assertTrue(!id.contains("JavaMail") && !id.contains(System.getProperty("user.name")), id);
  }

  @Test
  void messageSavedByTheAppBeforehandLosesTheIdJakartaMailBuiltFromTheHostName() throws Exception {
    // mail.host stands in for the local host name: Jakarta Mail builds the ID from it as it would
    // from InetAddress.getLocalHost(). Saving first is what Transport.send and Spring do.
    java.util.Properties p = new java.util.Properties();
    p.setProperty("mail.host", "workstation.corp.example");
    MimeMessage message = new MimeMessage(jakarta.mail.Session.getInstance(p));
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setText("x");
    message.saveChanges();
    assertTrue(message.getMessageID().endsWith("@workstation.corp.example>"));

    mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    String id = greenMail.getReceivedMessages()[0].getMessageID();
    assertTrue(id.matches("<[0-9a-f-]{36}@sender\\.example>"), id);
    assertEquals(id, message.getMessageID(), "the message carries the ID that was sent");
  }

  @Test
  void messageIdSetByTheAppOnAnUnsavedMessageIsKept() throws Exception {
    MimeMessage message =
        new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setHeader("Message-ID", "<kept-1@sender.example>");
    message.setText("x");

    mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    assertEquals("<kept-1@sender.example>", greenMail.getReceivedMessages()[0].getMessageID());
  }

  @Test
  void defaultFromOfANewMessageNamesNeitherUserNorHost() throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setFrom();
    message.setText("x");

    mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    MimeMessage received = greenMail.getReceivedMessages()[0];
    assertEquals("postmaster@onionmx.invalid", received.getFrom()[0].toString());
    assertTrue(received.getMessageID().endsWith("@onionmx.invalid>"), received.getMessageID());
  }

  @Test
  void rawUtf8And8BitMessageArrivesReadable() throws Exception {
    String body = "Grüße aus Köln — 東京 — ½ €\r\n.leading dot line\r\nend";
    byte[] raw =
        ("From: alice@sender.example\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                + "Message-ID: <raw-1@sender.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + body
                + "\r\n")
            .getBytes(StandardCharsets.UTF_8);

    DeliveryReport report = mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), raw);

    assertTrue(report.allAccepted(), report.toString());
    MimeMessage received = greenMail.getReceivedMessages()[0];
    assertEquals("Grüße", received.getSubject());
    assertEquals("<raw-1@sender.example>", received.getMessageID());
    assertEquals(body, ((String) received.getContent()).strip());
  }

  @Test
  void tenMegabyteAttachmentArrivesIntact() throws Exception {
    byte[] attachment = new byte[10 * 1024 * 1024];
    new Random(42).nextBytes(attachment);
    MimeMessage message = mailer.newMessage();
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setSubject("big");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("see attachment");
    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(
        new jakarta.activation.DataHandler(
            new ByteArrayDataSource(attachment, "application/octet-stream")));
    file.setFileName("random.bin");
    MimeMultipart multipart = new MimeMultipart(text, file);
    message.setContent(multipart);

    DeliveryReport report = mailer.deliver(route(target("mx")), envelope("bob@" + DOMAIN), message);

    assertTrue(report.allAccepted(), report.toString());
    Multipart received = (Multipart) greenMail.getReceivedMessages()[0].getContent();
    Part part = received.getBodyPart(1);
    assertEquals("random.bin", part.getFileName());
    assertArrayEquals(attachment, part.getInputStream().readAllBytes());
  }

  @Test
  void everyRecipientOfTheDomainGetsTheMessage() throws Exception {
    DeliveryReport report =
        mailer.deliver(
            route(target("mx")),
            envelope("bob@" + DOMAIN, "carol@" + DOMAIN),
            Fixtures.rawMessage("two", "hi"));

    assertTrue(report.allAccepted(), report.toString());
    assertEquals(2, greenMail.getReceivedMessages().length);
    assertEquals(1, proxy.connects().size());
  }
}
