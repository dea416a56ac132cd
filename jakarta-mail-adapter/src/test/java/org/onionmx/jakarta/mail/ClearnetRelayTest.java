package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.jakarta.mail.MailWorld.CLEAR;
import static org.onionmx.jakarta.mail.MailWorld.PINNED;
import static org.onionmx.jakarta.mail.MailWorld.SENDER;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.Resolution;

/** Domains without an onion route go through the application's relay with its verdicts kept. */
class ClearnetRelayTest {
  private static final String GONE = "gone@" + CLEAR;

  @RegisterExtension final MailWorld world = MailWorld.withScriptedRelay();
  private Session session;

  @BeforeEach
  void sessionThatSendsPartially() {
    world.scriptedRelay().replyToRecipient(GONE, "550 5.1.1 unknown user");
    Properties p = world.properties();
    p.setProperty("mail.smtp.sendpartial", "true");
    session = Session.getInstance(p);
  }

  private MimeMessage message() throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(SENDER));
    m.setText("hi");
    m.saveChanges();
    return m;
  }

  @Test
  void relayRefusalIsInvalidWithTheRelaysReplyCode() throws Exception {
    Address gone = new InternetAddress(GONE);
    Address ok = new InternetAddress("ok@" + CLEAR);
    Address onion = new InternetAddress("bob@" + PINNED);
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      SendFailedException e =
          assertThrows(
              SendFailedException.class,
              () -> t.sendMessage(message(), new Address[] {onion, gone, ok}));

      assertEquals(2, e.getValidSentAddresses().length);
      assertEquals(gone, e.getInvalidAddresses()[0]);
      OnionDeliveryException failure = (OnionDeliveryException) e.getNextException();
      SMTPAddressFailedException refused =
          assertInstanceOf(SMTPAddressFailedException.class, failure.relayFailure().orElseThrow());
      assertEquals(550, refused.getReturnCode());
      assertFalse(failure.isTemporary());
      assertInstanceOf(Resolution.NoOnionRoute.class, failure.resolution().orElseThrow());

      t.sendMessage(message(), new Address[] {ok}); // the relay connection is still usable
    }
    assertEquals(2, world.scriptedRelay().transactions().size());
    assertEquals(1, world.scriptedRelay().connections());
    assertEquals(1, world.onionServer().getReceivedMessages().length);
  }

  @Test
  void relayRefusingTheMessageIsPermanentForItsRecipients() throws Exception {
    world.scriptedRelay().replyToEndOfData("554 5.7.1 rejected as spam");
    Address ok = new InternetAddress("ok@" + CLEAR);
    try (Transport t = session.getTransport(OnionSmtp.PROTOCOL)) {
      t.connect();
      SendFailedException e =
          assertThrows(
              SendFailedException.class, () -> t.sendMessage(message(), new Address[] {ok}));

      assertEquals(ok, e.getValidUnsentAddresses()[0]);
      OnionDeliveryException failure = (OnionDeliveryException) e.getNextException();
      assertFalse(failure.isTemporary());
      assertTrue(failure.getMessage().contains("554"), failure.getMessage());
    }
  }
}
