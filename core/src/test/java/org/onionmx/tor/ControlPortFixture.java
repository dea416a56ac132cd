package org.onionmx.tor;

import java.net.InetAddress;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.onionmx.testing.Closing;
import org.onionmx.testing.tor.FakeControlPort;

/**
 * A JUnit 5 extension: a {@link FakeControlPort} and a {@link TorControl} connected to it, started
 * before each test and closed after it, whether the test passed or not.
 */
public final class ControlPortFixture implements BeforeEachCallback, AfterEachCallback {
  private FakeControlPort fake;
  private TorControl control;

  /** The running test's fake control port, for its commands and events. */
  public FakeControlPort fake() {
    return fake;
  }

  /** The connection to {@link #fake()}. */
  public TorControl control() {
    return control;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    fake = FakeControlPort.start();
    control =
        TorControl.newBuilder()
            .address(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), fake.port())
            .connect();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Closing.all(control, fake);
  }
}
