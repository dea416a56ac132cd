package org.onionmx.spring.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import org.onionmx.deliver.DeliveryListener;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;

/**
 * Micrometer meters from the core's delivery events. No tag carries a recipient, a domain or an
 * onion: only result classes and Tor's SOCKS reply code, so the meters' cardinality is fixed.
 *
 * <ul>
 *   <li>{@code onionmx.deliveries} (counter), tags {@code result} and {@code tor.code}: one per
 *       recipient with a result on an onion route ({@code accepted}, {@code rejected}, {@code
 *       deferred}, {@code unknown}), and one per recipient domain of a message that had no onion
 *       route ({@code no-route}) or whose look-up could not tell ({@code lookup-failed}); the
 *       listener sees domains there, not recipients. {@code tor.code} is Tor's SOCKS reply ({@code
 *       0xf2}, ...) when Tor refused the stream, {@code no-reply} when Tor gave none, else {@code
 *       none}. What the relay then does with a no-route domain is Angus's, not counted here.
 *   <li>{@code onionmx.delivery} (timer), tag {@code result} ({@code accepted} when every recipient
 *       was, else {@code not-accepted}): one delivery of a message to one domain's onions, failover
 *       included.
 *   <li>{@code onionmx.tor.stream.open} (timer): a new Tor stream and SMTP session (descriptor,
 *       rendezvous, greeting, EHLO); {@code onionmx.sessions.reused} (counter): a pooled session
 *       used instead.
 *   <li>{@code onionmx.target.failures} (counter), tags {@code failure} ({@code tor}, {@code smtp},
 *       {@code connection}, {@code unsupported}) and {@code tor.code}: an onion target that failed
 *       as a whole; the delivery went on to the next target.
 * </ul>
 *
 * <p>A {@link MeterBinder}: Boot binds it to the application's registry; meters made before that go
 * there too.
 */
final class DeliveryMetrics implements DeliveryListener, MeterBinder {
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  private final Counter reused =
      Counter.builder("onionmx.sessions.reused")
          .description("Pooled onion SMTP sessions reused instead of a new Tor stream")
          .register(meters);
  private final Timer streamOpen =
      Timer.builder("onionmx.tor.stream.open")
          .description("Time to open a Tor stream to an onion and get its SMTP session ready")
          .register(meters);

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.add(registry);
  }

  @Override
  public void resolved(String domain, Resolution resolution, Duration took) {
    if (resolution instanceof Resolution.NoOnionRoute) {
      deliveries("no-route", "none");
    } else if (resolution instanceof Resolution.CouldNotTell) {
      deliveries("lookup-failed", "none");
    }
  }

  @Override
  public void streamOpened(String domain, OnionTarget target, Duration took) {
    streamOpen.record(took);
  }

  @Override
  public void sessionReused(String domain, OnionTarget target) {
    reused.increment();
  }

  @Override
  public void targetFailed(String domain, OnionTarget target, Failure failure) {
    String kind;
    if (failure instanceof Failure.Tor) {
      kind = "tor";
    } else if (failure instanceof Failure.Smtp) {
      kind = "smtp";
    } else if (failure instanceof Failure.Connection) {
      kind = "connection";
    } else {
      kind = "unsupported";
    }
    Counter.builder("onionmx.target.failures")
        .description("Onion targets that failed as a whole during a delivery")
        .tag("failure", kind)
        .tag("tor.code", torCode(failure))
        .register(meters)
        .increment();
  }

  @Override
  public void recipientResult(String domain, RecipientResult result) {
    if (result instanceof RecipientResult.Accepted) {
      deliveries("accepted", "none");
    } else if (result instanceof RecipientResult.Rejected r) {
      deliveries("rejected", torCode(r.failure()));
    } else if (result instanceof RecipientResult.Deferred d) {
      deliveries("deferred", torCode(d.failure()));
    } else if (result instanceof RecipientResult.StatusUnknown u) {
      deliveries("unknown", torCode(u.failure()));
    }
  }

  @Override
  public void deliveryEnded(DeliveryReport report, Duration took) {
    Timer.builder("onionmx.delivery")
        .description("One message delivered to one domain's onion services, failover included")
        .tag("result", report.allAccepted() ? "accepted" : "not-accepted")
        .register(meters)
        .record(took);
  }

  private void deliveries(String result, String torCode) {
    Counter.builder("onionmx.deliveries")
        .description("Delivery results: per recipient on an onion route, per domain without one")
        .tag("result", result)
        .tag("tor.code", torCode)
        .register(meters)
        .increment();
  }

  private static String torCode(Failure failure) {
    if (failure instanceof Failure.Tor tor) {
      return tor.socksCode() < 0 ? "no-reply" : String.format("0x%02x", tor.socksCode());
    }
    return "none";
  }

  @Override
  public String toString() {
    return "DeliveryMetrics";
  }
}
