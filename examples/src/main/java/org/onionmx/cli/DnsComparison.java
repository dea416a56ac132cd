package org.onionmx.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;

/**
 * Compares each pinned entry of a map with the domain's live SRV record, printing one line per
 * domain: the domain, the pinned target, the SRV targets (or {@code -}) and the verdict.
 *
 * @param agreements entries whose pinned target is among the SRV targets
 * @param disagreements entries whose SRV record names other onions
 * @param withoutSrv entries whose domain publishes no (valid) SRV record
 * @param failures entries whose look-up could not tell
 */
record DnsComparison(int agreements, int disagreements, int withoutSrv, int failures) {
  /** Look-ups in flight at once. */
  private static final int PARALLEL = 32;

  static DnsComparison run(OnionMap map, DnsOptions dns, PrintWriter out, PrintWriter err) {
    OnionResolver resolver =
        dns.applyTo(OnionResolver.newBuilder().map(OnionMap.empty()).cacheSize(0)).build();
    Map<String, OnionTarget> entries = map.entries();
    Semaphore inFlight = new Semaphore(PARALLEL);
    List<CompletableFuture<Resolution>> lookups = new ArrayList<>();
    boolean terminal = System.console() != null;
    int done = 0;
    for (String domain : entries.keySet()) {
      inFlight.acquireUninterruptibly();
      lookups.add(
          resolver
              .resolveAsync(domain)
              .toCompletableFuture()
              .whenComplete((r, e) -> inFlight.release()));
    }
    int agree = 0;
    int disagree = 0;
    int none = 0;
    int failed = 0;
    int i = 0;
    for (Map.Entry<String, OnionTarget> entry : entries.entrySet()) {
      Resolution resolution = lookups.get(i++).join();
      if (terminal) {
        err.printf("\rchecked %d/%d", ++done, entries.size());
        err.flush();
      }
      String srv = "-";
      String verdict;
      if (resolution instanceof Resolution.Routed routed) {
        srv = routed.targets().stream().map(Object::toString).collect(Collectors.joining(","));
        if (routed.targets().contains(entry.getValue())) {
          verdict = "agrees (" + routed.source().label() + ")";
          agree++;
        } else {
          verdict = "DISAGREES: SRV names other onions (" + routed.source().label() + ")";
          disagree++;
        }
      } else if (resolution instanceof Resolution.NoOnionRoute noRoute) {
        verdict = "no SRV: " + noRoute.detail();
        none++;
      } else {
        verdict = "could not tell: " + ((Resolution.CouldNotTell) resolution).detail();
        failed++;
      }
      out.println(
          Escape.field(entry.getKey())
              + '\t'
              + entry.getValue()
              + '\t'
              + Escape.field(srv)
              + '\t'
              + Escape.field(verdict));
    }
    if (terminal) {
      err.println();
    }
    return new DnsComparison(agree, disagree, none, failed);
  }
}
