package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.onionmx.resolve.InvalidDomainException;

/** The envelope's domain goes out in the same UTS 46 A-label the route was resolved for. */
class WireAddressTest {
  @Test
  void sharpSDomainGoesOutAsItsOwnALabelNotAsSs() {
    assertEquals("bob@xn--fa-hia.example", WireAddress.of("bob@faß.example"));
  }

  @Test
  void softHyphenInTheDomainIsRefusedNotDropped() {
    assertThrows(InvalidDomainException.class, () -> WireAddress.of("bob@fa\u00ADss.example"));
  }

  @Test
  void asciiAddressIsUnchanged() {
    assertEquals("Bob@Example.org", WireAddress.of("Bob@Example.org"));
  }
}
