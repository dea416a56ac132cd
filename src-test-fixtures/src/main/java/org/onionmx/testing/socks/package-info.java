/**
 * A fake Tor SOCKS5 port for tests: {@link org.onionmx.testing.socks.FakeTorProxy} records every
 * request, forwards by destination name to loopback servers, and injects Tor's failure replies,
 * delays, garbage and cuts ({@link org.onionmx.testing.socks.Fault}, chosen per connection by
 * {@link org.onionmx.testing.socks.FaultRule}s).
 */
package org.onionmx.testing.socks;
