package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.tls.TestCertificate;

/**
 * STARTTLS on the onion hop: the certificate must match the recipient domain (or its configured
 * name), never the onion, or carry a pinned key; failures defer, never downgrade.
 */
class StartTlsTest {
  private static final String A = "a@example.org";
  private static TestCertificate forDomain;
  private static TestCertificate forMxName;
  private static TestCertificate forOnion;

  private ScriptedSmtpServer server;
  private FakeTorProxy proxy;

  @BeforeAll
  static void certificates() throws Exception {
    forDomain = TestCertificate.generate(DOMAIN);
    forMxName = TestCertificate.generate("mx.example.org");
    forOnion = TestCertificate.generate(host("mx1"));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private void serve(TestCertificate certificate) throws Exception {
    server =
        certificate == null
            ? ScriptedSmtpServer.start()
            : ScriptedSmtpServer.startWithStartTls(certificate.serverContext());
    proxy = FakeTorProxy.start();
    proxy.route(host("mx1"), server.port());
  }

  private RecipientResult deliver(OnionMailer.Builder builder) {
    try (OnionMailer mailer = builder.build()) {
      return mailer.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A);
    }
  }

  @Test
  void requiredTlsVerifiesTheRecipientDomainAndSendsItAsServerName() throws Exception {
    serve(forDomain);

    assertInstanceOf(
        Accepted.class,
        deliver(Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).trustStore(forDomain.trustStore())));

    assertTrue(server.transactions().get(0).tls());
    assertEquals(List.of(DOMAIN), server.serverNames());
    assertEquals(2, server.ehloNames().size(), "EHLO again after STARTTLS");
  }

  @Test
  void certificateNamingOnlyTheOnionIsRefused() throws Exception {
    serve(forOnion);

    Deferred d =
        assertInstanceOf(
            Deferred.class,
            deliver(
                Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).trustStore(forOnion.trustStore())));

    assertEquals(Kind.TLS, ((Failure.Connection) d.failure()).kind());
    assertTrue(d.failure().text().contains("No subject alternative DNS name matching example.org"),
        d.failure().text());
    assertTrue(server.transactions().isEmpty());
  }

  @Test
  void configuredMxNameIsCheckedInsteadOfTheDomain() throws Exception {
    serve(forMxName);

    assertInstanceOf(
        Accepted.class,
        deliver(
            Fixtures.mailer(proxy)
                .tls(TlsMode.REQUIRED)
                .tlsName(DOMAIN, "mx.example.org")
                .trustStore(forMxName.trustStore())));

    assertEquals(List.of("mx.example.org"), server.serverNames());
  }

  @Test
  void certificateForAnotherNameIsRefused() throws Exception {
    serve(forMxName);

    Deferred d =
        assertInstanceOf(
            Deferred.class,
            deliver(
                Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).trustStore(forMxName.trustStore())));

    assertEquals(Kind.TLS, ((Failure.Connection) d.failure()).kind());
  }

  @Test
  void untrustedCertificateIsRefused() throws Exception {
    serve(forDomain);

    Deferred d = assertInstanceOf(Deferred.class, deliver(Fixtures.mailer(proxy).tls(TlsMode.REQUIRED)));

    assertEquals(Kind.TLS, ((Failure.Connection) d.failure()).kind());
    assertTrue(server.transactions().isEmpty());
  }

  @Test
  void pinnedKeyIsAcceptedWithoutTrustAnchorOrMatchingName() throws Exception {
    serve(forOnion);

    assertInstanceOf(
        Accepted.class,
        deliver(Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).pin(DOMAIN, forOnion.spkiPin())));

    assertTrue(server.transactions().get(0).tls());
  }

  @Test
  void theRelayProbeFindsTheDomainsPinInAnySpelling() throws Exception {
    serve(forOnion);

    try (OnionMailer mailer =
        Fixtures.mailer(proxy).tls(TlsMode.REQUIRED).pin(DOMAIN, forOnion.spkiPin()).build()) {
      RelayProbe probe =
          mailer.probeRelay("Example.ORG.", target("mx1"), "p@checker.example", "v@foreign.example");

      assertEquals(RelayProbe.Verdict.OPEN_RELAY, probe.verdict(), probe.toString());
    }
  }

  @Test
  void keyMatchingNoPinIsRefusedEvenIfTrusted() throws Exception {
    serve(forDomain);

    Deferred d =
        assertInstanceOf(
            Deferred.class,
            deliver(
                Fixtures.mailer(proxy)
                    .tls(TlsMode.REQUIRED)
                    .trustStore(forDomain.trustStore())
                    .pin(DOMAIN, forOnion.spkiPin())));

    assertTrue(((Failure.Connection) d.failure()).text().contains("pin"), d.toString());
  }

  @Test
  void requiredTlsWithoutStartTlsDefersBeforeAnyMailIsSent() throws Exception {
    serve(null);

    Deferred d = assertInstanceOf(Deferred.class, deliver(Fixtures.mailer(proxy).tls(TlsMode.REQUIRED)));

    assertEquals(Kind.TLS, ((Failure.Connection) d.failure()).kind());
    assertTrue(server.commands().stream().noneMatch(c -> c.startsWith("MAIL")));
  }

  @Test
  void opportunisticTlsSendsPlainWhenStartTlsIsNotOffered() throws Exception {
    serve(null);

    assertInstanceOf(Accepted.class, deliver(Fixtures.mailer(proxy).tls(TlsMode.OPPORTUNISTIC)));

    assertFalse(server.transactions().get(0).tls());
  }

  @Test
  void opportunisticTlsStillVerifiesAnOfferedCertificate() throws Exception {
    serve(forOnion);

    Deferred d =
        assertInstanceOf(Deferred.class, deliver(Fixtures.mailer(proxy).tls(TlsMode.OPPORTUNISTIC)));

    assertEquals(Kind.TLS, ((Failure.Connection) d.failure()).kind());
  }

  @Test
  void tlsOffNeverSendsStartTls() throws Exception {
    serve(forDomain);

    assertInstanceOf(Accepted.class, deliver(Fixtures.mailer(proxy)));

    assertFalse(server.commands().contains("STARTTLS"));
  }
}
