package org.onionmx.testing.dns;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FakeDnsServer} does with a query instead of (or before) answering it from its
 * records. Immutable values; choose them per name with {@link FakeDnsServer#fault}.
 */
public sealed interface DnsFault {
  /** Answer from the records, as if there were no fault (the end of a {@link Delay}). */
  record Answer() implements DnsFault {}

  /** Answer with this rcode and empty sections (SERVFAIL = 2, NXDOMAIN = 3, REFUSED = 5). */
  record Rcode(int rcode) implements DnsFault {
    /**
     * @throws IllegalArgumentException if {@code rcode} is not 0-15
     */
    public Rcode {
      if (rcode < 0 || rcode > 15) {
        throw new IllegalArgumentException("rcode " + rcode + " is not 0-15");
      }
    }
  }

  /** Never answer (the query is still recorded). */
  record Drop() implements DnsFault {}

  /** Over UDP answer with the TC bit and no records; over TCP answer normally. */
  record TruncateUdp() implements DnsFault {}

  /** Wait {@code delay}, then do {@code then}. */
  record Delay(Duration delay, DnsFault then) implements DnsFault {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Delay {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(then, "then");
    }
  }

  /**
   * Answer from the records, but with the QR bit clear: the message says it is a query, not a
   * response, as a confused or hostile server might send.
   */
  record NoQrBit() implements DnsFault {}

  /**
   * Over TCP, send the answer from the records, its two-byte length first, one byte every {@code
   * interval}, as a hostile server might to hold the client; over UDP answer normally.
   */
  record DripTcp(Duration interval) implements DnsFault {
    /**
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public DripTcp {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval " + interval + " is negative");
      }
    }
  }

  /** Over TCP, the answer a byte every {@code interval}. */
  static DnsFault dripTcp(Duration interval) {
    return new DripTcp(interval);
  }

  /** The answer from the records, with the QR bit clear. */
  static DnsFault noQrBit() {
    return new NoQrBit();
  }

  /** Answer from the records. */
  static DnsFault answer() {
    return new Answer();
  }

  /** SERVFAIL. */
  static DnsFault servFail() {
    return new Rcode(org.xbill.DNS.Rcode.SERVFAIL);
  }

  /** REFUSED. */
  static DnsFault refused() {
    return new Rcode(org.xbill.DNS.Rcode.REFUSED);
  }

  /** NXDOMAIN without a SOA (so not cacheable), whatever the records say. */
  static DnsFault nxDomain() {
    return new Rcode(org.xbill.DNS.Rcode.NXDOMAIN);
  }

  /** No answer at all. */
  static DnsFault drop() {
    return new Drop();
  }

  /** TC over UDP, the full answer over TCP. */
  static DnsFault truncateUdp() {
    return new TruncateUdp();
  }

  /** The normal answer, {@code delay} late. */
  static DnsFault delay(Duration delay) {
    return new Delay(delay, new Answer());
  }
}
