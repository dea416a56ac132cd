package org.onionmx.deliver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;

/**
 * A delivery with the Tor health monitor around each attempt: a session to the onion (new or
 * pooled) is {@link TorHealth#streamOpened}, a {@link Failure.Tor} is {@link
 * TorHealth#streamFailed}; when such a failure makes the monitor signal {@code NEWNYM}, the
 * recipients deferred by temporary Tor failures are tried once more, on the fresh circuits.
 */
final class CircuitRecovery {
  private CircuitRecovery() {}

  /** Runs {@code attempt} over the route's targets; without a monitor, exactly {@link Failover}. */
  static DeliveryReport run(
      TorHealth health, Resolution.Routed route, Envelope envelope, Failover.Attempt attempt) {
    if (health == null) {
      return Failover.run(route, envelope, attempt);
    }
    AtomicBoolean renewed = new AtomicBoolean();
    Failover.Attempt watched =
        (target, pending) -> {
          String host = target.onion().hostname();
          try {
            var results = attempt.run(target, pending);
            health.streamOpened(host);
            return results;
          } catch (TargetFailure f) {
            if (f.failure() instanceof Failure.Tor tor
                && health.streamFailed(host, tor.socksCode(), tor.temporary())) {
              renewed.set(true);
            }
            throw f;
          }
        };
    DeliveryReport report = Failover.run(route, envelope, watched);
    return renewed.get() ? onFreshCircuits(route, envelope, report, watched) : report;
  }

  /** Once more for the recipients deferred by a temporary Tor failure; never a second time. */
  private static DeliveryReport onFreshCircuits(
      Resolution.Routed route, Envelope envelope, DeliveryReport first, Failover.Attempt attempt) {
    List<String> again =
        first.ofType(RecipientResult.Deferred.class).stream()
            .filter(d -> d.failure() instanceof Failure.Tor)
            .map(RecipientResult::recipient)
            .toList();
    if (again.isEmpty()) {
      return first;
    }
    DeliveryReport second = Failover.run(route, new Envelope(envelope.mailFrom(), again), attempt);
    List<RecipientResult> results = new ArrayList<>();
    for (RecipientResult r : first.results()) {
      results.add(again.contains(r.recipient()) ? second.resultFor(r.recipient()) : r);
    }
    List<OnionTarget> tried = new ArrayList<>(first.targetsTried());
    tried.addAll(second.targetsTried());
    return new DeliveryReport(first.domain(), results, tried);
  }
}
