package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.Rejected;
import org.onionmx.testing.smtp.PostfixSmtpSink;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * Delivery through the SOCKS hop into a real MTA's SMTP server, Postfix's smtp-sink, which offers
 * PIPELINING: messages arrive intact with and without pipelining, and the server's refusals inside
 * a pipelined group become the right per-recipient results.
 */
class PostfixSinkDeliveryIT {
  private static final String A = "a@example.org";
  private static final String B = "b@example.org";
  private static final String C = "c@example.org";

  @ParameterizedTest(name = "pipelining {0}")
  @ValueSource(booleans = {true, false})
  void messagesArriveIntactOnOneSession(boolean pipelining, @TempDir Path dir) throws Exception {
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(dir.resolve("kept"));
        FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(host("mx1"), sink.port());
      try (OnionMailer mailer = Fixtures.mailer(proxy).pipelining(pipelining).build()) {
        for (int i = 0; i < 20; i++) {
          DeliveryReport r =
              mailer.deliver(
                  route(target("mx1")),
                  envelope(A, B, C),
                  rawMessage("m" + i, "line\r\n.leading dot\r\nünïcödé " + i));
          assertTrue(r.allAccepted(), r.toString());
        }
      }
      assertEquals(20, sink.awaitReceived(20, 5000));
      List<String> kept = sink.messages();
      assertEquals(20, kept.size());
      for (String m : kept) {
        assertTrue(
            m.contains(
                "X-Rcpt-Args: <" + A + ">\nX-Rcpt-Args: <" + B + ">\nX-Rcpt-Args: <" + C + ">\n"),
            m);
        assertTrue(m.contains("\nline\n.leading dot\nünïcödé "), m);
      }
      assertEquals(1, proxy.connects().size(), "one SOCKS stream for all 20 messages");
    }
  }

  @Test
  void nonAsciiRecipientIsNeverSentToAServerWithoutSmtpUtf8AndTheOthersArrive(@TempDir Path dir)
      throws Exception {
    String joerg = "jörg@example.org";
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(dir.resolve("kept"));
        FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(host("mx1"), sink.port());
      DeliveryReport report;
      try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
        report = mailer.deliver(route(target("mx1")), envelope(joerg, A), rawMessage("s", "b"));
      }

      Rejected r = assertInstanceOf(Rejected.class, report.resultFor(joerg), report::toString);
      assertInstanceOf(Failure.Unsupported.class, r.failure());
      assertInstanceOf(RecipientResult.Accepted.class, report.resultFor(A), report::toString);
      assertEquals(1, sink.awaitReceived(1, 5000));
      String kept = sink.messages().get(0);
      assertTrue(kept.contains("X-Rcpt-Args: <" + A + ">\n"), kept);
      assertEquals(1, kept.split("X-Rcpt-Args:", -1).length - 1, "only " + A + ": " + kept);
    }
  }

  @Test
  void temporarilyRefusedRecipientsInAGroupAreDeferredAndNothingIsTaken() throws Exception {
    List<DeliveryReport> reports =
        deliverToRefusingSink(List.of(envelope(A, B), envelope(C)), "-r", "rcpt");

    for (String rcpt : List.of(A, B)) {
      Deferred d = assertInstanceOf(Deferred.class, reports.get(0).resultFor(rcpt));
      assertEquals(450, ((Failure.Smtp) d.failure()).code(), d.toString());
    }
    assertInstanceOf(
        Deferred.class, reports.get(1).resultFor(C), "the session goes on after the refused group");
  }

  @Test
  void refusedSenderInAGroupRejectsEveryRecipient() throws Exception {
    DeliveryReport report = deliverToRefusingSink(List.of(envelope(A, B)), "-f", "mail").get(0);

    for (String rcpt : List.of(A, B)) {
      Rejected x = assertInstanceOf(Rejected.class, report.resultFor(rcpt));
      assertEquals(500, ((Failure.Smtp) x.failure()).code(), x.toString());
    }
  }

  /**
   * Delivers one message per envelope, pipelined, on one session into a sink started with {@code
   * options}, and checks that the sink took none of them once the session has ended.
   */
  private static List<DeliveryReport> deliverToRefusingSink(
      List<Envelope> envelopes, String... options) throws Exception {
    List<DeliveryReport> reports = new java.util.ArrayList<>();
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(null, options);
        FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(host("mx1"), sink.port());
      int before = sink.sessions();
      try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
        for (Envelope e : envelopes) {
          reports.add(mailer.deliver(route(target("mx1")), e, rawMessage("s", "b")));
        }
      } // QUIT ends the session
      assertEquals(before + 1, sink.awaitSessions(before + 1, 5000), "the session ended");
      assertEquals(0, sink.received(), "messages the sink took");
      assertEquals(1, proxy.connects().size(), "one SOCKS stream");
    }
    return reports;
  }
}
