package org.onionmx.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.onionmx.deliver.DeliveryListener;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application context's {@link DeliveryListener} beans as the one listener the shared stack is
 * built with, in the beans' order. One that throws is logged and ignored, as the core does, and the
 * others are still told. Not a bean itself, so that it does not collect itself.
 */
final class DeliveryListeners implements DeliveryListener {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryListeners.class);
  private final List<DeliveryListener> listeners;

  DeliveryListeners(List<DeliveryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
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

  @Override
  public String toString() {
    return "DeliveryListeners" + listeners;
  }
}
