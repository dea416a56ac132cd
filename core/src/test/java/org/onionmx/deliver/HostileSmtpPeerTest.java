package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.testing.HeapWatch;
import org.onionmx.testing.smtp.HostileSmtpServer;
import org.onionmx.testing.smtp.HostileSmtpServer.Behaviour;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.tls.TestCertificate;
import org.onionmx.tor.TorSocksConnector;

/**
 * Hostile peers on the delivery path end within their deadlines with a temporary failure. A SOCKS
 * proxy that drips its reply is deferred at the SOCKS timeout, an SMTP server that drips its
 * greeting at the read timeout (one deadline per reply, not per read). SMTP servers that send
 * without end (an endless banner, a line that never ends, an endless reply to MAIL FROM) end the
 * session within the reply limits: the recipient is deferred with a {@link Kind#LIMIT} failure
 * naming the limit, well within the read timeout, while the heap retains less than 64 MB above its
 * baseline, and the session is not reused. The heap is watched, so that a client without limits
 * fails these tests (the watch cuts the peer off at 64 MB) instead of running the JVM out of
 * memory.
 */
class HostileSmtpPeerTest {
  private static final String A = "a@example.org";
  private static final long HEAP_LIMIT = 64L * 1024 * 1024;

  /** The read timeout of {@link Fixtures#mailer} is 5 s; the limits end a session long before. */
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private FakeTorProxy proxy;
  private OnionMailer mailer;
  private HostileSmtpServer server;

  @BeforeEach
  void start() throws Exception {
    proxy = FakeTorProxy.start();
    mailer = Fixtures.mailer(proxy).build();
  }

  @AfterEach
  void stop() {
    mailer.close();
    proxy.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void endlessBannerIsDeferredAtTheLinesPerReplyLimit() throws Exception {
    Deferred d = deliverTo(Behaviour.ENDLESS_BANNER);

    assertLimit(d, ReplyLimits.MAX_LINES + " lines");
  }

  @Test
  void endlessGreetingLineIsDeferredAtTheLineLengthLimit() throws Exception {
    Deferred d = deliverTo(Behaviour.ENDLESS_GREETING_LINE);

    assertLimit(d, ReplyLimits.MAX_LINE_BYTES + " bytes");
  }

  @Test
  void endlessReplyToMailFromIsDeferredAndItsSessionIsNotReused() throws Exception {
    Deferred d = deliverTo(Behaviour.ENDLESS_MAIL_REPLY);

    assertLimit(d, ReplyLimits.MAX_LINES + " lines");
    assertEquals(1, server.connections());
    assertInstanceOf(Deferred.class, deliver());
    assertEquals(2, server.connections(), "the first session went back to the pool");
  }

  @Test
  void endlessReplyAfterStartTlsIsDeferredAtTheReplyBytesLimit() throws Exception {
    TestCertificate certificate = TestCertificate.generate(Fixtures.DOMAIN);
    mailer.close();
    mailer =
        Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).trustStore(certificate.trustStore()).build();
    server = HostileSmtpServer.startWithStartTls(certificate.serverContext());

    Deferred d = deliverTo(server);

    assertLimit(d, ReplyLimits.MAX_REPLY_BYTES + " bytes");
  }

  @Test
  void greetingDrippedAByteEvery500msIsDeferredAtTheReadTimeout() throws Exception {
    Duration readTimeout = Duration.ofSeconds(2);
    mailer.close();
    mailer = Fixtures.mailer(proxy).readTimeout(readTimeout).build();
    server = HostileSmtpServer.start(Behaviour.DRIPPING_GREETING); // 50 s for the line
    proxy.route(host("mx1"), server.port());

    long started = System.nanoTime();
    RecipientResult result = deliver();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    System.out.println("dripped SMTP greeting: deferred after " + took.toMillis() + " ms");
    assertTrue(took.compareTo(readTimeout.plus(DEADLINE)) < 0, "took " + took);
    Deferred d = assertInstanceOf(Deferred.class, result);
    Failure.Connection c = assertInstanceOf(Failure.Connection.class, d.failure(), d::toString);
    assertEquals(Kind.TIMEOUT, c.kind(), d::toString);
  }

  @Test
  void socksReplyDrippedAByteEvery2sIsDeferredAtTheSocksTimeout() throws Exception {
    Duration socksTimeout = Duration.ofSeconds(3);
    mailer.close();
    mailer =
        Fixtures.mailer(proxy)
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
                    .socksTimeout(socksTimeout)
                    .build())
            .build();
    proxy.script(host("mx1"), Fault.dripReply(Duration.ofSeconds(2))); // 20 s for the reply

    long started = System.nanoTime();
    RecipientResult result = deliver();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    System.out.println("dripped SOCKS reply: deferred after " + took.toMillis() + " ms");
    assertTrue(took.compareTo(socksTimeout.plus(DEADLINE)) < 0, "took " + took);
    Deferred d = assertInstanceOf(Deferred.class, result);
    Failure.Tor tor = assertInstanceOf(Failure.Tor.class, d.failure(), d::toString);
    assertEquals(-1, tor.socksCode());
    assertTrue(tor.temporary());
  }

  /** Delivers one message to a hostile server, under a heap watch, within the deadline. */
  private Deferred deliverTo(Behaviour behaviour) throws Exception {
    server = HostileSmtpServer.start(behaviour);
    return deliverTo(server);
  }

  private Deferred deliverTo(HostileSmtpServer hostile) throws Exception {
    proxy.route(host("mx1"), hostile.port());
    Behaviour behaviour = hostile.behaviour();
    RecipientResult result;
    long started = System.nanoTime();
    HeapWatch watch = HeapWatch.start(HEAP_LIMIT, hostile::close);
    try (watch) {
      result = deliver();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String measured =
        behaviour
            + ": "
            + took.toMillis()
            + " ms, heap retained "
            + watch.peakText()
            + " above baseline, server sent "
            + hostile.bytesSent()
            + " bytes";
    System.out.println(measured);
    assertFalse(watch.breached(), "heap above baseline passed 64 MB: " + measured);
    assertTrue(took.compareTo(DEADLINE) < 0, "too slow: " + measured);
    return assertInstanceOf(Deferred.class, result, measured);
  }

  private RecipientResult deliver() {
    return mailer.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A);
  }

  private static void assertLimit(Deferred d, String limit) {
    Failure.Connection c = assertInstanceOf(Failure.Connection.class, d.failure(), d::toString);
    assertEquals(Kind.LIMIT, c.kind(), d::toString);
    assertTrue(c.text().contains("limit " + limit), c::text);
    assertTrue(d.failure().temporary());
  }
}
