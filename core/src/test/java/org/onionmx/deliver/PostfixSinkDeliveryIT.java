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
  void temporarilyRefusedRecipientsInAGroupAreDeferredAndNothingIsTaken() throws Exception {
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(null, "-r", "rcpt");
        FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(host("mx1"), sink.port());
      try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
        DeliveryReport r =
            mailer.deliver(route(target("mx1")), envelope(A, B), rawMessage("s", "b"));

        for (String rcpt : List.of(A, B)) {
          Deferred d = assertInstanceOf(Deferred.class, r.resultFor(rcpt));
          assertEquals(450, ((Failure.Smtp) d.failure()).code(), d.toString());
        }
        assertTrue(
            mailer.deliver(route(target("mx1")), envelope(C), rawMessage("s", "b")).resultFor(C)
                instanceof Deferred,
            "the session goes on after the refused group");
      }
      assertEquals(0, sink.received());
      assertEquals(1, proxy.connects().size());
    }
  }

  @Test
  void refusedSenderInAGroupRejectsEveryRecipient() throws Exception {
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(null, "-f", "mail");
        FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.route(host("mx1"), sink.port());
      try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
        DeliveryReport r =
            mailer.deliver(route(target("mx1")), envelope(A, B), rawMessage("s", "b"));

        for (String rcpt : List.of(A, B)) {
          Rejected x = assertInstanceOf(Rejected.class, r.resultFor(rcpt));
          assertEquals(500, ((Failure.Smtp) x.failure()).code(), x.toString());
        }
      }
      assertEquals(0, sink.received());
    }
  }
}
