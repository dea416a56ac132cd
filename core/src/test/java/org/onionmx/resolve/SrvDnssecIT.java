package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.onionmx.resolve.Resolution.CouldNotTell;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.onionmx.resolve.Resolution.Routed;
import org.onionmx.testing.dns.KnotDnsServer;

/** DNSSEC-validated SRV look-ups against Knot DNS serving a signed zone on loopback. */
class SrvDnssecIT {
  private static KnotDnsServer knot;

  @BeforeAll
  static void startKnot() throws IOException {
    knot = KnotDnsServer.start();
  }

  @AfterAll
  static void stopKnot() {
    if (knot != null) {
      knot.close();
    }
  }

  private static OnionResolver resolver(DnssecPolicy policy, String anchor, boolean tcp) {
    return OnionResolver.newBuilder()
        .dnsServers(List.of(new DnsServer(knot.address(), tcp)))
        .timeout(Duration.ofSeconds(2))
        .trustAnchors(anchor)
        .dnssec(policy)
        .build();
  }

  private static Resolution resolve(DnssecPolicy policy, String label) {
    return resolver(policy, knot.trustAnchorDs(), false).resolve(KnotDnsServer.domain(label));
  }

  @ParameterizedTest
  @CsvSource({"REQUIRE, SRV_DNSSEC", "PREFER, SRV_DNSSEC", "OFF, SRV"})
  void signedSrvIsRoutedAndMarkedByPolicy(DnssecPolicy policy, RouteSource source) {
    Resolution r = resolve(policy, "good");
    Routed routed = assertInstanceOf(Routed.class, r, r::toString);
    assertEquals(source, routed.source());
    assertEquals(
        List.of(Onions.target(Onions.A, 25), Onions.target(Onions.B, 2525)), routed.targets());
  }

  @ParameterizedTest
  @CsvSource({"bogus, REQUIRE", "bogus, PREFER", "badsig, REQUIRE", "badsig, PREFER"})
  void bogusAnswerIsCouldNotTell(String label, DnssecPolicy policy) {
    Resolution r = resolve(policy, label);
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.DNSSEC_BOGUS, c.reason(), c::toString);
  }

  @ParameterizedTest
  @CsvSource({"bogus, 25", "badsig, 26"})
  void bogusAnswerIsNotDetectedWithDnssecOff(String label, int port) {
    Resolution r = resolve(DnssecPolicy.OFF, label);
    Routed routed = assertInstanceOf(Routed.class, r, r::toString);
    assertEquals(List.of(Onions.target(Onions.A, port)), routed.targets());
  }

  @Test
  void unsignedAnswerIsCouldNotTellWhenRequired() {
    Resolution r = resolve(DnssecPolicy.REQUIRE, "insecure");
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.DNSSEC_UNSIGNED, c.reason());
  }

  @ParameterizedTest
  @CsvSource({"PREFER", "OFF"})
  void unsignedAnswerIsPlainSrvOtherwise(DnssecPolicy policy) {
    Resolution r = resolve(policy, "insecure");
    Routed routed = assertInstanceOf(Routed.class, r, r::toString);
    assertEquals(RouteSource.SRV, routed.source());
  }

  @ParameterizedTest
  @CsvSource({
    "nxdomain, NO_SRV_RECORD",
    "nodata, NO_SRV_RECORD",
    "noservice, NO_SERVICE",
    "notonion, NO_VALID_TARGET",
    "v2, NO_VALID_TARGET"
  })
  void signedNegativeAnswersAreNoRouteEvenWhenRequired(String label, NoRouteReason reason) {
    Instant before = Instant.now();
    Resolution r = resolve(DnssecPolicy.REQUIRE, label);
    NoOnionRoute n = assertInstanceOf(NoOnionRoute.class, r, r::toString);
    assertEquals(reason, n.reason());
    if (reason == NoRouteReason.NO_SRV_RECORD) {
      Duration ttl = Duration.between(before, n.expires());
      assertEquals(300, ttl.toSeconds(), 5, "negative TTL = SOA minimum");
    }
  }

  @Test
  void dnskeyAnchorAndTcpWorkToo() {
    Resolution r =
        resolver(DnssecPolicy.REQUIRE, knot.trustAnchorDnskey(), true)
            .resolve(KnotDnsServer.domain("good"));
    Routed routed = assertInstanceOf(Routed.class, r, r::toString);
    assertEquals(RouteSource.SRV_DNSSEC, routed.source());
  }
}
