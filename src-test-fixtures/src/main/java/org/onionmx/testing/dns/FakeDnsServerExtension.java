package org.onionmx.testing.dns;

import org.onionmx.testing.PerTestFixture;

/**
 * A {@link FakeDnsServer} for each test, closed after it. With {@literal @}RegisterExtension on
 * {@code final FakeDnsServerExtension dns = new FakeDnsServerExtension();} a test adds records with
 * {@code dns.get().add(...)} and asks resolvers at {@code dns.get().address()}.
 */
public final class FakeDnsServerExtension extends PerTestFixture<FakeDnsServer> {
  /** An empty server (UDP and TCP on one loopback port) for each test. */
  public FakeDnsServerExtension() {
    super(FakeDnsServer::start);
  }
}
