package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.onionmx.resolve.Resolution.CouldNotTell;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.Routed;

/**
 * Fuzzes SRV answer handling end to end: a server on loopback answers every query (the SRV query,
 * and under DNSSEC the validator's DNSKEY and DS queries) with the fuzz input, and {@link
 * OnionResolver#resolve} must end in one of the three {@link Resolution} outcomes, within its
 * deadline, never with an exception.
 *
 * <p>Input: the DNS response in wire form, then one byte choosing the {@link DnssecPolicy} (0
 * {@code REQUIRE}, 1 {@code PREFER}, 2 {@code OFF}, modulo 3). Seeds: {@code
 * src/test/resources/org/onionmx/resolve/OnionResolverFuzzTestInputs/}, answers to the query for
 * {@value #DOMAIN}.
 */
class OnionResolverFuzzTest {
  static final String DOMAIN = "example.com";
  private static final Duration TIMEOUT = Duration.ofMillis(250);

  /** The resolver's own bound: four sequential DNSSEC queries, plus room for a busy machine. */
  private static final Duration DEADLINE = TIMEOUT.multipliedBy(4).plusSeconds(2);

  private static WireResponder server;
  private static Map<DnssecPolicy, OnionResolver> resolvers;

  /**
   * Where the code under test may connect while fuzzing (Jazzer's SSRF detector): loopback. Set
   * inside the fuzz test, as Jazzer's agent is only there once the test runs.
   */
  private static final Set<String> LOOPBACK =
      Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");

  @BeforeAll
  static void start() throws IOException {
    server = WireResponder.start();
    resolvers = new EnumMap<>(DnssecPolicy.class);
    for (DnssecPolicy policy : DnssecPolicy.values()) {
      resolvers.put(
          policy,
          OnionResolver.newBuilder()
              .map(OnionMap.empty())
              .dnsServers(List.of(new DnsServer(server.address(), false)))
              .dnssec(policy)
              .timeout(TIMEOUT)
              .cacheSize(0)
              .random(new Random(1))
              .build());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @FuzzTest(maxDuration = "20s")
  @SuppressWarnings("try") // the resource is a scope: connections off loopback are bugs within it
  void anyResponseEndsInOneOfThreeOutcomesInTime(FuzzedDataProvider data) {
    DnssecPolicy policy = data.pickValue(DnssecPolicy.values());
    server.reply(data.consumeRemainingAsBytes());
    long start = System.nanoTime();
    Resolution r;
    try (SilentCloseable loopbackOnly =
        BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host))) {
      r = resolvers.get(policy).resolve(DOMAIN);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(DEADLINE) < 0, "took " + took.toMillis() + " ms");
    assertEquals(DOMAIN, r.domain());
    if (r instanceof Routed routed) {
      assertFalse(routed.targets().isEmpty());
      assertTrue(routed.source() == RouteSource.SRV || routed.source() == RouteSource.SRV_DNSSEC);
      assertFalse(policy == DnssecPolicy.REQUIRE && routed.source() != RouteSource.SRV_DNSSEC);
    } else if (r instanceof NoOnionRoute none) {
      assertNotNull(none.detail());
    } else {
      assertNotNull(((CouldNotTell) r).detail());
    }
  }
}
