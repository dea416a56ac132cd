package org.onionmx.deliver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.onionmx.testing.Closing;
import org.onionmx.testing.PerTestFixture;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * A JUnit 5 extension for the tests that talk to onions: {@link ScriptedSmtpServer}s behind a fake
 * Tor proxy as the onion hosts {@code Fixtures.host(label)}, and a mailer through that proxy. All
 * are started before each test and closed after it, whether the test passed or not. With
 * {@literal @}RegisterExtension on {@code final ScriptedOnion onion = ScriptedOnion.at("mx1");} a
 * test delivers with {@code onion.mailer().deliver(route(target("mx1")), ...)} and reads {@code
 * onion.server().commands()}.
 */
final class ScriptedOnion implements BeforeEachCallback, AfterEachCallback {
  private final List<String> labels;
  private final boolean oneServer;
  private PerTestFixture.Starter<ScriptedSmtpServer> starter = ScriptedSmtpServer::start;
  private final Map<String, ScriptedSmtpServer> servers = new LinkedHashMap<>();
  private FakeTorProxy proxy;
  private OnionMailer mailer;

  private ScriptedOnion(List<String> labels, boolean oneServer) {
    this.labels = labels;
    this.oneServer = oneServer;
  }

  /** One server, reached as each of {@code labels}' hosts. */
  static ScriptedOnion at(String... labels) {
    return new ScriptedOnion(List.of(labels), true);
  }

  /** A server for each of {@code labels}, reached as that label's host. */
  static ScriptedOnion each(String... labels) {
    return new ScriptedOnion(List.of(labels), false);
  }

  /** Starts the servers with {@code starter} instead of {@link ScriptedSmtpServer#start()}. */
  ScriptedOnion startingServersWith(PerTestFixture.Starter<ScriptedSmtpServer> starter) {
    this.starter = starter;
    return this;
  }

  /** The server behind the first label. */
  ScriptedSmtpServer server() {
    return server(labels.get(0));
  }

  /** The server behind {@code label}. */
  ScriptedSmtpServer server(String label) {
    ScriptedSmtpServer s = servers.get(label);
    if (s == null) {
      throw new IllegalArgumentException("no server behind " + label + " in this test");
    }
    return s;
  }

  /** The running test's proxy. */
  FakeTorProxy proxy() {
    return proxy;
  }

  /** A mailer through {@link #proxy()} ({@code Fixtures.mailer}), built on first use. */
  OnionMailer mailer() {
    if (mailer == null) {
      try {
        mailer = Fixtures.mailer(proxy).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return mailer;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    proxy = FakeTorProxy.start();
    for (String label : labels) {
      ScriptedSmtpServer s =
          oneServer && !servers.isEmpty() ? servers.values().iterator().next() : starter.start();
      servers.put(label, s);
      proxy.route(Fixtures.host(label), s.port());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(mailer);
    all.add(proxy);
    servers.values().stream().distinct().forEach(all::add);
    mailer = null;
    proxy = null;
    servers.clear();
    Closing.all(all.toArray(AutoCloseable[]::new));
  }
}
