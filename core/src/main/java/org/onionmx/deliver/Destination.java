package org.onionmx.deliver;

import java.util.Set;

/**
 * What makes two SMTP sessions interchangeable: the onion host and port, the Tor isolation key,
 * and, with TLS on, the name the certificate is checked against and its pins.
 *
 * @param host the onion name
 * @param port the SMTP port
 * @param isolationKey the key handed to the stream opener; null for none
 * @param tlsName the name the certificate must match; null with TLS off
 * @param pins the accepted public-key pins for {@code tlsName}; empty if none
 */
record Destination(String host, int port, String isolationKey, String tlsName, Set<String> pins) {
  Destination {
    pins = Set.copyOf(pins);
  }

  @Override
  public String toString() {
    return host + ":" + port + (tlsName == null ? "" : " (TLS as " + tlsName + ")");
  }
}
