package org.onionmx.deliver;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DEBUG lines of every mailer, written as a {@link DeliveryListener} so that the log and the
 * listeners see the same events: each look-up, each Tor stream opened or session reused, each
 * failed target, each delivery's end with its results counted. Domains and onions only: never a
 * recipient's address, and never a server's reply text, which may quote one.
 */
final class DebugLog implements DeliveryListener {
  private static final Logger LOG = LoggerFactory.getLogger("org.onionmx.deliver");

  @Override
  public void resolved(String domain, Resolution resolution, Duration took) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    String what;
    if (resolution instanceof Resolution.Routed routed) {
      what = "routed to " + routed.targets() + " (" + routed.source().label() + ")";
    } else if (resolution instanceof Resolution.NoOnionRoute none) {
      what = "no onion route (" + none.reason() + ")";
    } else {
      what = "could not tell (" + ((Resolution.CouldNotTell) resolution).reason() + ")";
    }
    LOG.debug("resolved {}: {} in {} ms", domain, what, took.toMillis());
  }

  @Override
  public void deliveryStarted(Resolution.Routed route, Envelope envelope) {
    LOG.debug(
        "delivering to {}: {} recipient(s), targets {}",
        route.domain(),
        envelope.recipients().size(),
        route.targets());
  }

  @Override
  public void streamOpened(String domain, OnionTarget target, Duration took) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "new Tor stream and SMTP session to {} for {} in {} ms", target, domain, took.toMillis());
    }
  }

  @Override
  public void sessionReused(String domain, OnionTarget target) {
    LOG.debug("reusing an open session to {} for {}", target, domain);
  }

  @Override
  public void targetFailed(String domain, OnionTarget target, Failure failure) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} failed for {}: {}", target, domain, kind(failure));
    }
  }

  @Override
  public void deliveryEnded(DeliveryReport report, Duration took) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (RecipientResult r : report.results()) {
      counts.merge(r.getClass().getSimpleName(), 1, Integer::sum);
    }
    LOG.debug(
        "delivery to {} ended in {} ms: {} (targets tried {})",
        report.domain(),
        took.toMillis(),
        counts,
        report.targetsTried());
  }

  @Override
  public void torHealthChanged(TorHealth.Snapshot snapshot) {
    LOG.debug("Tor health: {}", snapshot.state());
  }

  /** The failure's kind and code, without its text. */
  private static String kind(Failure failure) {
    if (failure instanceof Failure.Smtp smtp) {
      return "SMTP " + smtp.code();
    }
    if (failure instanceof Failure.Tor tor) {
      return "Tor "
          + (tor.socksCode() >= 0 ? String.format("0x%02X", tor.socksCode()) : "(no reply)");
    }
    if (failure instanceof Failure.Connection connection) {
      return "connection " + connection.kind();
    }
    return failure.getClass().getSimpleName();
  }
}
