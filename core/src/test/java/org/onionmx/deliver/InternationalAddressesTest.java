package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Rejected;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;

/**
 * Addresses beyond ASCII (RFC 6531): a Unicode domain goes as A-labels to any server; a non-ASCII
 * local part goes in UTF-8 with SMTPUTF8 where the server offers it, and is never sent where it
 * does not, since any other encoding names another mailbox.
 */
class InternationalAddressesTest {
  private static final String JOERG = "jörg@example.org";
  private static final String BOB = "bob@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx1");

  private DeliveryReport deliver(String from, String... recipients) {
    return onion
        .mailer()
        .deliver(route(target("mx1")), Envelope.of(from, recipients), rawMessage("s", "b"));
  }

  private String command(String prefix) {
    return onion.server().commands().stream()
        .filter(c -> c.startsWith(prefix))
        .findFirst()
        .orElse(null);
  }

  @Test
  void nonAsciiAddressesGoInUtf8WithSmtpUtf8WhereItIsOffered() {
    onion.server().offerSmtpUtf8();

    DeliveryReport report = deliver("sénder@sender.example", JOERG);

    assertInstanceOf(Accepted.class, report.resultFor(JOERG), report::toString);
    assertEquals("MAIL FROM:<sénder@sender.example> SMTPUTF8 BODY=8BITMIME", command("MAIL"));
    assertEquals("RCPT TO:<jörg@example.org>", command("RCPT"));
    assertEquals(List.of(JOERG), onion.server().transactions().get(0).recipients());
  }

  @Test
  void asciiEnvelopeIsNotFlaggedSmtpUtf8EvenWhereItIsOffered() {
    onion.server().offerSmtpUtf8();

    deliver("alice@sender.example", BOB);

    assertEquals("MAIL FROM:<alice@sender.example> BODY=8BITMIME", command("MAIL"));
  }

  @Test
  void nonAsciiRecipientIsNotSentWithoutSmtpUtf8AndTheOthersAre() {
    DeliveryReport report = deliver("alice@sender.example", JOERG, BOB);

    Rejected r = assertInstanceOf(Rejected.class, report.resultFor(JOERG), report::toString);
    Failure.Unsupported u = assertInstanceOf(Failure.Unsupported.class, r.failure());
    assertEquals("SMTPUTF8", u.extension());
    assertTrue(u.text().contains("jörg@example.org"), u::text);
    assertFalse(u.temporary());
    assertInstanceOf(Accepted.class, report.resultFor(BOB), report::toString);
    assertEquals(
        List.of(JOERG, BOB),
        List.copyOf(report.results().stream().map(x -> x.recipient()).toList()));
    assertEquals(
        List.of("RCPT TO:<bob@example.org>"),
        onion.server().commands().stream().filter(c -> c.startsWith("RCPT")).toList());
    assertEquals("MAIL FROM:<alice@sender.example> BODY=8BITMIME", command("MAIL"));
  }

  @Test
  void nonAsciiSenderSendsNothingWithoutSmtpUtf8AndLeavesTheSessionUsable() {
    DeliveryReport report = deliver("sénder@sender.example", BOB);

    Rejected r = assertInstanceOf(Rejected.class, report.resultFor(BOB), report::toString);
    assertTrue(r.failure().text().contains("the sender sénder@sender.example"), r::toString);
    assertEquals(null, command("MAIL"), "nothing said for this message");

    assertInstanceOf(Accepted.class, deliver("alice@sender.example", BOB).resultFor(BOB));
    assertEquals(1, onion.proxy().connects().size(), "the next message used the same session");
  }

  @Test
  void unicodeDomainsGoAsALabelsToAServerWithoutSmtpUtf8() {
    String recipient = "bob@bücher.example";
    Resolution.Routed route =
        new Resolution.Routed(
            "xn--bcher-kva.example", List.of(target("mx1")), RouteSource.MAP, Instant.MAX);

    DeliveryReport report =
        onion
            .mailer()
            .deliver(route, Envelope.of("alice@bücher.example", recipient), rawMessage("s", "b"));

    assertInstanceOf(Accepted.class, report.resultFor(recipient), report::toString);
    assertEquals("MAIL FROM:<alice@xn--bcher-kva.example> BODY=8BITMIME", command("MAIL"));
    assertEquals("RCPT TO:<bob@xn--bcher-kva.example>", command("RCPT"));
  }

  @Test
  void envelopeRefusesAUnicodeDomainThatHasNoALabelForm() {
    String tooLong = "bob@" + "ü".repeat(60) + ".example"; // its A-label exceeds 63 octets

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Envelope.of("alice@sender.example", tooLong));

    assertTrue(e.getMessage().contains("has an invalid domain"), e::getMessage);
  }
}
