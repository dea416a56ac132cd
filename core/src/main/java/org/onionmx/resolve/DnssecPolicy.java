package org.onionmx.resolve;

/**
 * How much an SRV answer must be DNSSEC-validated before it routes mail. Validation happens in the
 * JVM (dnsjava's {@code ValidatingResolver}) against the resolver's trust anchors; the DNS servers
 * only have to pass DNSSEC records along.
 */
public enum DnssecPolicy {
  /**
   * Only validated answers count: a bogus answer is {@link Resolution.FailureReason#DNSSEC_BOGUS},
   * an unsigned one (positive or negative) {@link Resolution.FailureReason#DNSSEC_UNSIGNED}.
   */
  REQUIRE,
  /**
   * Validate when the zone is signed: validated routes are {@link RouteSource#SRV_DNSSEC}, unsigned
   * ones {@link RouteSource#SRV}; a bogus answer is {@link Resolution.FailureReason#DNSSEC_BOGUS}.
   */
  PREFER,
  /** No validation: every SRV route is {@link RouteSource#SRV}. */
  OFF
}
