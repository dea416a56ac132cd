package org.onionmx.resolve;

import java.time.Instant;
import java.util.List;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoRouteReason;

/**
 * What one {@code _onion-mx._tcp} SRV query told, before ordering: the unit the resolver caches.
 * The target order is drawn from {@link Found#candidates} on every lookup, so a cached record set
 * still spreads load by weight.
 */
sealed interface SrvAnswer {

  /** Valid onion targets, sorted by priority; never empty. */
  record Found(List<Candidate> candidates, RouteSource source, Instant expires)
      implements SrvAnswer {
    public Found {
      candidates = List.copyOf(candidates);
    }
  }

  /** A definite "no route" from DNS. */
  record Negative(NoRouteReason reason, String detail, Instant expires) implements SrvAnswer {}

  /** The query failed; never cached. */
  record Failed(FailureReason reason, String detail, Throwable cause) implements SrvAnswer {}

  /** One usable SRV record. */
  record Candidate(int priority, int weight, OnionTarget target) {}

  /** When this answer stops being valid; {@link Instant#MIN} for a failure. */
  default Instant expires() {
    if (this instanceof Found f) {
      return f.expires();
    }
    if (this instanceof Negative n) {
      return n.expires();
    }
    return Instant.MIN;
  }
}
