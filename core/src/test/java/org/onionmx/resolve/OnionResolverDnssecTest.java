package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.resolve.Resolution.CouldNotTell;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.Routed;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.dns.FakeDnsServerExtension;

/**
 * DNSSEC policies against an unsigned loopback server; signed, bogus and insecure zones are in
 * SrvDnssecIT (Knot).
 */
class OnionResolverDnssecTest {
  /** An anchor for a zone that does not cover {@code example.com}: answers there are insecure. */
  private static final String OTHER_ANCHOR =
      "onionmx.test. 3600 IN DS 2371 13 2 "
          + "9A1F4A2C0C6E1B3D5F7A9C0E2B4D6F8A1C3E5A7C9E1B3D5F7A9C0E2B4D6F8A1C";

  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();

  @BeforeEach
  void records() {
    dns.get().add("_onion-mx._tcp.example.com. 300 IN SRV 0 0 25 " + Onions.A + ".");
  }

  private OnionResolver.Builder resolver(DnssecPolicy policy) {
    return OnionResolver.newBuilder()
        .dnsServers(List.of(new DnsServer(dns.get().address(), false)))
        .timeout(Duration.ofMillis(500))
        .dnssec(policy);
  }

  @Test
  void preferRoutesAnUnsignedAnswerAsPlainSrv() {
    Resolution r =
        resolver(DnssecPolicy.PREFER).trustAnchors(OTHER_ANCHOR).build().resolve("example.com");
    Routed routed = assertInstanceOf(Routed.class, r, r::toString);
    assertEquals(RouteSource.SRV, routed.source());
    assertEquals(false, routed.authenticated());
  }

  @Test
  void requireRefusesAnUnsignedAnswer() {
    OnionResolver resolver = resolver(DnssecPolicy.REQUIRE).trustAnchors(OTHER_ANCHOR).build();
    for (String domain : List.of("example.com", "nxdomain.example")) {
      Resolution r = resolver.resolve(domain);
      CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
      assertEquals(FailureReason.DNSSEC_UNSIGNED, c.reason());
    }
  }

  @Test
  void offRoutesWithoutAskingForKeys() {
    Routed r =
        assertInstanceOf(Routed.class, resolver(DnssecPolicy.OFF).build().resolve("example.com"));
    assertEquals(RouteSource.SRV, r.source());
    assertEquals(
        List.of("SRV"), dns.get().queries().stream().map(FakeDnsServer.Query::type).toList());
  }

  @Test
  void strippedSignaturesUnderTheRootAnchorAreBogusNotUnsigned() {
    // the default anchors cover every name: an answer without signatures cannot be proven
    // insecure (this server has no signed root), so PREFER must not route it as plain SRV
    Resolution r = resolver(DnssecPolicy.PREFER).build().resolve("example.com");
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.DNSSEC_BOGUS, c.reason());
  }

  @Test
  void serverErrorsAreServerFailureNotBogusInsideAndOutsideTheAnchors() {
    // dnsjava's validator answers SERVFAIL for both; the resolver tells them apart
    for (DnsFault fault : List.of(DnsFault.servFail(), DnsFault.refused())) {
      dns.get().fault("_onion-mx._tcp.example.com", fault);
      for (OnionResolver resolver :
          List.of(
              resolver(DnssecPolicy.PREFER).build(),
              resolver(DnssecPolicy.REQUIRE).trustAnchors(OTHER_ANCHOR).build())) {
        Resolution r = resolver.resolve("example.com");
        CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
        assertEquals(FailureReason.SERVER_FAILURE, c.reason(), c::toString);
      }
    }
  }

  @Test
  void preferTreatsNxdomainOutsideTheAnchorsAsNoRoute() {
    Resolution r =
        resolver(DnssecPolicy.PREFER).trustAnchors(OTHER_ANCHOR).build().resolve("nx.example");
    assertInstanceOf(NoOnionRoute.class, r, r::toString);
  }

  @Test
  void timeoutUnderValidationIsTimeout() {
    dns.get().faultAll(DnsFault.drop());
    Resolution r =
        resolver(DnssecPolicy.REQUIRE)
            .trustAnchors(OTHER_ANCHOR)
            .timeout(Duration.ofMillis(200))
            .build()
            .resolve("example.com");
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.TIMEOUT, c.reason());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "; only a comment",
        "example. 3600 IN A 192.0.2.1",
        "onionmx.test. 3600 IN DS not-a-key-tag 13 2 00",
        "this is not a record",
      })
  void trustAnchorsThatAreNotDsOrDnskeyRecordsAreRefused(String text) {
    assertThrows(
        IllegalArgumentException.class, () -> OnionResolver.newBuilder().trustAnchors(text));
  }
}
