package org.onionmx.resolve;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a lookup of a mail domain ended. Three outcomes that must never be conflated:
 *
 * <ul>
 *   <li>{@link Routed}: deliver over Tor to these targets, in this order;
 *   <li>{@link NoOnionRoute}: a definite answer that the domain has no onion route;
 *   <li>{@link CouldNotTell}: the lookup failed (timeout, SERVFAIL, DNSSEC bogus or unsigned where
 *       required). This is a temporary failure, never "no route": reading it as "no route" is how a
 *       mailer silently falls back to the clearnet.
 * </ul>
 */
public sealed interface Resolution
    permits Resolution.Routed, Resolution.NoOnionRoute, Resolution.CouldNotTell {

  /** The normalised domain that was looked up (lower case, A-labels, no trailing dot). */
  String domain();

  /**
   * Deliver over Tor.
   *
   * @param domain the normalised domain
   * @param targets the targets in the order delivery should try them; never empty
   * @param source where the route came from
   * @param expires when the route should be looked up again ({@link Instant#MAX} for pinned routes)
   */
  record Routed(String domain, List<OnionTarget> targets, RouteSource source, Instant expires)
      implements Resolution {
    /** Copies the target list; refuses an empty one. */
    public Routed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(expires, "expires");
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("a route needs at least one target");
      }
    }

    /** True if the route came from a pin, a validated SRV answer or an onion domain. */
    public boolean authenticated() {
      return source.authenticated();
    }
  }

  /**
   * A definite answer: the domain has no onion route.
   *
   * @param domain the normalised domain
   * @param reason why there is no route
   * @param detail the reason in words, for logs and bounce messages
   * @param expires when this answer should be looked up again
   */
  record NoOnionRoute(String domain, NoRouteReason reason, String detail, Instant expires)
      implements Resolution {
    /** Checks that no component is null. */
    public NoOnionRoute {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(expires, "expires");
    }
  }

  /**
   * The lookup failed: the domain may or may not have an onion route. Treat as a temporary failure.
   *
   * @param domain the normalised domain
   * @param reason the kind of failure
   * @param detail the failure in words, for logs and deferral messages
   * @param cause the underlying exception, or null
   */
  record CouldNotTell(String domain, FailureReason reason, String detail, Throwable cause)
      implements Resolution {
    /** Checks that no required component is null. */
    public CouldNotTell {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a domain has no onion route. */
  enum NoRouteReason {
    /** Not in the map and SRV look-ups are off. */
    NOT_MAPPED,
    /** The SRV name does not exist (NXDOMAIN) or has no SRV records (NODATA). */
    NO_SRV_RECORD,
    /** The SRV answer is the single target {@code .}: "no service" (RFC 2782). */
    NO_SERVICE,
    /** SRV records exist, but none of their targets is a valid v3 onion. */
    NO_VALID_TARGET,
    /** One of the sender's own domains: never routed over onion. */
    OWN_DOMAIN,
    /** On the ignore list. */
    IGNORED
  }

  /** Why a lookup could not tell. */
  enum FailureReason {
    /** No answer in time from any configured DNS server. */
    TIMEOUT,
    /** The DNS server answered SERVFAIL, REFUSED or another error code. */
    SERVER_FAILURE,
    /** DNSSEC validation failed: the answer may be forged. */
    DNSSEC_BOGUS,
    /** The answer is not DNSSEC-signed and the policy requires it. */
    DNSSEC_UNSIGNED,
    /** Network or I/O error talking to the DNS server. */
    NETWORK,
    /** The answer could not be used (malformed, truncated beyond repair). */
    MALFORMED
  }
}
