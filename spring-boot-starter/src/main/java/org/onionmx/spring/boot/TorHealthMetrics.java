package org.onionmx.spring.boot;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.onionmx.tor.TorHealth;

/**
 * The Tor health monitor as meters: {@code onionmx.tor.state} (gauge, tag {@code state}: 1 for the
 * current state, 0 for the others), {@code onionmx.tor.recoveries} (NEWNYM signals), {@code
 * onionmx.tor.failures} (Tor failures recorded) and {@code onionmx.tor.circuit.failures} (circuits
 * Tor reported failed). Alert on {@code state="stalled"} and on recoveries that keep climbing.
 */
final class TorHealthMetrics implements MeterBinder {
  private final TorHealth health;

  TorHealthMetrics(TorHealth health) {
    this.health = health;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (TorHealth.State state : TorHealth.State.values()) {
      Gauge.builder(
              "onionmx.tor.state", health, h -> h.snapshot().state() == state ? 1 : 0)
          .description("The Tor health monitor's state: 1 for the current one")
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("onionmx.tor.recoveries", health, h -> h.snapshot().recoveries())
        .description("NEWNYM signals sent to recover from a stall")
        .register(registry);
    FunctionCounter.builder("onionmx.tor.failures", health, h -> h.snapshot().totalFailures())
        .description("Tor failures to open a stream to an onion, temporary or not")
        .register(registry);
    FunctionCounter.builder(
            "onionmx.tor.circuit.failures", health, h -> h.snapshot().circuitFailures())
        .description("Circuits Tor reported FAILED (needs the control port)")
        .register(registry);
  }
}
