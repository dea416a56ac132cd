package org.onionmx.resolve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.onionmx.internal.Checks;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Turns a mail domain into the onion services that take its mail. The chain, in order:
 *
 * <ol>
 *   <li>a {@code .onion} domain is routed to port 25 of that service ({@link
 *       RouteSource#ONION_DOMAIN}) and never sent to DNS;
 *   <li>own domains and ignored domains get {@link Resolution.NoOnionRoute} ({@code OWN_DOMAIN},
 *       {@code IGNORED}) without any query;
 *   <li>the pinned {@link OnionMap}: a pinned domain is routed ({@link RouteSource#MAP}) without
 *       any DNS query, so an SRV record that contradicts the pin is never even seen;
 *   <li>the {@code _onion-mx._tcp.<domain>} SRV record set, DNSSEC-checked under the {@link
 *       DnssecPolicy}, cached for its TTL (negative answers for the SOA minimum).
 * </ol>
 *
 * <p>Immutable and safe for concurrent use; concurrent look-ups of one uncached domain share one
 * query. Build one with {@link #newBuilder()} and reuse it: its cache is what makes it fast.
 */
public final class OnionResolver {
  private static final String ROOT_ANCHORS = "root-anchors.txt";

  /** A whole DNSSEC look-up may need this many sequential queries (SRV, DS, DNSKEY, ...). */
  private static final int DNSSEC_QUERIES = 4;

  private final Supplier<OnionMap> map;
  private final Set<String> ownDomains;
  private final Set<String> ignored;
  private final boolean srv;
  private final Clock clock;
  private final Random random;
  private final AnswerCache cache;
  private final SrvLookup lookup;
  private final ConcurrentHashMap<String, CompletableFuture<SrvAnswer>> inFlight =
      new ConcurrentHashMap<>();

  private OnionResolver(Builder b) {
    this.map = b.map != null ? b.map : OnionMap::bundled;
    this.ownDomains = Set.copyOf(b.ownDomains);
    this.ignored = Set.copyOf(b.ignored);
    this.srv = b.srv;
    this.clock = b.clock;
    this.random = b.random;
    this.cache = new AnswerCache(b.cacheSize);
    this.lookup = b.srv ? b.newLookup() : null;
  }

  /** A builder with the defaults listed on its methods. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Resolves {@code domain}, waiting for DNS if needed (at most a few times the query timeout).
   *
   * @throws InvalidDomainException if {@code domain} is not a valid mail domain
   * @throws InvalidOnionAddressException if {@code domain} is a {@code .onion} name that is not a
   *     valid v3 onion (a v2 name, a bad checksum)
   */
  public Resolution resolve(String domain) {
    String d = normalize(domain);
    Resolution now = withoutDns(d);
    return now != null ? now : srvAsync(d).join();
  }

  /**
   * Resolves {@code domain} without blocking. The stage never completes exceptionally: failures are
   * {@link Resolution.CouldNotTell}.
   *
   * @throws InvalidDomainException if {@code domain} is not a valid mail domain (thrown at once)
   * @throws InvalidOnionAddressException if {@code domain} is an invalid {@code .onion} name
   */
  public CompletionStage<Resolution> resolveAsync(String domain) {
    String d = normalize(domain);
    Resolution now = withoutDns(d);
    return now != null ? CompletableFuture.completedFuture(now) : srvAsync(d);
  }

  private static String normalize(String domain) {
    if (OnionAddress.isOnionName(domain)) {
      return OnionAddress.parse(domain).hostname();
    }
    return DomainNames.normalize(domain);
  }

  /** The answer if it needs no DNS query (onion, own, ignored, pinned, cached), else null. */
  private Resolution withoutDns(String d) {
    if (OnionAddress.isOnionName(d)) {
      OnionTarget t = new OnionTarget(OnionAddress.parse(d), OnionTarget.SMTP_PORT);
      return new Resolution.Routed(d, List.of(t), RouteSource.ONION_DOMAIN, Instant.MAX);
    }
    if (ownDomains.contains(d)) {
      return new Resolution.NoOnionRoute(
          d, NoRouteReason.OWN_DOMAIN, d + " is one of our own domains", Instant.MAX);
    }
    if (ignored.contains(d)) {
      return new Resolution.NoOnionRoute(
          d, NoRouteReason.IGNORED, d + " is on the ignore list", Instant.MAX);
    }
    Optional<OnionTarget> pinned = map.get().lookup(d);
    if (pinned.isPresent()) {
      return new Resolution.Routed(d, List.of(pinned.get()), RouteSource.MAP, Instant.MAX);
    }
    if (!srv) {
      return new Resolution.NoOnionRoute(
          d,
          NoRouteReason.NOT_MAPPED,
          d + " is not in the map and SRV look-ups are off",
          Instant.MAX);
    }
    SrvAnswer cached = cache.get(d, clock.instant());
    return cached == null ? null : toResolution(d, cached);
  }

  private CompletableFuture<Resolution> srvAsync(String d) {
    CompletableFuture<SrvAnswer> mine = new CompletableFuture<>();
    CompletableFuture<SrvAnswer> running = inFlight.putIfAbsent(d, mine);
    if (running == null) {
      running = mine;
      CompletableFuture<SrvAnswer> query;
      try {
        query = lookup.lookup(d);
      } catch (RuntimeException e) {
        query = CompletableFuture.failedFuture(e);
      }
      query.whenComplete(
          (answer, error) -> {
            SrvAnswer a =
                error == null
                    ? answer
                    : new SrvAnswer.Failed(
                        FailureReason.MALFORMED,
                        "SRV look-up of " + d + " failed: " + error,
                        error);
            cache.put(d, a, clock.instant());
            inFlight.remove(d, mine);
            mine.complete(a);
          });
    }
    return running.thenApply(a -> toResolution(d, a));
  }

  private Resolution toResolution(String d, SrvAnswer answer) {
    if (answer instanceof SrvAnswer.Found f) {
      List<OnionTarget> order = SrvOrder.order(f.candidates(), random);
      return new Resolution.Routed(d, order, f.source(), f.expires());
    }
    if (answer instanceof SrvAnswer.Negative n) {
      return new Resolution.NoOnionRoute(d, n.reason(), n.detail(), n.expires());
    }
    SrvAnswer.Failed x = (SrvAnswer.Failed) answer;
    return new Resolution.CouldNotTell(d, x.reason(), x.detail(), x.cause());
  }

  /**
   * Configures an {@link OnionResolver}. Not safe for concurrent use; {@link #build()} may be
   * called more than once.
   */
  public static final class Builder {
    private Supplier<OnionMap> map; // null: the bundled public map, loaded only when needed
    private boolean srv = true;
    private List<DnsServer> dnsServers;
    private Duration timeout = Duration.ofSeconds(5);
    private DnssecPolicy dnssec = DnssecPolicy.PREFER;
    private String trustAnchors;
    private Set<String> ownDomains = Set.of();
    private Set<String> ignored = Set.of();
    private Clock clock = Clock.systemUTC();
    private Random random = new Random();
    private int cacheSize = 10_000;
    private org.onionmx.tor.StreamOpener dnsOverTor;

    private Builder() {}

    /**
     * The pinned map, asked before DNS; a pinned domain causes no DNS query. Default: the bundled
     * public onionmx map ({@link OnionMap#bundled()}); {@link OnionMap#empty()} pins nothing.
     *
     * @throws NullPointerException if {@code map} is null
     */
    public Builder map(OnionMap map) {
      Objects.requireNonNull(map, "map");
      this.map = () -> map;
      return this;
    }

    /**
     * A pinned map that may change while the resolver lives, such as a {@link WatchedMap} that
     * re-reads its files when they change on disk. {@code source.get()} is called on every look-up,
     * so it must be cheap and must not return null. Replaces {@link #map(OnionMap)}.
     *
     * @throws NullPointerException if {@code source} is null
     */
    public Builder mapSource(Supplier<OnionMap> source) {
      this.map = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Whether to look up {@code _onion-mx._tcp} SRV records for unpinned domains. Default: true.
     */
    public Builder srv(boolean enabled) {
      this.srv = enabled;
      return this;
    }

    /**
     * The DNS servers to ask, in order: the next one only when the previous one did not answer in
     * time or could not be reached. Default: the system's, as dnsjava's {@link ResolverConfig}
     * finds them.
     *
     * @throws IllegalArgumentException if {@code servers} is empty
     * @throws NullPointerException if it or an element is null
     */
    public Builder dnsServers(List<DnsServer> servers) {
      List<DnsServer> copy = List.copyOf(servers);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("no DNS servers");
      }
      this.dnsServers = copy;
      return this;
    }

    /**
     * How long to wait for one DNS server's answer to one query. A DNSSEC look-up can take several
     * queries; a whole look-up ends after at most {@value #DNSSEC_QUERIES} times this per server.
     * Default: 5 s.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /** How much SRV answers must be DNSSEC-validated. Default: {@link DnssecPolicy#PREFER}. */
    public Builder dnssec(DnssecPolicy policy) {
      this.dnssec = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Replaces the DNSSEC trust anchors (default: the root zone's KSKs from IANA) with DS or DNSKEY
     * records in master-file form, one per line, for example {@code onionmx.test. 3600 IN DS 2371
     * 13 2 9A1F…}, as read from a file. Names outside every anchor validate as unsigned.
     *
     * @throws IllegalArgumentException if the text cannot be parsed or holds no DS or DNSKEY record
     */
    public Builder trustAnchors(String masterFileText) {
      TrustAnchors.check(masterFileText);
      this.trustAnchors = masterFileText;
      return this;
    }

    /** Domains never routed over onion ({@code OWN_DOMAIN}); exact names, case-insensitive. */
    public Builder ownDomains(Collection<String> domains) {
      this.ownDomains = normalizeAll(domains);
      return this;
    }

    /** Domains never routed over onion ({@code IGNORED}); exact names, case-insensitive. */
    public Builder ignore(Collection<String> domains) {
      this.ignored = normalizeAll(domains);
      return this;
    }

    /** The clock for TTLs and DNSSEC signature times. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The source of the weighted SRV draws; shared by all threads. Default: a new {@link Random}.
     */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The most SRV answers (positive and negative) kept in the cache; 0 disables it. Default:
     * 10,000.
     *
     * @throws IllegalArgumentException if {@code maxEntries} is negative
     */
    public Builder cacheSize(int maxEntries) {
      if (maxEntries < 0) {
        throw new IllegalArgumentException("cache size must not be negative: " + maxEntries);
      }
      this.cacheSize = maxEntries;
      return this;
    }

    /**
     * Sends SRV look-ups over Tor: DNS over TCP, through streams that {@code opener} opens (a
     * {@code TorSocksConnector}), to the configured DNS servers, which Tor reaches through an exit.
     * Nothing of the look-up then leaves this machine outside Tor; the DNS server, not the local
     * network, sees the names asked. The servers should be given explicitly ({@link #dnsServers}):
     * the system's are often local addresses that a Tor exit cannot reach. Default: off.
     *
     * @throws NullPointerException if {@code opener} is null
     */
    public Builder dnsOverTor(org.onionmx.tor.StreamOpener opener) {
      this.dnsOverTor = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** A resolver with this configuration. */
    public OnionResolver build() {
      return new OnionResolver(this);
    }

    private static Set<String> normalizeAll(Collection<String> domains) {
      Set<String> out = new java.util.HashSet<>();
      for (String d : domains) {
        out.add(DomainNames.normalize(d));
      }
      return Set.copyOf(out);
    }

    private SrvLookup newLookup() {
      List<DnsServer> servers = dnsServers != null ? dnsServers : systemServers();
      List<Resolver> heads = new ArrayList<>();
      Executor overTor = dnsOverTor == null ? null : TorTcpResolver.newExecutor();
      for (DnsServer s : servers) {
        if (overTor != null) {
          heads.add(new TorTcpResolver(dnsOverTor, s.address(), overTor));
        } else {
          SimpleResolver r = new SimpleResolver(s.address());
          r.setTCP(s.tcp());
          heads.add(r);
        }
      }
      FailoverResolver head = new FailoverResolver(heads, timeout);
      Resolver resolver = head;
      int queries = 1;
      if (dnssec != DnssecPolicy.OFF) {
        ValidatingResolver v = new ValidatingResolver(head, clock);
        try (InputStream in = anchors()) {
          v.loadTrustAnchors(in);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot load DNSSEC trust anchors", e);
        }
        resolver = v;
        queries = DNSSEC_QUERIES;
      }
      Duration deadline = timeout.multipliedBy((long) queries * heads.size()).plusMillis(100);
      return new SrvLookup(resolver, head, dnssec, clock, deadline);
    }

    private InputStream anchors() {
      if (trustAnchors != null) {
        return new ByteArrayInputStream(trustAnchors.getBytes(StandardCharsets.UTF_8));
      }
      InputStream in = OnionResolver.class.getResourceAsStream(ROOT_ANCHORS);
      if (in == null) {
        throw new IllegalStateException("missing resource " + ROOT_ANCHORS);
      }
      return in;
    }

    private static List<DnsServer> systemServers() {
      List<DnsServer> out = new ArrayList<>();
      for (InetSocketAddress a : ResolverConfig.getCurrentConfig().servers()) {
        out.add(new DnsServer(a, false));
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("no DNS servers configured on this system");
      }
      return out;
    }
  }
}
