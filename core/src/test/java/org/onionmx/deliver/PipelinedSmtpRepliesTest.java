package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.Rejected;
import org.onionmx.testing.smtp.ScriptedSmtpServer;

/**
 * Every SMTP reply case of {@link SmtpRepliesTest} again, against servers that offer PIPELINING
 * (RFC 2920) and hold their replies to MAIL FROM and RCPT TO until the group's last command: only a
 * client that sends the group without waiting gets through; the results must be the same. Then the
 * cases that only pipelining has.
 */
class PipelinedSmtpRepliesTest extends SmtpRepliesTest {
  private static final String A = "a@example.org";
  private static final String B = "b@example.org";

  @Override
  ScriptedSmtpServer server() throws IOException {
    return ScriptedSmtpServer.start().holdRepliesUntilGroupEnds();
  }

  @Test
  void theGroupGoesOutBeforeAnyReply() {
    assertTrue(deliver(A, B).allAccepted());

    assertTrue(
        onion.server("mx1").commandsBeforeReply() >= 2,
        "commands sent early: " + onion.server("mx1").commandsBeforeReply());
    List<String> commands = onion.server("mx1").commands();
    assertEquals(
        List.of(
            "MAIL FROM:<alice@sender.example> BODY=8BITMIME",
            "RCPT TO:<" + A + ">",
            "RCPT TO:<" + B + ">",
            "DATA"),
        commands.subList(commands.size() - 4, commands.size()));
  }

  @Test
  void aClientThatWaitsForEachReplyCannotGetThrough() throws Exception {
    try (OnionMailer waiting =
        Fixtures.mailer(onion.proxy())
            .pipelining(false)
            .readTimeout(Duration.ofMillis(300))
            .build()) {
      Deferred d =
          assertInstanceOf(
              Deferred.class,
              waiting
                  .deliver(route(target("mx1")), envelope(A), rawMessage("s", "b"))
                  .resultFor(A));

      assertTrue(d.failure().temporary());
    }
    assertEquals(0, onion.server("mx1").transactions().size());
  }

  @Test
  void dataTakenWithoutAnyRecipientIsEndedWithALoneDotAndNothingIsSent() {
    onion.server("mx1").acceptDataWithoutRecipients().replyToRecipient(A, "550 5.1.1 no such user");
    onion.server("mx1").replyToRecipient(B, "550 5.1.1 no such user");

    DeliveryReport report = deliver(A, B);

    assertEquals(2, report.ofType(Rejected.class).size(), report.toString());
    assertEquals(1, onion.server("mx1").transactions().size());
    ScriptedSmtpServer.Transaction empty = onion.server("mx1").transactions().get(0);
    assertEquals(List.of(), empty.recipients());
    assertArrayEquals(new byte[0], empty.data());
    assertEquals(0, onion.server("mx2").connections());

    onion.server("mx1").replyToRecipient(A, "250 2.1.5 OK");
    assertTrue(deliver(A).allAccepted());
    assertEquals(1, onion.server("mx1").connections());
  }

  @Test
  void dataTakenAfterARefusedSenderIsEndedWithALoneDot() {
    onion.server("mx1").acceptDataWithoutRecipients().replyToMail("553 5.7.1 sender refused");

    DeliveryReport report = deliver(A);

    Rejected r = assertInstanceOf(Rejected.class, report.resultFor(A));
    assertEquals(new Failure.Smtp(553, "553 5.7.1 sender refused"), r.failure());
    assertTrue(onion.server("mx1").transactions().stream().allMatch(t -> t.data().length == 0));
  }

  @Test
  void aSessionCarriesManyPipelinedMessages() {
    for (int i = 0; i < 20; i++) {
      assertInstanceOf(Accepted.class, deliver(A).resultFor(A));
    }

    assertEquals(20, onion.server("mx1").transactions().size());
    assertEquals(1, onion.server("mx1").connections());
  }
}
