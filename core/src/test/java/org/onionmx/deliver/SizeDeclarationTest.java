package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Rejected;

/**
 * RFC 1870: raw messages declare their size where the server offers SIZE, so that one too large for
 * the server is refused at MAIL FROM, before its body crosses Tor.
 */
class SizeDeclarationTest {
  private static final String A = "a@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx1");

  private RecipientResult deliver(byte[] raw) {
    return onion.mailer().deliver(route(target("mx1")), envelope(A), raw).resultFor(A);
  }

  private String mailFrom() {
    return onion.server().commands().stream()
        .filter(c -> c.startsWith("MAIL"))
        .findFirst()
        .orElseThrow();
  }

  private static long declared(String mailFrom) {
    int at = mailFrom.indexOf(" SIZE=");
    return Long.parseLong(mailFrom.substring(at + 6).split(" ")[0]);
  }

  @Test
  void declaredSizeIsExactlyWhatTheServerReceives() {
    onion.server().offerSize(1_000_000);
    // bare LF, bare CR, CRLF, a leading dot, and no line end at the end: Angus fixes all of them
    byte[] raw = "Subject: s\n\rX: y\r\n\r\n.dot\nlast".getBytes(StandardCharsets.UTF_8);

    assertInstanceOf(Accepted.class, deliver(raw));

    assertEquals(
        onion.server().transactions().get(0).data().length, declared(mailFrom()), mailFrom());
  }

  @Test
  void messageLargerThanTheServersLimitIsRefusedBeforeItsBodyIsSent() {
    onion.server().offerSize(100);
    byte[] raw =
        ("Subject: big\r\n\r\n" + "x".repeat(10_000) + "\r\n").getBytes(StandardCharsets.UTF_8);

    Rejected r = assertInstanceOf(Rejected.class, deliver(raw));

    assertEquals(552, ((Failure.Smtp) r.failure()).code(), r::toString);
    assertFalse(
        onion.server().commands().contains("DATA"),
        "the body never went: " + onion.server().commands());
  }

  @Test
  void noSizeIsDeclaredToAServerThatDoesNotOfferIt() {
    assertInstanceOf(Accepted.class, deliver(Fixtures.rawMessage("s", "b")));

    assertFalse(mailFrom().contains("SIZE="), mailFrom());
  }

  @Test
  void aMimeMessageDeclaresNoSizeSinceItIsKnownOnlyOnceWritten() throws Exception {
    onion.server().offerSize(1_000_000);
    MimeMessage m = onion.mailer().newMessage();
    m.setFrom(new InternetAddress("alice@sender.example"));
    m.setText("body");

    onion.mailer().deliver(route(target("mx1")), envelope(A), m);

    assertTrue(mailFrom().endsWith("BODY=8BITMIME"), mailFrom());
  }
}
