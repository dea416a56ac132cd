package org.onionmx.spring.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.onionmx.jakarta.mail.OnionSmtpStack;
import org.onionmx.tor.BootstrapStatus;
import org.onionmx.tor.TorControlException;
import org.onionmx.tor.TorHealth;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Tor as the shared stack sees it ({@code /actuator/health} component {@code tor}):
 *
 * <ul>
 *   <li>the SOCKS listener: a TCP connect on loopback, closed at once (no SOCKS request), within
 *       {@code onionmx.health.probe-timeout}; refused or silent is DOWN;
 *   <li>with a control port: Tor's bootstrap progress, asked now; below 100 % is DOWN, and a
 *       control connection that broke is reported (NEWNYM recovery is off) but not DOWN, since
 *       delivery needs only the SOCKS port;
 *   <li>the health monitor: {@code STALLED} (a run of onion failures and no control port to recover
 *       with) is DOWN; {@code FAILING} and {@code RECOVERING} are reported.
 * </ul>
 *
 * <p>Details name no onion and no recipient: the SOCKS address, the states and counts.
 */
final class TorHealthIndicator extends AbstractHealthIndicator {
  private final OnionSmtpStack stack;
  private final boolean controlConfigured;
  private final Duration probeTimeout;

  TorHealthIndicator(OnionSmtpStack stack, boolean controlConfigured, Duration probeTimeout) {
    super("Tor health check failed");
    this.stack = stack;
    this.controlConfigured = controlConfigured;
    this.probeTimeout = probeTimeout;
  }

  @Override
  protected void doHealthCheck(Health.Builder health) {
    String down = null;
    InetSocketAddress socks = stack.socksListener();
    health.withDetail("socks", socks.getAddress().getHostAddress() + ":" + socks.getPort());
    String unreachable = probe(socks);
    health.withDetail("socksReachable", unreachable == null);
    if (unreachable != null) {
      down = "Tor's SOCKS listener " + socks + " is not reachable: " + unreachable;
    }

    if (controlConfigured) {
      try {
        Optional<BootstrapStatus> bootstrap = stack.bootstrapStatus();
        if (bootstrap.isPresent()) {
          BootstrapStatus b = bootstrap.get();
          health.withDetail("bootstrap", b.progress());
          health.withDetail("bootstrapSummary", b.summary());
          if (!b.done() && down == null) {
            down = "Tor has not bootstrapped: " + b.progress() + " % (" + b.summary() + ")";
          }
        } else {
          health.withDetail(
              "control", "configured but not connected: no NEWNYM recovery (see the log)");
        }
      } catch (TorControlException e) {
        health.withDetail("control", "connection failed: " + e.getMessage());
      }
    }

    TorHealth.Snapshot monitor = stack.health().snapshot();
    health.withDetail("monitor", monitor.state().name());
    health.withDetail("recentFailures", monitor.recentFailures());
    health.withDetail("recoveries", monitor.recoveries());
    monitor.lastSuccess().ifPresent(t -> health.withDetail("lastSuccess", t.toString()));
    if (monitor.state() == TorHealth.State.STALLED && down == null) {
      down =
          "onion deliveries are stalled ("
              + monitor.recentFailures()
              + " temporary Tor failures in a run) and no control port can signal NEWNYM:"
              + " restart Tor or configure onionmx.control.*";
    }

    if (down == null) {
      health.up();
    } else {
      health.down().withDetail("reason", down);
    }
  }

  /** Null if a TCP connection to {@code socks} opened in time, else why not. */
  private String probe(InetSocketAddress socks) {
    try (Socket s = new Socket()) {
      s.connect(socks, (int) Math.max(1, probeTimeout.toMillis()));
      return null;
    } catch (IOException e) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
  }
}
