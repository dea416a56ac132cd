package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.Rejected;
import org.onionmx.testing.smtp.ScriptedSmtpServer;

/** SMTP answers become per-recipient results; temporary ones move on to the next target. */
class SmtpRepliesTest {
  private static final String A = "a@example.org";
  private static final String B = "b@example.org";
  private static final String C = "c@example.org";

  @RegisterExtension
  final ScriptedOnion onion = ScriptedOnion.each("mx1", "mx2").startingServersWith(this::server);

  /** The receiving servers: ones that answer each command as it comes. */
  ScriptedSmtpServer server() throws IOException {
    return ScriptedSmtpServer.start();
  }

  DeliveryReport deliver(String... recipients) {
    return onion
        .mailer()
        .deliver(route(target("mx1"), target("mx2")), envelope(recipients), rawMessage("s", "b"));
  }

  @Test
  void ehloSendsTheNeutralNameNeverTheHostName() {
    deliver(A);

    assertEquals(List.of(OnionMailer.DEFAULT_EHLO_NAME), onion.server("mx1").ehloNames());
  }

  @Test
  void ehloNameIsConfigurable() throws Exception {
    try (OnionMailer m = Fixtures.mailer(onion.proxy()).ehloName("mx.sender.example").build()) {
      m.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b"));
    }

    assertEquals(List.of("mx.sender.example"), onion.server("mx1").ehloNames());
  }

  @Test
  void rawBytesReachTheServerUnchanged() {
    byte[] raw = rawMessage("exact", "line one\r\n.dot line\r\nünïcödé 8-bit");

    deliver(A);
    onion.mailer().deliver(route(target("mx1")), envelope(B), raw);

    assertArrayEquals(raw, onion.server("mx1").transactions().get(1).data());
    assertEquals("alice@sender.example", onion.server("mx1").transactions().get(1).mailFrom());
  }

  @Test
  void eightBitBodyIsDeclaredToAServerOffering8BitMime() {
    deliver(A);

    assertTrue(
        onion.server("mx1").commands().contains("MAIL FROM:<alice@sender.example> BODY=8BITMIME"),
        onion.server("mx1").commands().toString());
  }

  @Test
  void plainMimeMessageFromASessionWithMailFromIsSentAsItWritesItself() throws Exception {
    java.util.Properties props = new java.util.Properties();
    props.put("mail.from", "alice@sender.example");
    jakarta.mail.internet.MimeMessage message =
        new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(props));
    message.setFrom("alice@sender.example");
    message.setSubject("plain");
    message.setText("body");

    assertTrue(onion.mailer().deliver(route(target("mx1")), envelope(A), message).allAccepted());

