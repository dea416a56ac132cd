package org.onionmx.tor;

import static org.onionmx.tor.TestSockets.connectorFor;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.onionmx.testing.Closing;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * A JUnit 5 extension: an echo server ({@link TestSockets#echoServer}) behind every destination of
 * a fake Tor proxy, and a connector to that proxy with the tests' short timeouts. Started before
 * each test and closed after it, whether the test passed or not.
 */
final class EchoBehindProxy implements BeforeEachCallback, AfterEachCallback {
  private LoopbackServer echo;
  private FakeTorProxy proxy;
  private TorSocksConnector connector;

  /** The running test's proxy. */
  FakeTorProxy proxy() {
    return proxy;
  }

  /** A connector to {@link #proxy()}. */
  TorSocksConnector connector() {
    return connector;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    echo = TestSockets.echoServer();
    proxy = FakeTorProxy.start().defaultRoute(echo.port());
    connector = connectorFor(proxy.port()).build();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Closing.all(proxy, echo);
  }
}
