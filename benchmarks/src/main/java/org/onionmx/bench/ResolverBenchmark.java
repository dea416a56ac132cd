package org.onionmx.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.dns.FakeDnsServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Look-ups that need no DNS query: pinned domains, cached SRV answers with one target, and cached
 * SRV answers whose three equal-priority targets are re-drawn by weight on every look-up. Goal: at
 * least 1 M look-ups per second on one thread. The SRV answers come once from a loopback {@link
 * FakeDnsServer}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResolverBenchmark {
  private static final int DOMAINS = 1024;
  private static final String[] ONIONS = {
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion",
    "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion",
    "llqiiswupgezsco4ux47cco3bxsaihbss5c3piefv6bhvpgfofyk7kad.onion",
  };

  private FakeDnsServer dns;
  private OnionResolver resolver;
  private final String[] pinned = new String[DOMAINS];
  private final String[] cached = new String[DOMAINS];
  private final String[] weighted = new String[DOMAINS];

  /** Per-thread position in the domain arrays. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int next() {
      return next++ & (DOMAINS - 1);
    }
  }

  /** Starts the DNS server, builds the resolver and fills its cache. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dns = FakeDnsServer.start();
    Map<String, OnionTarget> pins = new HashMap<>();
    for (int i = 0; i < DOMAINS; i++) {
      pinned[i] = "pinned" + i + ".example";
      cached[i] = "cached" + i + ".example";
      weighted[i] = "weighted" + i + ".example";
      pins.put(pinned[i], OnionTarget.parse(ONIONS[i % 3]));
      dns.add("_onion-mx._tcp." + cached[i] + ". 86400 IN SRV 0 0 25 " + ONIONS[i % 3] + ".");
      for (int k = 0; k < 3; k++) {
        dns.add(
            "_onion-mx._tcp."
                + weighted[i]
                + ". 86400 IN SRV 10 "
                + (10 * k + 5)
                + " 25 "
                + ONIONS[k]
                + ".");
      }
    }
    resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(pins))
            .dnsServers(List.of(new DnsServer(dns.address(), false)))
            .dnssec(DnssecPolicy.OFF)
            .timeout(Duration.ofSeconds(2))
            .random(new Random(1))
            .build();
    for (int i = 0; i < DOMAINS; i++) {
      check(resolver.resolve(cached[i]));
      check(resolver.resolve(weighted[i]));
    }
    dns.clearQueries();
  }

  private static void check(Resolution r) {
    if (!(r instanceof Resolution.Routed)) {
      throw new IllegalStateException("not routed: " + r);
    }
  }

  /** Checks that no look-up went to DNS, and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    int queries = dns.queries().size();
    dns.close();
    if (queries != 0) {
      throw new IllegalStateException(queries + " DNS queries during the benchmark");
    }
  }

  /** A pinned domain: a map look-up. */
  @Benchmark
  public Resolution pinned(Cursor c) {
    return resolver.resolve(pinned[c.next()]);
  }

  /** A cached SRV answer with one target. */
  @Benchmark
  public Resolution cachedSrv(Cursor c) {
    return resolver.resolve(cached[c.next()]);
  }

  /** A cached SRV answer with three weighted targets of one priority, re-drawn each time. */
  @Benchmark
  public Resolution cachedSrvWeighted(Cursor c) {
    return resolver.resolve(weighted[c.next()]);
  }
}
