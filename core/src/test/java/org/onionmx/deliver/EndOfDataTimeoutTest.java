package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.StatusUnknown;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.tls.TestCertificate;

/**
 * The reply to a message's final "." gets its own, longer wait (RFC 5321 4.5.3.2.6: 10 minutes),
 * since receivers scan messages before they answer; every other reply keeps the read timeout.
 */
class EndOfDataTimeoutTest {
  private static final String A = "a@example.org";
  private static final Duration READ = Duration.ofSeconds(1);

  /** Longer than {@link #READ}, with a margin for a loaded machine either way. */
  private static final long SLOW = 2500;

  private ScriptedSmtpServer server;
  private FakeTorProxy proxy;

  private void serve(ScriptedSmtpServer s) throws Exception {
    server = s;
    proxy = FakeTorProxy.start();
    proxy.route(host("mx1"), server.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private static RecipientResult deliver(OnionMailer mailer) {
    return mailer.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A);
  }

  @ParameterizedTest(name = "pipelining offered: {0}")
  @ValueSource(booleans = {false, true})
  void finalReplySlowerThanTheReadTimeoutIsWaitedForAndTheReadTimeoutComesBack(boolean pipelining)
      throws Exception {
    serve(ScriptedSmtpServer.start());
    if (pipelining) {
      server.offerPipelining();
    }
    server.delayReplyTo(".", SLOW);
    try (OnionMailer mailer =
        Fixtures.mailer(proxy).readTimeout(READ).endOfDataTimeout(Duration.ofSeconds(10)).build()) {

      assertInstanceOf(Accepted.class, deliver(mailer));
      assertEquals(1, server.transactions().size());

      // The same session, the next message: a slow reply to DATA now hits the read timeout again.
      server.delayReplyTo(".", 0).delayReplyTo("DATA", SLOW);
      Deferred d = assertInstanceOf(Deferred.class, deliver(mailer));
      assertEquals(Kind.TIMEOUT, ((Failure.Connection) d.failure()).kind(), d::toString);
      assertEquals(1, proxy.connects().size(), "both messages on one session");
      assertEquals(1, server.transactions().size());
    }
  }

  @Test
  void finalReplyLaterThanTheEndOfDataTimeoutLeavesTheStatusUnknown() throws Exception {
    serve(ScriptedSmtpServer.start());
    server.delayReplyTo(".", 5000);
    try (OnionMailer mailer =
        Fixtures.mailer(proxy)
            .readTimeout(Duration.ofSeconds(10))
            .endOfDataTimeout(Duration.ofMillis(300))
            .build()) {
      long t0 = System.nanoTime();

      StatusUnknown u = assertInstanceOf(StatusUnknown.class, deliver(mailer));

      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Kind.TIMEOUT, ((Failure.Connection) u.failure()).kind(), u::toString);
      assertTrue(millis < 4000, millis + " ms: the end-of-data timeout, not the read timeout");
    }
  }

  @Test
  void finalReplyOverStartTlsGetsTheEndOfDataTimeoutToo() throws Exception {
    TestCertificate certificate = TestCertificate.generate(DOMAIN);
    serve(ScriptedSmtpServer.startWithStartTls(certificate.serverContext()));
    server.delayReplyTo(".", SLOW);
    try (OnionMailer mailer =
        Fixtures.mailer(proxy)
            .tls(TlsMode.REQUIRED)
            .trustStore(certificate.trustStore())
            .readTimeout(READ)
            .endOfDataTimeout(Duration.ofSeconds(10))
            .build()) {

      assertInstanceOf(Accepted.class, deliver(mailer));
      assertTrue(server.transactions().get(0).tls());
    }
  }
}
