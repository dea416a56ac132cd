package org.onionmx.tor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.onionmx.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Tor's health from the outcomes of onion streams and, with a control port, from Tor's own
 * events, and recovers from a stall with {@code SIGNAL NEWNYM}.
 *
 * <p><b>Stall rule.</b> A <em>run</em> is the temporary failures Tor replied with (any temporary
 * SOCKS reply: the onion codes 0xF0-0xF7 and also 0x06 "TTL expired", which Tor sends when an onion
 * service stopped answering, and 0x01) since the last opened stream or the last recovery. Failures
 * older than the {@linkplain Builder#stallRule window} drop out of the run. Tor is stalled when the
 * run holds at least {@code failures} failures to at least {@code destinations} distinct onions.
 * Then, if a control port is given, {@code NEWNYM} is signalled (new streams get fresh circuits),
 * the run starts over and {@link #streamFailed} returns true so the caller can retry once; without
 * a control port the stall is only reported. Any opened stream ends the run: a Tor that reaches
 * some onion is not stalled. Failures without a Tor reply (no SOCKS listener, a timeout) and
 * permanent ones are counted but do not make a stall: fresh circuits do not help.
 *
 * <p>The app polls {@link #snapshot()} or registers a {@link Listener}; state changes are logged
 * (SLF4J logger {@code org.onionmx.tor.TorHealth}). Thread-safe. With a control port, this monitor
 * subscribes to {@code STATUS_CLIENT} (bootstrap progress) and {@code CIRC} (failed circuits) on
 * it; the caller keeps owning the {@link TorControl} and closes it.
 */
public final class TorHealth {
  /** Default failures in a run that make a stall. */
  public static final int DEFAULT_STALL_FAILURES = 3;

  /** Default distinct onions the run must span. */
  public static final int DEFAULT_STALL_DESTINATIONS = 2;

  /** Default time a failure stays in the run. */
  public static final Duration DEFAULT_STALL_WINDOW = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(TorHealth.class);

  /** How Tor is doing, as this monitor sees it. */
  public enum State {
    /** No temporary Tor failure since the last opened stream (or nothing seen yet). */
    HEALTHY,
    /** Temporary Tor failures, not (yet) a stall. */
    FAILING,
    /** A stall and no control port to recover with; ends with the next opened stream. */
    STALLED,
    /** {@code NEWNYM} was signalled after a stall; ends with the next opened stream or stall. */
    RECOVERING
  }

  /**
   * An immutable view of the monitor.
   *
   * @param state the current state
   * @param bootstrap Tor's last reported bootstrap status; empty without a control port
   * @param lastSuccess when a stream last opened; empty if none yet
   * @param recentFailures temporary Tor failures in the current run (see the stall rule)
   * @param totalFailures every Tor failure recorded, temporary or not
   * @param recoveries how many times {@code NEWNYM} was signalled
   * @param circuitFailures circuits Tor reported FAILED ({@code CIRC} events); 0 without control
   * @param failuresByDestination every Tor failure recorded, by onion host name
   */
  public record Snapshot(
      State state,
      Optional<BootstrapStatus> bootstrap,
      Optional<Instant> lastSuccess,
      int recentFailures,
      long totalFailures,
      int recoveries,
      long circuitFailures,
      Map<String, Long> failuresByDestination) {
    /** Copies the map; checks that nothing is null. */
    public Snapshot {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(bootstrap, "bootstrap");
      Objects.requireNonNull(lastSuccess, "lastSuccess");
      failuresByDestination = Map.copyOf(failuresByDestination);
    }
  }

  /** Told of every change of {@link State}, of each recovery and of bootstrap changes. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called after the change, on the thread that caused it (a delivering thread, or jtorctl's
     * reader thread for Tor's events). Must be quick and must not throw.
     */
    void changed(Snapshot snapshot);
  }

  private record Failed(Instant at, String destination) {}

  private final TorControl control;
  private final int stallFailures;
  private final int stallDestinations;
  private final Duration stallWindow;
  private final Clock clock;
  private final List<Listener> listeners;

  // guarded by this
  private State state = State.HEALTHY;
  private BootstrapStatus bootstrap;
  private Instant lastSuccess;
  private final Deque<Failed> run = new ArrayDeque<>();
  private long totalFailures;
  private int recoveries;
  private long circuitFailures;
  private final Map<String, Long> byDestination = new HashMap<>();

  private TorHealth(Builder b) {
    this.control = b.control;
    this.stallFailures = b.stallFailures;
    this.stallDestinations = b.stallDestinations;
    this.stallWindow = b.stallWindow;
    this.clock = b.clock;
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
  }

  /** A builder with the defaults: no control port, 3 failures over 2 onions within 10 minutes. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** True if this monitor can signal {@code NEWNYM}. */
  public boolean hasControl() {
    return control != null;
  }

  /** Records that a stream to {@code destination} opened: Tor works, the run ends. */
  public void streamOpened(String destination) {
    Objects.requireNonNull(destination, "destination");
    Snapshot changed;
    synchronized (this) {
      lastSuccess = clock.instant();
      run.clear();
      changed = moveTo(State.HEALTHY, "a stream to " + destination + " opened");
    }
    notifyListeners(changed);
  }

  /**
   * Records that Tor could not open a stream to {@code destination}, and recovers if that makes a
   * stall (see the class comment).
   *
   * @param destination the onion host name
   * @param socksCode Tor's SOCKS reply code, or {@link TorSocksException#NO_REPLY}
   * @param temporary whether the failure is temporary
   * @return true if this failure made a stall and {@code NEWNYM} was signalled: retrying now goes
   *     over fresh circuits
   */
  public boolean streamFailed(String destination, int socksCode, boolean temporary) {
    Objects.requireNonNull(destination, "destination");
    Snapshot changed;
    boolean stalled;
    synchronized (this) {
      Instant now = clock.instant();
      totalFailures++;
      byDestination.merge(destination, 1L, Long::sum);
      if (!temporary || socksCode == TorSocksException.NO_REPLY) {
        return false;
      }
      run.addLast(new Failed(now, destination));
      Instant oldest = now.minus(stallWindow);
      while (!run.isEmpty() && run.peekFirst().at().isBefore(oldest)) {
        run.removeFirst();
      }
      Set<String> onions = new HashSet<>();
      run.forEach(f -> onions.add(f.destination()));
      stalled = run.size() >= stallFailures && onions.size() >= stallDestinations;
      String why =
          run.size()
              + " temporary Tor failures over "
              + onions.size()
              + " onion(s), last 0x"
              + Integer.toHexString(socksCode)
              + " from "
              + destination;
      if (!stalled) {
        changed = state == State.FAILING ? null : moveTo(State.FAILING, why);
      } else if (control == null) {
        changed = state == State.STALLED ? null : moveTo(State.STALLED, why + "; no control port");
      } else {
        run.clear();
        changed = null;
      }
    }
    notifyListeners(changed);
    return stalled && control != null && recover();
  }

  /** Signals NEWNYM; true if Tor took it. */
  private boolean recover() {
    try {
      control.newnym();
    } catch (TorControlException e) {
      LOG.warn("Tor looks stalled, but NEWNYM failed: {}", e.getMessage());
      return false;
    }
    Snapshot changed;
    synchronized (this) {
      recoveries++;
      LOG.warn("Tor looks stalled: signalled NEWNYM (recovery {})", recoveries);
      changed = moveTo(State.RECOVERING, "fresh circuits requested");
      if (changed == null) {
        changed = snapshotLocked(); // RECOVERING again: still a new recovery to tell
      }
    }
    notifyListeners(changed);
    return true;
  }

  /** The monitor's state now. */
  public synchronized Snapshot snapshot() {
    return snapshotLocked();
  }

  /** Adds a listener; it hears of changes from now on. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private Snapshot snapshotLocked() {
    return new Snapshot(
        state,
        Optional.ofNullable(bootstrap),
        Optional.ofNullable(lastSuccess),
        run.size(),
        totalFailures,
        recoveries,
        circuitFailures,
        byDestination);
  }

  /** Moves to {@code next}, logging it; the snapshot to tell listeners, or null if no change. */
  private Snapshot moveTo(State next, String why) {
    if (state == next) {
      return null;
    }
    State was = state;
    state = next;
    if (next == State.HEALTHY) {
      LOG.info("Tor health {} -> {}: {}", was, next, why);
    } else {
      LOG.warn("Tor health {} -> {}: {}", was, next, why);
    }
    return snapshotLocked();
  }

  private void notifyListeners(Snapshot s) {
    if (s == null) {
      return;
    }
    for (Listener l : listeners) {
      try {
        l.changed(s);
      } catch (RuntimeException e) {
        LOG.warn("a Tor health listener failed", e);
      }
    }
  }

  /** Tor's events: {@code STATUS_CLIENT} and {@code CIRC}, on jtorctl's reader thread. */
  void onEvent(String type, String data) {
    Snapshot changed = null;
    if (type.equals("CIRC")) {
      String[] parts = data.trim().split(" ");
      if (parts.length > 1 && parts[1].equals("FAILED")) {
        synchronized (this) {
          circuitFailures++;
        }
        LOG.debug("Tor circuit failed: {}", data);
      }
    } else if (type.equals("STATUS_CLIENT")) {
      if (data.contains(" BOOTSTRAP ")) {
        try {
          BootstrapStatus status = BootstrapStatus.parse(data);
          synchronized (this) {
            boolean doneChanged = bootstrap == null || bootstrap.done() != status.done();
            bootstrap = status;
            if (doneChanged) {
              LOG.info("Tor bootstrap: {} % ({})", status.progress(), status.summary());
              changed = snapshotLocked();
            }
          }
        } catch (IllegalArgumentException e) {
          LOG.debug("unreadable bootstrap event: {}", data);
        }
      } else if (data.contains("CIRCUIT_NOT_ESTABLISHED")) {
        LOG.warn("Tor reports it cannot build circuits: {}", data);
      } else if (data.contains("CIRCUIT_ESTABLISHED")) {
        LOG.info("Tor reports it can build circuits again");
      }
    }
    notifyListeners(changed);
  }

  /** Configures a {@link TorHealth}. Not thread-safe. */
  public static final class Builder {
    private TorControl control;
    private int stallFailures = DEFAULT_STALL_FAILURES;
    private int stallDestinations = DEFAULT_STALL_DESTINATIONS;
    private Duration stallWindow = DEFAULT_STALL_WINDOW;
    private Clock clock = Clock.systemUTC();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private Builder() {}

    /**
     * The control port to recover with and to hear Tor's events from; default none (count and
     * report only). The caller keeps owning it.
     *
     * @throws NullPointerException if {@code control} is null
     */
    public Builder control(TorControl control) {
      this.control = Objects.requireNonNull(control, "control");
      return this;
    }

    /**
     * The stall rule: at least {@code failures} temporary Tor failures to at least {@code
     * destinations} distinct onions, none older than {@code window}, with no stream opened in
     * between. Default 3, 2, 10 minutes. One destination makes a single unreachable onion a stall.
     *
     * @throws IllegalArgumentException if a count is below 1, {@code destinations} exceeds {@code
     *     failures}, or {@code window} is not positive
     */
    public Builder stallRule(int failures, int destinations, Duration window) {
      Objects.requireNonNull(window, "window");
      if (failures < 1 || destinations < 1 || destinations > failures) {
        throw new IllegalArgumentException(
            "stall rule needs 1 <= destinations ("
                + destinations
                + ") <= failures ("
                + failures
                + ")");
      }
      Checks.positive(window, "stall window");
      this.stallFailures = failures;
      this.stallDestinations = destinations;
      this.stallWindow = window;
      return this;
    }

    /**
     * The clock for failure times and {@link Snapshot#lastSuccess()}; default the UTC system clock.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a listener.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(Listener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The monitor. With a control port it reads Tor's bootstrap status and subscribes to {@code
     * STATUS_CLIENT} and {@code CIRC} events.
     *
     * @throws TorControlException if the control port fails to answer
     */
    public TorHealth build() throws TorControlException {
      TorHealth health = new TorHealth(this);
      if (control != null) {
        BootstrapStatus status = control.bootstrapStatus();
        synchronized (health) {
          health.bootstrap = status;
        }
        control.subscribe(List.of("STATUS_CLIENT", "CIRC"), health::onEvent);
      }
      return health;
    }
  }
}
