package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.ONION;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Transport.send} per message, as apps and Spring call it: transports with one configuration
 * share one stack (sessions, map, resolver), others never do, idle stacks close.
 */
class SharedStacksTest {
  @TempDir Path dir;
  @RegisterExtension final MailWorld world = new MailWorld();

  private static MimeMessage message(Session session, String to) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject("hello");
    m.setText("hi there\r\n");
    return m;
  }

  private static Properties onionForAllMail(Properties p) {
    return OnionSmtp.useForAllMail(p);
  }

  @Test
  void transportSendPerMessageReusesOneOnionSession() throws Exception {
    Session session = Session.getInstance(onionForAllMail(world.properties()));

    for (int i = 0; i < 5; i++) {
      Transport.send(message(session, "bob@" + PINNED));
    }

    assertEquals(5, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.tor().connects().size(), world.tor().connects().toString());
  }

  @Test
  void sessionsMadeAnewForEachMessageStillShareWhenTheirPropertiesAreEqual() throws Exception {
    for (int i = 0; i < 3; i++) {
      Properties p = onionForAllMail(world.properties());
      p.put("mail.onion-smtp.pipelining", Boolean.TRUE); // an object value, as apps set them
      Transport.send(message(Session.getInstance(p), "bob@" + PINNED));
    }

    assertEquals(3, world.onionServer().getReceivedMessages().length);
    assertEquals(1, world.tor().connects().size());
  }

  @Test
  void differentConfigurationsNeverShare() throws Exception {
    Properties a = onionForAllMail(world.properties());
    Properties b = onionForAllMail(world.properties());
    b.setProperty("mail.onion-smtp.ehlo", "[127.0.0.2]");
    OnionSmtpSettings sa = OnionSmtpSettings.from(a);
    OnionSmtpSettings sb = OnionSmtpSettings.from(b);

    Transport.send(message(Session.getInstance(a), "bob@" + PINNED));
    Transport.send(message(Session.getInstance(b), "bob@" + PINNED));

    assertEquals(2, world.tor().connects().size());
    SharedStacks.Lease la = SharedStacks.instance().acquire(sa);
    SharedStacks.Lease lb = SharedStacks.instance().acquire(sb);
    try {
      assertNotSame(la.stack(), lb.stack());
      assertNotSame(la.stack().resolver, lb.stack().resolver);
      assertNotSame(la.stack().mailer, lb.stack().mailer);
    } finally {
      la.release();
      lb.release();
    }
  }

  @Test
  void aMapFileIsReadOnceForAllSendsAndAgainWhenItChanges() throws Exception {
    Properties p = onionForAllMail(world.properties());
    Session session = Session.getInstance(p);
    OnionSmtpSettings settings = OnionSmtpSettings.from(p);

    for (int i = 0; i < 3; i++) {
      Transport.send(message(session, "bob@" + PINNED));
    }
    SharedStacks.Lease lease = SharedStacks.instance().acquire(settings);
    try {
      assertEquals(1, lease.stack().map.loads());
      Files.writeString(world.map(), "'mx." + ONION + "': [" + PINNED + ", later.example]\n");
      Files.setLastModifiedTime(
          world.map(), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (lease.stack().map.loads() < 2 && System.nanoTime() < deadline) {
        lease.stack().resolver.resolve("later.example");
        Thread.sleep(100);
      }
      assertEquals(2, lease.stack().map.loads());
    } finally {
      lease.release();
    }
    Transport.send(message(session, "carol@later.example"));
    assertEquals(4, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void anIdleStackIsClosedAndItsSessionsWithIt() throws Exception {
    Properties p = onionForAllMail(world.properties());
    p.setProperty("mail.onion-smtp.idle-timeout", "300");
    Session session = Session.getInstance(p);
    OnionSmtpSettings settings = OnionSmtpSettings.from(p);

    Transport.send(message(session, "bob@" + PINNED));
    SharedStacks.Lease first = SharedStacks.instance().acquire(settings);
    OnionStack before = first.stack();
    first.release();
    Thread.sleep(1_500);
    Transport.send(message(session, "bob@" + PINNED));

    SharedStacks.Lease second = SharedStacks.instance().acquire(settings);
    try {
      assertNotSame(before, second.stack());
    } finally {
      second.release();
    }
    assertEquals(2, world.tor().connects().size()); // the first session was closed with its stack
    byte[] raw = "Subject: x\r\n\r\nx\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThrows( // its mailer was closed with it
        IllegalStateException.class,
        () -> before.sender.send(SENDER, List.of("bob@" + PINNED), raw));
  }

  @Test
  void aConnectedTransportKeepsItsStackAliveWhileIdle() throws Exception {
    Properties p = onionForAllMail(world.properties());
    p.setProperty("mail.onion-smtp.idle-timeout", "200");
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport()) {
      t.connect();
      MimeMessage m = message(session, "bob@" + PINNED);
      t.sendMessage(m, m.getAllRecipients());
      Thread.sleep(800);
      Transport.send(message(session, "carol@" + PINNED)); // another transport, same stack
      t.sendMessage(m, m.getAllRecipients());
    }
    assertEquals(3, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void shutdownClosesEveryStackAndLaterSendsBuildANewOne() throws Exception {
    Session session = Session.getInstance(onionForAllMail(world.properties()));
    Transport connected = session.getTransport();
    connected.connect();
    MimeMessage m = message(session, "bob@" + PINNED);
    connected.sendMessage(m, m.getAllRecipients());

    OnionSmtp.shutdown();

    MessagingException e =
        assertThrows(
            MessagingException.class, () -> connected.sendMessage(m, m.getAllRecipients()));
    assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    connected.close();
    Transport.send(message(session, "carol@" + PINNED));
    assertEquals(2, world.onionServer().getReceivedMessages().length);
    assertEquals(2, world.tor().connects().size());
  }

  @Test
  void manyThreadsSendingAtOnceShareOneStackAndLoseNothing() throws Exception {
    Session session = Session.getInstance(onionForAllMail(world.properties()));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        int n = i;
        sends.add(
            pool.submit(
                () -> {
                  Transport.send(message(session, "user" + n + "@" + PINNED));
                  return null;
                }));
      }
      for (Future<?> f : sends) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(80, world.onionServer().getReceivedMessages().length);
    int connects = world.tor().connects().size();
    assertTrue(connects <= 4, connects + " SOCKS connects for one destination (pool bound 4)");
  }

  @Test
  void aFailedBuildKeepsNothingAndTheNextSendTriesAgain() throws Exception {
    Properties p = onionForAllMail(world.properties());
    Path later = dir.resolve("later.yml");
    p.setProperty("mail.onion-smtp.map", later.toString());
    Session session = Session.getInstance(p);

    MessagingException e =
        assertThrows(
            MessagingException.class, () -> Transport.send(message(session, "bob@" + PINNED)));
    assertTrue(e.getMessage().contains("mail.onion-smtp.map"), e.getMessage());

    Files.writeString(later, "'mx." + ONION + "': [" + PINNED + "]\n");
    Transport.send(message(session, "bob@" + PINNED));
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void aUnicodeDomainAndItsALabelInOneSendAreBothDeliveredAndListed() throws Exception {
    Files.writeString(world.map(), "'mx." + ONION + "': [" + PINNED + ", xn--bcher-kva.example]\n");
    Session session = Session.getInstance(onionForAllMail(world.properties()));
    MailWorld.Events events = new MailWorld.Events();
    Address[] to = {
      new InternetAddress("bob@bücher.example"), new InternetAddress("carol@xn--bcher-kva.example")
    };
    try (Transport t = session.getTransport()) {
      t.addTransportListener(events);
      t.connect();
      t.sendMessage(message(session, "bob@" + PINNED), to);
      var event = events.next();
      assertEquals(2, event.getValidSentAddresses().length);
      assertSame(to[0], event.getValidSentAddresses()[0]);
      assertSame(to[1], event.getValidSentAddresses()[1]);
    }
    MimeMessage[] received = world.onionServer().getReceivedMessages();
    assertEquals(2, received.length); // GreenMail files one copy per recipient
    assertEquals(2, world.onionServer().getUserManager().listUser().size());
  }

  @Test
  void mailDebugPrintsTheOnionHopsSmtpDialogueToTheSessionsDebugStream() throws Exception {
    java.io.ByteArrayOutputStream transcript = new java.io.ByteArrayOutputStream();
    Session session = Session.getInstance(onionForAllMail(world.properties()));
    session.setDebugOut(new java.io.PrintStream(transcript, true, "UTF-8"));
    session.setDebug(true);

    Transport.send(message(session, "bob@" + PINNED));

    String text = transcript.toString("UTF-8");
    assertTrue(text.contains("EHLO [127.0.0.1]"), text);
    assertTrue(text.contains("RCPT TO:<bob@" + PINNED + ">"), text);
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void aSendWithNoSenderFailsBeforeAnythingIsSent() throws Exception {
    Session session = Session.getInstance(onionForAllMail(world.properties()));
    MimeMessage m = new MimeMessage(session);
    m.setText("x");
    m.setRecipients(Message.RecipientType.TO, "bob@" + PINNED + ", erin@" + MailWorld.CLEAR);
    MessagingException e = assertThrows(MessagingException.class, () -> Transport.send(m));
    assertTrue(!(e instanceof SendFailedException), e.toString());
    assertEquals(0, world.onionServer().getReceivedMessages().length);
    assertEquals(0, world.relay().getReceivedMessages().length);
  }
}
