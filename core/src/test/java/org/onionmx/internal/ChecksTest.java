package org.onionmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {
  private static final Duration LONGEST_INT_MILLIS =
      Duration.ofMillis(Integer.MAX_VALUE).plusNanos(999_999);

  @Test
  void positiveRefusesZeroAndNegativeNamingTheSetting() {
    Duration d = Duration.ofNanos(1);
    assertSame(d, Checks.positive(d, "idleTimeout"));
    assertEquals(
        "idleTimeout PT0S must be positive",
        assertThrows(
                IllegalArgumentException.class, () -> Checks.positive(Duration.ZERO, "idleTimeout"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Checks.positive(Duration.ofSeconds(-1), "x"));
    assertEquals(
        "idleTimeout",
        assertThrows(NullPointerException.class, () -> Checks.positive(null, "idleTimeout"))
            .getMessage());
  }

  @Test
  void nonNegativeTakesZero() {
    assertSame(Duration.ZERO, Checks.nonNegative(Duration.ZERO, "checkEvery"));
    assertEquals(
        "checkEvery PT-1S is negative",
        assertThrows(
                IllegalArgumentException.class,
                () -> Checks.nonNegative(Duration.ofSeconds(-1), "checkEvery"))
            .getMessage());
  }

  @Test
  void positiveMillisAlsoRefusesWhatDoesNotFitASocketTimeout() {
    assertSame(LONGEST_INT_MILLIS, Checks.positiveMillis(LONGEST_INT_MILLIS, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Checks.positiveMillis(LONGEST_INT_MILLIS.plusNanos(1), "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Checks.positiveMillis(Duration.ofSeconds(Long.MAX_VALUE), "t"));
    assertThrows(IllegalArgumentException.class, () -> Checks.positiveMillis(Duration.ZERO, "t"));
  }

  @Test
  void nonNegativeMillisTakesZeroForNone() {
    assertSame(Duration.ZERO, Checks.nonNegativeMillis(Duration.ZERO, "readTimeout"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Checks.nonNegativeMillis(Duration.ofMillis(-1), "readTimeout"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Checks.nonNegativeMillis(LONGEST_INT_MILLIS.plusNanos(1), "readTimeout"));
  }

  @Test
  void portIs1To65535() {
    assertEquals(1, Checks.port(1, "proxy port"));
    assertEquals(65535, Checks.port(65535, "proxy port"));
    assertEquals(
        "proxy port 0 is not 1-65535",
        assertThrows(IllegalArgumentException.class, () -> Checks.port(0, "proxy port"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Checks.port(65536, "proxy port"));
  }

  @Test
  void nonBlankRefusesWhiteSpace() {
    assertEquals("x", Checks.nonBlank("x", "domain"));
    assertEquals(
        "domain is empty",
        assertThrows(IllegalArgumentException.class, () -> Checks.nonBlank(" \t", "domain"))
            .getMessage());
  }
}
