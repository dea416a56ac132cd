/**
 * A private Tor network for integration tests: {@link org.onionmx.testing.tor.PrivateTorNetwork}
 * starts directory authorities, relays, an onion service and a client from Debian's {@code tor} on
 * 127.0.0.1, with no internet.
 */
package org.onionmx.testing.tor;
