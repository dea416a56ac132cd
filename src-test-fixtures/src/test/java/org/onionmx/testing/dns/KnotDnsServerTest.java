package org.onionmx.testing.dns;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The builder's checks on added records; they need no {@code knotd}. */
class KnotDnsServerTest {
  @Test
  void recordOutsideTheZoneIsRefused() {
    KnotDnsServer.Builder builder = KnotDnsServer.newBuilder();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.record("_onion-mx._tcp.example.com. 300 IN SRV 0 5 25 x.onion."));

    assertTrue(e.getMessage().contains("not below onionmx.test."), e::getMessage);
  }

  @Test
  void recordUnderADelegatedChildIsRefused() {
    KnotDnsServer.Builder builder = KnotDnsServer.newBuilder();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.record("_onion-mx._tcp.bogus 300 IN SRV 0 5 25 x.onion."));

    assertTrue(e.getMessage().contains("delegated child bogus.onionmx.test."), e::getMessage);
  }

  @Test
  void unparsableRecordIsRefused() {
    KnotDnsServer.Builder builder = KnotDnsServer.newBuilder();

    assertThrows(IllegalArgumentException.class, () -> builder.record("tor 300 IN SRV zero"));
  }
}
