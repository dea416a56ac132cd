package org.onionmx.testing.socks;

import org.onionmx.testing.PerTestFixture;

/**
 * A {@link FakeTorProxy} for each test, closed after it. With {@literal @}RegisterExtension on
 * {@code final FakeTorProxyExtension tor = new FakeTorProxyExtension();} a test routes with {@code
 * tor.get().route(host, port)}.
 */
public final class FakeTorProxyExtension extends PerTestFixture<FakeTorProxy> {
  /** A proxy with no routes and no fault rules for each test. */
  public FakeTorProxyExtension() {
    super(FakeTorProxy::start);
  }
}
