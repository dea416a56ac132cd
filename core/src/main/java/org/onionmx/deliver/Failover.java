package org.onionmx.deliver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;

/**
 * The walk over a route's targets, and which result each recipient ends with.
 *
 * <p>A target that gives no session (Tor, greeting, EHLO or STARTTLS failure) passes every pending
 * recipient to the next target, even for a permanent failure, which speaks about that onion only.
 * In a transaction, accepted, rejected (5xx) and status-unknown recipients are final; deferred ones
 * go on to the next target. A recipient left when the targets run out is deferred with its last
 * temporary failure if it had one, else rejected with its last failure.
 */
final class Failover {
  /** Delivers to the still pending recipients on one target. */
  @FunctionalInterface
  interface Attempt {
    /**
     * @return a result for each of {@code pending}
     * @throws TargetFailure if the target gave no session
     */
    Map<String, RecipientResult> run(OnionTarget target, List<String> pending)
        throws TargetFailure;
  }

  private Failover() {}

  static DeliveryReport run(Resolution.Routed route, Envelope envelope, Attempt attempt) {
    Map<String, RecipientResult> done = new LinkedHashMap<>();
    Map<String, RecipientResult> lastTemporary = new HashMap<>();
    Map<String, RecipientResult> lastPermanent = new HashMap<>();
    List<OnionTarget> tried = new ArrayList<>();
    for (OnionTarget target : route.targets()) {
      List<String> pending =
          envelope.recipients().stream().filter(r -> !done.containsKey(r)).toList();
      if (pending.isEmpty()) {
        break;
      }
      tried.add(target);
      try {
        attempt
            .run(target, pending)
            .forEach(
                (r, result) -> {
                  if (result instanceof RecipientResult.Deferred) {
                    lastTemporary.put(r, result);
                  } else {
                    done.put(r, result);
                  }
                });
      } catch (TargetFailure f) {
        for (String r : pending) {
          RecipientResult result = Transaction.failed(r, target, f.failure());
          (f.failure().temporary() ? lastTemporary : lastPermanent).put(r, result);
        }
      }
    }
    List<RecipientResult> report = new ArrayList<>();
    for (String r : envelope.recipients()) {
      RecipientResult result = done.get(r);
      if (result == null) {
        result = lastTemporary.containsKey(r) ? lastTemporary.get(r) : lastPermanent.get(r);
      }
      if (result == null) {
        throw new IllegalStateException("no result for " + r); // every attempt answers for all
      }
      report.add(result);
    }
    return new DeliveryReport(route.domain(), report, tried);
  }
}