    String data = onion.server("mx1").transactions().get(0).text();
    assertTrue(data.contains("Subject: plain"), data);
    assertTrue(data.contains("Message-ID: <") && data.contains("@sender.example>"), data);
  }

  @Test
  void nullReversePathIsSentAsEmptyBrackets() {
    onion
        .mailer()
        .deliver(route(target("mx1")), new Envelope("", List.of(A)), rawMessage("bounce", "x"));

    assertTrue(
        onion.server("mx1").commands().stream().anyMatch(c -> c.startsWith("MAIL FROM:<> ")),
        onion.server("mx1").commands().toString());
  }

  @Test
  void eachRecipientGetsItsOwnAnswer() {
    onion
        .server("mx1")
        .replyToRecipient(B, "550 5.1.1 no such user")
        .replyToRecipient(C, "452 4.2.2 full");
    onion.server("mx2").replyToRecipient(C, "451 4.3.0 try later");

    DeliveryReport report = deliver(A, B, C);

    Accepted a = assertInstanceOf(Accepted.class, report.resultFor(A));
    assertEquals(target("mx1"), a.target());
    Rejected b = assertInstanceOf(Rejected.class, report.resultFor(B));
    assertEquals(new Failure.Smtp(550, "550 5.1.1 no such user"), b.failure());
    Deferred c = assertInstanceOf(Deferred.class, report.resultFor(C));
    assertEquals(new Failure.Smtp(451, "451 4.3.0 try later"), c.failure());
    assertEquals(target("mx2"), c.target());
    assertEquals(
        List.of(A, B, C), report.results().stream().map(RecipientResult::recipient).toList());
  }

  @Test
  void temporarilyRefusedRecipientIsTriedOnTheNextTarget() {
    onion.server("mx1").replyToRecipient(B, "450 4.2.1 greylisted");

    DeliveryReport report = deliver(A, B);

    assertTrue(report.allAccepted(), report.toString());
    assertEquals(target("mx1"), report.resultFor(A).target());
    assertEquals(target("mx2"), report.resultFor(B).target());
    assertEquals(List.of(A), onion.server("mx1").transactions().get(0).recipients());
    assertEquals(List.of(B), onion.server("mx2").transactions().get(0).recipients());
  }

  @Test
  void greeting421MovesToTheNextTarget() {
    onion.server("mx1").greeting("421 4.3.2 shutting down");

    DeliveryReport report = deliver(A);

    assertEquals(target("mx2"), assertInstanceOf(Accepted.class, report.resultFor(A)).target());
    assertEquals(List.of(target("mx1"), target("mx2")), report.targetsTried());
  }

  @Test
  void greeting554OnEveryTargetRejects() {
    onion.server("mx1").greeting("554 5.3.2 no service");
    onion.server("mx2").greeting("554 5.3.2 no service");

    Rejected r = assertInstanceOf(Rejected.class, deliver(A).resultFor(A));

    assertEquals(554, ((Failure.Smtp) r.failure()).code());
    assertEquals(target("mx2"), r.target());
  }

  @Test
  void fourHundredForEveryRecipientMovesToTheNextTarget() {
    onion.server("mx1").replyToMail("421 4.7.0 too busy");

    DeliveryReport report = deliver(A, B);

    assertTrue(report.allAccepted(), report.toString());
    assertEquals(List.of(A, B), onion.server("mx2").transactions().get(0).recipients());
  }

  @Test
  void permanentMailFromRefusalStopsAtTheFirstTarget() {
    onion.server("mx1").replyToMail("553 5.7.1 sender refused");

    DeliveryReport report = deliver(A, B);

    assertEquals(2, report.ofType(Rejected.class).size());
    assertEquals(0, onion.server("mx2").connections());
  }

  @Test
  void refusedFinalDotRejectsOrDefersEveryAcceptedRecipient() {
    onion.server("mx1").replyToEndOfData("554 5.6.0 content refused");

    DeliveryReport rejected = deliver(A, B);

    assertEquals(2, rejected.ofType(Rejected.class).size());
    assertEquals(0, onion.server("mx2").connections());

    onion.server("mx1").replyToEndOfData("452 4.3.1 out of memory");
    onion.server("mx2").replyToEndOfData("452 4.3.1 out of memory");
    DeliveryReport deferred = deliver(A);
    assertEquals(
        new Failure.Smtp(452, "452 4.3.1 out of memory"),
        assertInstanceOf(Deferred.class, deferred.resultFor(A)).failure());
  }

  @Test
  void refusedDataCommandFailsTheAcceptedRecipients() {
    onion.server("mx1").replyToData("554 5.5.0 no data today");

    Rejected r = assertInstanceOf(Rejected.class, deliver(A).resultFor(A));

    assertEquals(554, ((Failure.Smtp) r.failure()).code());
    assertFalse(r.failure().temporary());
  }

  @Test
  void sessionStaysUsableAfterARefusedRecipient() {
    onion.server("mx1").replyToRecipient(B, "550 5.1.1 no such user");

    deliver(B);
    DeliveryReport next = deliver(A);

    assertTrue(next.allAccepted());
    assertEquals(1, onion.server("mx1").connections());
  }
}
