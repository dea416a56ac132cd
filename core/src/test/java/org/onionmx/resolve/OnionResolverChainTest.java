package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.onionmx.resolve.Resolution.Routed;
import org.onionmx.testing.dns.FakeDnsServerExtension;

/** The parts of the chain that answer without DNS: none of them may send a query. */
class OnionResolverChainTest {
  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();

  @BeforeEach
  void records() {
    dns.get()
        .add("_onion-mx._tcp.example.com. 300 IN SRV 0 0 25 " + Onions.A + ".")
        .add("_onion-mx._tcp.own.example. 300 IN SRV 0 0 25 " + Onions.A + ".")
        .add("_onion-mx._tcp.ignored.example. 300 IN SRV 0 0 25 " + Onions.A + ".");
  }

  private OnionResolver.Builder resolver() {
    return OnionResolver.newBuilder()
        .dnsServers(List.of(new DnsServer(dns.get().address(), false)));
  }

  @Test
  void onionDomainIsRoutedDirectlyWithoutDnsQuery() {
    Resolution r = resolver().build().resolve("MX." + Onions.A.toUpperCase() + ".");
    Routed routed = assertInstanceOf(Routed.class, r);
    assertEquals("mx." + Onions.A, routed.domain());
    assertEquals(RouteSource.ONION_DOMAIN, routed.source());
    assertEquals(
        List.of(new OnionTarget(OnionAddress.parse("mx." + Onions.A), 25)), routed.targets());
    assertEquals(Instant.MAX, routed.expires());
    assertEquals(List.of(), dns.get().queries());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "wy6zk3pmcwiyhiao.onion",
        "onion",
        "x.onion",
        "35njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion"
      })
  void invalidOnionDomainIsRefusedWithoutDnsQuery(String domain) {
    OnionResolver resolver = resolver().build();
    assertThrows(InvalidOnionAddressException.class, () -> resolver.resolve(domain));
    assertThrows(InvalidOnionAddressException.class, () -> resolver.resolveAsync(domain));
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void pinnedDomainCausesNoDnsQueryAndBeatsAContradictingSrvRecord() {
    OnionTarget pin = Onions.target(Onions.B, 2525);
    OnionResolver resolver = resolver().map(OnionMap.of(Map.of("Example.COM", pin))).build();
    Routed routed = assertInstanceOf(Routed.class, resolver.resolve("example.com."));
    assertEquals(List.of(pin), routed.targets());
    assertEquals(RouteSource.MAP, routed.source());
    assertTrue(routed.authenticated());
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void ownDomainsAndIgnoredDomainsCauseNoDnsQuery() {
    OnionResolver resolver =
        resolver()
            .ownDomains(List.of("OWN.example"))
            .ignore(List.of("ignored.example."))
            .map(OnionMap.of(Map.of("own.example", Onions.target(Onions.B, 25))))
            .build();
    NoOnionRoute own = assertInstanceOf(NoOnionRoute.class, resolver.resolve("own.example"));
    assertEquals(NoRouteReason.OWN_DOMAIN, own.reason());
    NoOnionRoute ignored =
        assertInstanceOf(NoOnionRoute.class, resolver.resolve("Ignored.Example"));
    assertEquals(NoRouteReason.IGNORED, ignored.reason());
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void srvOffAnswersNotMappedWithoutDnsQuery() {
    NoOnionRoute r =
        assertInstanceOf(NoOnionRoute.class, resolver().srv(false).build().resolve("example.com"));
    assertEquals(NoRouteReason.NOT_MAPPED, r.reason());
    assertEquals(List.of(), dns.get().queries());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "exa mple.com", "a..b", "-a.example", "ex\u0000ample.com", "."})
  void malformedDomainIsAnInvalidDomainExceptionWithoutDnsQuery(String domain) {
    OnionResolver resolver = resolver().build();
    InvalidDomainException e =
        assertThrows(InvalidDomainException.class, () -> resolver.resolve(domain));
    assertEquals(domain, e.input());
    assertThrows(InvalidDomainException.class, () -> resolver.resolveAsync(domain));
    assertThrows(InvalidDomainException.class, () -> resolver.resolve(null));
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void answersWithoutDnsCompleteAtOnceWhenAsync() {
    OnionResolver resolver = resolver().build();
    Resolution r = resolver.resolveAsync(Onions.A).toCompletableFuture().getNow(null);
    assertInstanceOf(Routed.class, r);
  }

  @Test
  void srvNameLongerThanDnsAllowsIsNoSrvRecordWithoutQuery() {
    String label = "a".repeat(60);
    String domain = String.join(".", label, label, label, label.substring(0, 52)) + ".example";
    NoOnionRoute r = assertInstanceOf(NoOnionRoute.class, resolver().build().resolve(domain));
    assertEquals(NoRouteReason.NO_SRV_RECORD, r.reason());
    assertEquals(List.of(), dns.get().queries());
  }
}
