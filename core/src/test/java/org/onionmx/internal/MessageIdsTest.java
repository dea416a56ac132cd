package org.onionmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Which Message-IDs go out. {@code mail.host} stands in for the local host name: Jakarta Mail
 * builds its ID from it as it would from {@code InetAddress.getLocalHost()}.
 */
class MessageIdsTest {
  private static final String MACHINE = "workstation.corp.example";
  private static final String UUID_AT = "<[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}@";

  private static MimeMessage message(String from, Properties p) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(p));
    if (from != null) {
      m.setFrom(new InternetAddress(from));
    }
    m.setText("x");
    return m;
  }

  private static Properties machine() {
    Properties p = new Properties();
    p.setProperty("mail.host", MACHINE);
    return p;
  }

  @Test
  void idJakartaMailBuiltFromTheHostNameIsReplaced() throws Exception {
    MimeMessage m = message("alice@sender.example", machine());
    m.saveChanges();
    String saved = m.getMessageID();
    assertTrue(saved.endsWith("@" + MACHINE + ">"), saved);

    String id = MessageIds.forSending(m);

    assertTrue(id.matches(UUID_AT + "sender\\.example>"), id);
    assertEquals(saved, m.getMessageID(), "forSending only reads the message");
  }

  @Test
  void idJakartaMailBuiltFromTheSendersDomainIsKept() throws Exception {
    Properties p = new Properties();
    p.setProperty("mail.from", "alice@sender.example");
    MimeMessage m = message("alice@sender.example", p);
    m.saveChanges();

    assertEquals(m.getMessageID(), MessageIds.forSending(m));
  }

  @Test
  void idTheApplicationChoseIsKeptWhateverItsDomain() throws Exception {
    MimeMessage m = message("alice@sender.example", machine());
    m.setHeader("Message-ID", "<order-42@" + MACHINE + ">");

    assertEquals("<order-42@" + MACHINE + ">", MessageIds.forSending(m));
  }

  @Test
  void messageWithoutIdGetsANewOneAtTheSendersDomain() throws Exception {
    MimeMessage m = message("Alice <alice@Sender.Example>", machine());
    assertNull(m.getMessageID());

    String first = MessageIds.forSending(m);
    String second = MessageIds.forSending(m);

    assertTrue(first.matches(UUID_AT + "Sender\\.Example>"), first);
    assertNotEquals(first, second, "random, not derived from the message");
  }

  @Test
  void messageWithoutAUsableFromGetsTheInvalidDomain() throws Exception {
    assertTrue(MessageIds.newId(message(null, machine())).matches(UUID_AT + "onionmx\\.invalid>"));
    assertTrue(
        MessageIds.newId(message("undisclosed-sender", machine()))
            .matches(UUID_AT + "onionmx\\.invalid>"));
  }

  @Test
  void jakartaFormIsRecognisedOnlyWhenItsDomainIsNotTheSenders() {
    assertTrue(MessageIds.madeByJakartaMail("<1.2.3@" + MACHINE + ">", "sender.example"));
    assertTrue(MessageIds.madeByJakartaMail(" <1.2.3@" + MACHINE + ">\r\n", "sender.example"));
    assertFalse(MessageIds.madeByJakartaMail("<1.2.3@SENDER.example>", "sender.example"));
    assertFalse(MessageIds.madeByJakartaMail("<1.2@" + MACHINE + ">", "sender.example"));
    assertFalse(MessageIds.madeByJakartaMail("<a.2.3@" + MACHINE + ">", "sender.example"));
  }
}
