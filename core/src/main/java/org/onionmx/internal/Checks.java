package org.onionmx.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks the builders share, each failing with a message that names the setting and
 * the value refused.
 */
public final class Checks {
  /** The shortest duration whose {@code toMillis()} no longer fits in an int. */
  private static final Duration INT_MILLIS_LIMIT = Duration.ofMillis(Integer.MAX_VALUE + 1L);

  private Checks() {}

  /**
   * {@code d}, if more than zero.
   *
   * @throws NullPointerException naming {@code name} if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is zero or negative
   */
  public static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " " + d + " must be positive");
    }
    return d;
  }

  /**
   * {@code d}, if zero or more.
   *
   * @throws NullPointerException naming {@code name} if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " " + d + " is negative");
    }
    return d;
  }

  /**
   * {@code d}, if more than zero and at most {@link Integer#MAX_VALUE} milliseconds: a socket
   * timeout.
   *
   * @throws NullPointerException naming {@code name} if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is zero, negative or longer
   */
  public static Duration positiveMillis(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.compareTo(INT_MILLIS_LIMIT) >= 0) {
      throw new IllegalArgumentException(name + " " + d + " must be positive and fit in an int");
    }
    return d;
  }

  /**
   * {@code d}, if zero ("none") or at most {@link Integer#MAX_VALUE} milliseconds: a socket read
   * timeout.
   *
   * @throws NullPointerException naming {@code name} if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is negative or longer
   */
  public static Duration nonNegativeMillis(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.compareTo(INT_MILLIS_LIMIT) >= 0) {
      throw new IllegalArgumentException(name + " " + d + " is out of range");
    }
    return d;
  }

  /** True for a TCP port a connection can go to: 1-65535. */
  public static boolean isPort(int port) {
    return port >= 1 && port <= 65535;
  }

  /**
   * {@code port}, if 1-65535.
   *
   * @throws IllegalArgumentException naming {@code name} otherwise
   */
  public static int port(int port, String name) {
    if (!isPort(port)) {
      throw new IllegalArgumentException(name + " " + port + " is not 1-65535");
    }
    return port;
  }

  /**
   * {@code s}, if it has a character other than white space.
   *
   * @throws NullPointerException naming {@code name} if {@code s} is null
   * @throws IllegalArgumentException if {@code s} is empty or blank
   */
  public static String nonBlank(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.isBlank()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    return s;
  }

}
