package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.Resolution.CouldNotTell;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.onionmx.resolve.Resolution.Routed;
import org.onionmx.testing.MutableClock;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.dns.FakeDnsServer.Query;
import org.onionmx.testing.dns.FakeDnsServer.Transport;
import org.onionmx.testing.dns.FakeDnsServerExtension;

/** SRV look-ups against a DNS server on loopback, DNSSEC off (see OnionResolverDnssecTest). */
class OnionResolverSrvTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();

  private OnionResolver.Builder resolver() {
    return OnionResolver.newBuilder()
        .dnsServers(List.of(new DnsServer(dns.get().address(), false)))
        .dnssec(DnssecPolicy.OFF)
        .timeout(Duration.ofMillis(500))
        .clock(clock)
        .random(new Random(1));
  }

  private static String srv(String domain, long ttl, String rdata) {
    return "_onion-mx._tcp." + domain + ". " + ttl + " IN SRV " + rdata;
  }

  private static String qname(String domain) {
    return "_onion-mx._tcp." + domain;
  }

  @Test
  void routesEveryTargetInPriorityOrderKeepingTheSrvPort() {
    dns.get()
        .add(
            srv("example.com", 300, "20 0 2525 " + Onions.B + "."),
            srv("example.com", 300, "10 60 25 " + Onions.A + "."),
            srv("example.com", 300, "30 5 587 " + Onions.C + "."));
    Routed r = assertInstanceOf(Routed.class, resolver().build().resolve("Example.com"));
    assertEquals("example.com", r.domain());
    assertEquals(
        List.of(
            Onions.target(Onions.A, 25),
            Onions.target(Onions.B, 2525),
            Onions.target(Onions.C, 587)),
        r.targets());
    assertEquals(RouteSource.SRV, r.source());
    assertEquals(
        List.of(new Query(qname("example.com"), "SRV", Transport.UDP)), dns.get().queries());
  }

  @Test
  void srvRecordsBehindACnameAreFollowedAndBothTtlsCount() {
    dns.get()
        .add(
            qname("example.com") + ". 60 IN CNAME _onion-mx._tcp.mx-hosting.example.",
            srv("mx-hosting.example", 300, "0 0 25 " + Onions.A + "."));
    Routed r = assertInstanceOf(Routed.class, resolver().build().resolve("example.com"));
    assertEquals(List.of(Onions.target(Onions.A, 25)), r.targets());
    assertEquals(START.plusSeconds(60), r.expires(), "the CNAME's TTL counts too");
  }

  @Test
  void routeExpiresAfterTheSmallestTtl() {
    dns.get()
        .add(
            srv("example.com", 3600, "10 0 25 " + Onions.A + "."),
            srv("example.com", 120, "20 0 25 " + Onions.B + "."));
    Routed r = assertInstanceOf(Routed.class, resolver().build().resolve("example.com"));
    assertEquals(START.plusSeconds(120), r.expires());
  }

  @Test
  void targetsThatAreNotV3OnionsAreDropped() {
    dns.get()
        .add(
            srv("example.com", 300, "0 5 25 mail.example.com."),
            srv("example.com", 300, "0 5 25 wy6zk3pmcwiyhiao.onion."),
            srv("example.com", 300, "0 5 25 mail.myonion."),
            srv("example.com", 300, "0 5 0 " + Onions.B + "."),
            srv("example.com", 300, "0 5 25 ."),
            srv("example.com", 300, "1 5 26 " + Onions.A + "."));
    Routed r = assertInstanceOf(Routed.class, resolver().build().resolve("example.com"));
    assertEquals(List.of(Onions.target(Onions.A, 26)), r.targets());
  }

  @Test
  void noValidTargetIsNoOnionRoute() {
    dns.get()
        .add(
            srv("example.com", 300, "0 5 25 mail.example.com."),
            srv("example.com", 300, "0 5 25 wy6zk3pmcwiyhiao.onion."));
    NoOnionRoute r =
        assertInstanceOf(NoOnionRoute.class, resolver().build().resolve("example.com"));
    assertEquals(NoRouteReason.NO_VALID_TARGET, r.reason());
    assertTrue(r.detail().contains("2 SRV records"), r.detail());
  }

  @Test
  void loneDotTargetMeansNoService() {
    dns.get().add(srv("example.com", 300, "0 0 0 ."));
    NoOnionRoute r =
        assertInstanceOf(NoOnionRoute.class, resolver().build().resolve("example.com"));
    assertEquals(NoRouteReason.NO_SERVICE, r.reason());
    assertEquals(START.plusSeconds(300), r.expires());
  }

  @Test
  void nxdomainAndNodataAreNoSrvRecordUntilTheSoaMinimum() {
    dns.get().soa(FakeDnsServer.soaRecord(90));
    dns.get().add(qname("nodata.example") + ". 300 IN TXT \"no SRV here\"");
    OnionResolver resolver = resolver().build();
    for (String domain : List.of("nxdomain.example", "nodata.example")) {
      NoOnionRoute r = assertInstanceOf(NoOnionRoute.class, resolver.resolve(domain));
      assertEquals(NoRouteReason.NO_SRV_RECORD, r.reason());
      assertEquals(START.plusSeconds(90), r.expires());
    }
  }

  @Test
  void cachedAnswerCausesNoSecondQuery() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    OnionResolver resolver = resolver().build();
    Resolution first = resolver.resolve("example.com");
    clock.advance(Duration.ofSeconds(299));
    assertEquals(first, resolver.resolve("EXAMPLE.com."));
    assertEquals(1, dns.get().queries().size());
  }

  @Test
  void cachedRouteIsLookedUpAgainWhenItsTtlRunsOut() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    OnionResolver resolver = resolver().build();
    resolver.resolve("example.com");
    clock.advance(Duration.ofSeconds(300));
    dns.get().clearRecords().add(srv("example.com", 300, "0 0 25 " + Onions.B + "."));
    Routed r = assertInstanceOf(Routed.class, resolver.resolve("example.com"));
    assertEquals(List.of(Onions.target(Onions.B, 25)), r.targets());
    assertEquals(2, dns.get().queries().size());
  }

  @Test
  void negativeAnswerIsCachedForTheSoaMinimum() {
    dns.get().soa(FakeDnsServer.soaRecord(60));
    OnionResolver resolver = resolver().build();
    assertInstanceOf(NoOnionRoute.class, resolver.resolve("example.com"));
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    clock.advance(Duration.ofSeconds(59));
    assertInstanceOf(NoOnionRoute.class, resolver.resolve("example.com"));
    assertEquals(1, dns.get().queries().size());
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(Routed.class, resolver.resolve("example.com"));
    assertEquals(2, dns.get().queries().size());
  }

  @Test
  void failuresAreNotCached() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    dns.get().fault(qname("example.com"), DnsFault.servFail());
    OnionResolver resolver = resolver().build();
    assertInstanceOf(CouldNotTell.class, resolver.resolve("example.com"));
    dns.get().clearFaults();
    assertInstanceOf(Routed.class, resolver.resolve("example.com"));
  }

  @Test
  void cacheSizeZeroAsksEveryTime() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    OnionResolver resolver = resolver().cacheSize(0).build();
    resolver.resolve("example.com");
    resolver.resolve("example.com");
    assertEquals(2, dns.get().queries().size());
  }

  @Test
  void fullCacheStillAnswersEveryDomain() {
    OnionResolver resolver = resolver().cacheSize(2).build();
    for (int i = 0; i < 5; i++) {
      dns.get().add(srv("d" + i + ".example", 300, "0 0 25 " + Onions.A + "."));
      assertInstanceOf(Routed.class, resolver.resolve("d" + i + ".example"));
    }
    dns.get().clearQueries();
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Routed.class, resolver.resolve("d" + i + ".example"));
    }
    assertTrue(dns.get().queries().size() >= 3, "at most 2 of 5 answers stay cached");
  }

  @Test
  void servFailAndRefusedAreServerFailureNotNoRoute() {
    OnionResolver resolver = resolver().build();
    for (DnsFault fault : List.of(DnsFault.servFail(), DnsFault.refused())) {
      dns.get().fault(qname("example.com"), fault);
      CouldNotTell r = assertInstanceOf(CouldNotTell.class, resolver.resolve("example.com"));
      assertEquals(FailureReason.SERVER_FAILURE, r.reason());
    }
  }

  @Test
  void silentServerIsCouldNotTellTimeout() {
    dns.get().faultAll(DnsFault.drop());
    OnionResolver resolver = resolver().timeout(Duration.ofMillis(200)).build();
    long t0 = System.nanoTime();
    CouldNotTell r = assertInstanceOf(CouldNotTell.class, resolver.resolve("example.com"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(FailureReason.TIMEOUT, r.reason());
    assertTrue(ms >= 190 && ms < 2000, "timed out after " + ms + " ms");
  }

  @Test
  void refusedTcpConnectionIsCouldNotTellNetwork() throws IOException {
    int closedPort;
    try (FakeDnsServer gone = FakeDnsServer.start()) {
      closedPort = gone.port();
    }
    OnionResolver resolver =
        resolver().dnsServers(List.of(DnsServer.parse("127.0.0.1:" + closedPort + "/tcp"))).build();
    Resolution r = resolver.resolve("example.com");
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.NETWORK, c.reason());
  }

  @Test
  void truncatedUdpAnswerIsRetriedOverTcp() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    dns.get().fault(qname("example.com"), DnsFault.truncateUdp());
    assertInstanceOf(Routed.class, resolver().build().resolve("example.com"));
    assertEquals(
        List.of(Transport.UDP, Transport.TCP),
        dns.get().queries().stream().map(Query::transport).toList());
  }

  @Test
  void tcpServerIsAskedOverTcpOnly() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    OnionResolver resolver =
        resolver()
            .dnsServers(List.of(DnsServer.parse("127.0.0.1:" + dns.get().port() + "/tcp")))
            .build();
    assertInstanceOf(Routed.class, resolver.resolve("example.com"));
    assertEquals(
        List.of(Transport.TCP), dns.get().queries().stream().map(Query::transport).toList());
  }

  @Test
  void silentFirstServerFailsOverToTheSecond() throws IOException {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    try (FakeDnsServer silent = FakeDnsServer.start().faultAll(DnsFault.drop())) {
      OnionResolver resolver =
          resolver()
              .timeout(Duration.ofMillis(200))
              .dnsServers(
                  List.of(
                      new DnsServer(silent.address(), false),
                      new DnsServer(dns.get().address(), false)))
              .build();
      Resolution r = resolver.resolve("example.com");
      assertInstanceOf(Routed.class, r, r::toString);
      assertEquals(1, silent.queries().size());
    }
  }

  @Test
  void aThousandHostileRecordsAreSortedOut() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String target =
          switch (i % 4) {
            case 0 -> "h" + i + ".example.";
            case 1 -> "h" + i + ".onion.";
            case 2 -> i < 500 ? Onions.A + "." : "mx" + i + "." + Onions.B + ".";
            default -> i % 8 == 3 ? Onions.C + "." : "wy6zk3pmcwiyhiao.onion.";
          };
      int port = i % 8 == 3 ? 0 : 25;
      lines.add(srv("example.com", 300, (i % 7) + " " + (i % 13) + " " + port + " " + target));
    }
    dns.get().add(lines.toArray(String[]::new));
    Resolution res = resolver().build().resolve("example.com");
    Routed r = assertInstanceOf(Routed.class, res, res::toString);
    assertEquals(SrvLookup.MAX_TARGETS, r.targets().size());
    assertEquals(r.targets().size(), new HashSet<>(r.targets()).size());
    assertTrue(r.targets().contains(Onions.target(Onions.A, 25)));
    assertTrue(r.targets().stream().noneMatch(t -> t.onion().serviceId().startsWith("llqii")));
  }

  @Test
  void answerTooLargeEvenForTcpIsCouldNotTellMalformed() {
    for (int i = 0; i < 1200; i++) {
      dns.get().add(srv("example.com", 300, "0 " + i + " 25 " + Onions.A + "."));
    }
    Resolution r = resolver().build().resolve("example.com");
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.MALFORMED, c.reason());
  }

  @Test
  void duplicateTargetsAreReturnedOnce() {
    for (int w = 0; w < 10; w++) {
      dns.get().add(srv("example.com", 300, "0 " + w + " 25 " + Onions.A + "."));
    }
    Routed r = assertInstanceOf(Routed.class, resolver().build().resolve("example.com"));
    assertEquals(List.of(Onions.target(Onions.A, 25)), r.targets());
  }

  @Test
  void cachedRecordSetIsReorderedOnEveryLookup() {
    dns.get()
        .add(
            srv("example.com", 300, "0 1 25 " + Onions.A + "."),
            srv("example.com", 300, "0 1 25 " + Onions.B + "."));
    OnionResolver resolver = resolver().build();
    Set<OnionTarget> firsts = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      firsts.add(((Routed) resolver.resolve("example.com")).targets().get(0));
    }
    assertEquals(2, firsts.size());
    assertEquals(1, dns.get().queries().size());
  }

  @Test
  void concurrentLookupsOfOneDomainShareOneQuery() {
    dns.get().add(srv("example.com", 300, "0 0 25 " + Onions.A + "."));
    dns.get().fault(qname("example.com"), DnsFault.delay(Duration.ofMillis(200)));
    OnionResolver resolver = resolver().build();
    List<CompletableFuture<Resolution>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(resolver.resolveAsync("example.com").toCompletableFuture());
    }
    for (CompletableFuture<Resolution> f : all) {
      assertInstanceOf(Routed.class, f.join());
    }
    assertEquals(1, dns.get().queries().size());
  }

  @Test
  void manyConcurrentResolvesAllGetTheirOwnAnswer() throws Exception {
    int domains = 200;
    for (int i = 0; i < domains; i++) {
      String onion = i % 2 == 0 ? Onions.A : Onions.B;
      dns.get().add(srv("d" + i + ".example", 300, "0 0 " + (1000 + i) + " " + onion + "."));
    }
    OnionResolver resolver = resolver().build();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Resolution>> results = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < domains; i++) {
          String d = "d" + i + ".example";
          results.add(pool.submit(() -> resolver.resolve(d)));
        }
      }
      for (int k = 0; k < results.size(); k++) {
        int i = k % domains;
        Routed r = assertInstanceOf(Routed.class, results.get(k).get());
        assertEquals("d" + i + ".example", r.domain());
        assertEquals(1000 + i, r.targets().get(0).port());
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(dns.get().queries().size() <= 3 * domains);
    assertTrue(dns.get().queries().size() >= domains);
  }
}
