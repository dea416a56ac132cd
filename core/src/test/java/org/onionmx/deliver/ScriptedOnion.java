package org.onionmx.deliver;

import java.io.IOException;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * A {@link ScriptedSmtpServer} behind the fake Tor proxy as the onion host {@code
 * Fixtures.host(label)}, and a mailer through that proxy: what the tests that talk to one onion
 * share.
 */
final class ScriptedOnion implements AutoCloseable {
  final ScriptedSmtpServer server;
  final FakeTorProxy proxy;
  final OnionMailer mailer;

  private ScriptedOnion(ScriptedSmtpServer server, FakeTorProxy proxy, OnionMailer mailer) {
    this.server = server;
    this.proxy = proxy;
    this.mailer = mailer;
  }

  static ScriptedOnion start(String label) throws IOException {
    ScriptedSmtpServer server = ScriptedSmtpServer.start();
    FakeTorProxy proxy = FakeTorProxy.start();
    proxy.route(Fixtures.host(label), server.port());
    return new ScriptedOnion(server, proxy, Fixtures.mailer(proxy).build());
  }

  @Override
  public void close() throws IOException {
    mailer.close();
    proxy.close();
    server.close();
  }
}
