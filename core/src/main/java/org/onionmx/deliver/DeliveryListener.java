package org.onionmx.deliver;

import java.time.Duration;
import java.util.List;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;

/**
 * Told what deliveries do, for metrics, logs and queues: look-ups, Tor streams opened, failed and
 * reused, each recipient's result, and the Tor health monitor's changes. In the manner of OkHttp's
 * {@code EventListener}: every method has an empty default, so a listener overrides what it needs.
 * Give it to {@link OnionMailer.Builder#listener}.
 *
 * <p>Listeners observe; they do not steer. Methods are called on the thread doing the work (a
 * delivering thread; for {@link #torHealthChanged}, also jtorctl's event thread), must be quick,
 * and must be thread-safe, since one mailer delivers on many threads at once. A listener that
 * throws is logged and otherwise ignored: it never changes a delivery's outcome. Events carry
 * domains, onion targets and results; a recipient's address appears only inside {@link
 * RecipientResult}, so a listener that must not see local parts uses the result's class and the
 * domain.
 */
public interface DeliveryListener {
  /** A listener that does nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /**
   * One listener that tells each of {@code listeners}, in order; one that throws is logged and
   * skipped, and the others are still told. For a framework that collects listeners (the Spring
   * Boot starter gathers its context's beans) and hands the stack one.
   *
   * @throws NullPointerException if the list or a listener is null
   */
  static DeliveryListener all(List<DeliveryListener> listeners) {
    return new Listeners(listeners);
  }

  /**
   * {@link OnionSender} resolved a recipient domain.
   *
   * @param domain the normalised domain
   * @param resolution the answer
   * @param took from the look-up's start to its answer, as the sender waited for it
   */
  default void resolved(String domain, Resolution resolution, Duration took) {}

  /**
   * A delivery begins: a message to the recipients of {@code envelope} on {@code route}.
   *
   * @param route the route, with the targets in the order they will be tried
   * @param envelope the envelope
   */
  default void deliveryStarted(Resolution.Routed route, Envelope envelope) {}

  /**
   * Tor opened a new stream to {@code target} and the SMTP session on it is ready (greeting and
   * EHLO done, TLS if configured).
   *
   * @param domain the domain being delivered to
   * @param target the onion target
   * @param took from asking for a session to its being ready
   */
  default void streamOpened(String domain, OnionTarget target, Duration took) {}

  /**
   * An open session from the pool was reused for {@code target}: no new Tor stream.
   *
   * @param domain the domain being delivered to
   * @param target the onion target
   */
  default void sessionReused(String domain, OnionTarget target) {}

  /**
   * An attempt on {@code target} failed as a whole, before any recipient got a result there: Tor
   * refused or could not reach the onion ({@link Failure.Tor}, with its SOCKS code), the connection
   * broke or timed out, the server refused the session, or TLS failed. The delivery goes on to the
   * next target, if any.
   *
   * @param domain the domain being delivered to
   * @param target the onion target
   * @param failure why
   */
  default void targetFailed(String domain, OnionTarget target, Failure failure) {}

  /**
   * A recipient's final result in a delivery: one call per envelope recipient, in envelope order,
   * once the delivery is over.
   *
   * @param domain the domain delivered to
   * @param result the result
   */
  default void recipientResult(String domain, RecipientResult result) {}

  /**
   * A delivery is over.
   *
   * @param report one result per recipient, and the targets tried
   * @param took from {@link #deliveryStarted} to now
   */
  default void deliveryEnded(DeliveryReport report, Duration took) {}

  /**
   * The mailer's Tor health monitor ({@link OnionMailer.Builder#health}) changed: its state, or a
   * new recovery ({@code NEWNYM}).
   *
   * @param snapshot the monitor after the change
   */
  default void torHealthChanged(TorHealth.Snapshot snapshot) {}
}
