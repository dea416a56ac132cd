package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.deliver.DeliveryListener;
import org.onionmx.deliver.RecipientResult;

/**
 * {@link OnionSmtp#stack}: a hold on the stack the transports of one configuration share, and
 * {@code mail.onion-smtp.listener}, a delivery listener attached to that stack.
 */
class OnionSmtpStackTest {
  @RegisterExtension final MailWorld world = new MailWorld();

  private static void send(Session session) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setRecipients(Message.RecipientType.TO, "bob@" + PINNED);
    m.setText("hi\r\n");
    m.saveChanges();
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  @Test
  void aHeldStackIsTheOneTransportsWithTheSameConfigurationUse() throws Exception {
    try (OnionSmtpStack stack = OnionSmtp.stack(world.properties());
        OnionSmtpTransport transport =
            (OnionSmtpTransport) world.session().getTransport(OnionSmtp.PROTOCOL)) {
      transport.connect();
      assertSame(stack.health(), transport.health());
      assertEquals(world.tor().port(), stack.socksListener().getPort());
      assertTrue(stack.bootstrapStatus().isEmpty(), "no control port configured");
    }
  }

  @Test
  void closingTheLastHoldClosesTheStackAtOnce() throws Exception {
    int before = SharedStacks.instance().size();
    OnionSmtpStack stack = OnionSmtp.stack(world.properties());
    assertEquals(before + 1, SharedStacks.instance().size());

    stack.close();
    stack.close(); // the second does nothing

    assertEquals(before, SharedStacks.instance().size());
  }

  @Test
  void aListenerPropertyIsToldOfItsStacksDeliveriesAndHasAStackOfItsOwn() throws Exception {
    List<RecipientResult> results = new CopyOnWriteArrayList<>();
    DeliveryListener listener =
        new DeliveryListener() {
          @Override
          public void recipientResult(String domain, RecipientResult result) {
            results.add(result);
          }
        };
    Properties p = world.properties();
    p.put("mail.onion-smtp.listener", listener);

    send(Session.getInstance(p));

    assertEquals(1, results.size());
    assertInstanceOf(RecipientResult.Accepted.class, results.get(0));
    try (OnionSmtpStack withListener = OnionSmtp.stack(p);
        OnionSmtpStack without = OnionSmtp.stack(world.properties())) {
      assertNotSame(withListener.mailer(), without.mailer());
    }
  }

  @Test
  void aListenerGivenAsTextIsRefusedNamingTheProperty() {
    Properties p = world.properties();
    p.setProperty("mail.onion-smtp.listener", "com.example.MyListener");

    MessagingException e = assertThrows(MessagingException.class, () -> OnionSmtp.stack(p));

    assertTrue(e.getMessage().contains("mail.onion-smtp.listener"), e.getMessage());
  }
}
