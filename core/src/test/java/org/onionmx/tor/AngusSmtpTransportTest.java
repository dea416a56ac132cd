package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.Socket;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * Angus Mail's SMTP dialogue runs on a stream from the connector: it reads the destination from
 * {@code getInetAddress().getHostName()}, which must neither be null nor cause a look-up.
 */
class AngusSmtpTransportTest {
  @Test
  void smtpTransportDeliversOverTheConnectorsStream() throws Exception {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    smtp.start();
    try (FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(ONION, smtp.getSmtp().getPort());
      Properties props = new Properties();
      props.put("mail.smtp.localhost", "[127.0.0.1]"); // EHLO without the local host name
      props.put("mail.from", "alice@sender.invalid"); // Message-ID without the local host name
      Session session = Session.getInstance(props);
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress("alice@sender.invalid"));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@receiver.invalid"));
      message.setSubject("through the fake Tor");
      message.setText("hello\r\n");
      message.saveChanges();

      TorSocksConnector connector = connectorFor(proxy.port()).build();
      String key = IsolationMode.PER_DESTINATION.isolationKey(ONION, null);
      SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
      try (Socket socket = connector.open(ONION, 25, key)) {
        transport.connect(socket);
        transport.sendMessage(message, message.getAllRecipients());
        transport.close();
      }

      assertEquals(1, smtp.getReceivedMessages().length);
      assertEquals("through the fake Tor", smtp.getReceivedMessages()[0].getSubject());
      proxy.assertNoIpDestinations();
      proxy.assertNoOsLoginAsUser();
    } finally {
      smtp.stop();
    }
  }
}
