/**
 * DNS servers for tests: {@link org.onionmx.testing.dns.FakeDnsServer}, an in-process server with
 * programmable records and faults that records every query, and {@link
 * org.onionmx.testing.dns.KnotDnsServer}, Debian's {@code knotd} serving a DNSSEC-signed test zone.
 * Both listen on 127.0.0.1 only.
 */
package org.onionmx.testing.dns;
