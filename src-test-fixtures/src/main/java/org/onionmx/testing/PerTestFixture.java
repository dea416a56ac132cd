package org.onionmx.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts a fixture before each test and closes it after the test, whether
 * the test passed, failed or threw. Register it with {@literal @}RegisterExtension on an instance
 * field, for instance {@code final PerTestFixture<LoopbackServer> echo = PerTestFixture.of(() ->
 * LoopbackServer.echo("220 ready\r\n"));}, and reach the running test's fixture with {@link
 * #get()}.
 *
 * <p>The fixture is started before the test class's {@code @BeforeEach} methods run and closed
 * after its {@code @AfterEach} methods, so both may use it. Subclasses name the common fixtures
 * ({@code FakeTorProxyExtension}, {@code FakeDnsServerExtension}, {@code
 * ScriptedSmtpServerExtension}).
 *
 * @param <T> the fixture
 */
public class PerTestFixture<T extends AutoCloseable>
    implements BeforeEachCallback, AfterEachCallback {
  /** Starts one fixture. */
  @FunctionalInterface
  public interface Starter<T> {
    /** Returns a started fixture; throws if it could not start. */
    T start() throws Exception;
  }

  private final Starter<? extends T> starter;
  private T fixture;

  /** An extension that starts each test's fixture with {@code starter}. */
  protected PerTestFixture(Starter<? extends T> starter) {
    if (starter == null) {
      throw new IllegalArgumentException("starter is null");
    }
    this.starter = starter;
  }

  /** An extension that starts each test's fixture with {@code starter}. */
  public static <T extends AutoCloseable> PerTestFixture<T> of(Starter<? extends T> starter) {
    return new PerTestFixture<>(starter);
  }

  /**
   * The running test's fixture.
   *
   * @throws IllegalStateException outside a test, for instance on a static field or in a before-all
   *     method
   */
  public T get() {
    T f = fixture;
    if (f == null) {
      throw new IllegalStateException(
          "no fixture outside a test: register the extension on an instance field");
    }
    return f;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    fixture = starter.start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    T f = fixture;
    fixture = null;
    if (f != null) {
      f.close();
    }
  }
}
