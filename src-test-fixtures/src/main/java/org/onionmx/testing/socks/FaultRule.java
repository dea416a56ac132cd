package org.onionmx.testing.socks;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Chooses the {@link Fault}, if any, for one CONNECT. {@link FakeTorProxy} asks its rules in the
 * order they were added and applies the first fault returned. Rules are called from many threads at
 * once and must be thread-safe; the factories here are.
 */
@FunctionalInterface
public interface FaultRule {
  /** The fault for this request, or empty to leave it to the next rule (or to forward it). */
  Optional<Fault> select(ConnectRequest request);

  /** {@code fault} for every CONNECT to {@code host} (compared without case). */
  static FaultRule forHost(String host, Fault fault) {
    Objects.requireNonNull(host, "host");
    return when(r -> r.host().equalsIgnoreCase(host), fault);
  }

  /** {@code fault} for every CONNECT that {@code condition} accepts. */
  static FaultRule when(Predicate<ConnectRequest> condition, Fault fault) {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(fault, "fault");
    return r -> condition.test(r) ? Optional.of(fault) : Optional.empty();
  }

  /**
   * Each CONNECT gets, with probability {@code probability}, one of {@code faults} chosen
   * uniformly: for injecting faults into a small share of many deliveries. Seed {@code random} for
   * reproducible runs.
   *
   * @throws IllegalArgumentException if {@code probability} is not within 0-1 or {@code faults} is
   *     empty
   */
  static FaultRule randomly(double probability, Random random, List<Fault> faults) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability " + probability + " is not within 0-1");
    }
    List<Fault> choices = List.copyOf(faults);
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("no faults to choose from");
    }
    Objects.requireNonNull(random, "random");
    return r -> {
      synchronized (random) {
        if (random.nextDouble() >= probability) {
          return Optional.empty();
        }
        return Optional.of(choices.get(random.nextInt(choices.size())));
      }
    };
  }

  /** This rule, but only for the first {@code n} requests it selects a fault for. */
  default FaultRule times(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("times " + n + " is negative");
    }
    AtomicInteger left = new AtomicInteger(n);
    return r -> select(r).filter(f -> left.getAndUpdate(x -> Math.max(0, x - 1)) > 0);
  }
}
