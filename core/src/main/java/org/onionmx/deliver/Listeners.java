package org.onionmx.deliver;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailer's listeners as one: each event goes to every listener in the order they were added; a
 * listener that throws is logged and skipped, so it never changes a delivery.
 */
final class Listeners implements DeliveryListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<DeliveryListener> listeners;

  Listeners(List<DeliveryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(String event, Consumer<DeliveryListener> call) {
    for (DeliveryListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("delivery listener {} threw on {}: {}", l, event, e.toString());
      }
    }
  }

  @Override
  public void resolved(String domain, Resolution resolution, Duration took) {
    each("resolved", l -> l.resolved(domain, resolution, took));
  }

  @Override
  public void deliveryStarted(Resolution.Routed route, Envelope envelope) {
    each("deliveryStarted", l -> l.deliveryStarted(route, envelope));
  }

  @Override
  public void streamOpened(String domain, OnionTarget target, Duration took) {
    each("streamOpened", l -> l.streamOpened(domain, target, took));
  }

  @Override
  public void sessionReused(String domain, OnionTarget target) {
    each("sessionReused", l -> l.sessionReused(domain, target));
  }

  @Override
  public void targetFailed(String domain, OnionTarget target, Failure failure) {
    each("targetFailed", l -> l.targetFailed(domain, target, failure));
  }

  @Override
  public void recipientResult(String domain, RecipientResult result) {
    each("recipientResult", l -> l.recipientResult(domain, result));
  }

  @Override
  public void deliveryEnded(DeliveryReport report, Duration took) {
    each("deliveryEnded", l -> l.deliveryEnded(report, took));
  }

  @Override
  public void torHealthChanged(TorHealth.Snapshot snapshot) {
    each("torHealthChanged", l -> l.torHealthChanged(snapshot));
  }
}
