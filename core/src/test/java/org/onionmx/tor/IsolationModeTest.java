package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IsolationModeTest {
  @Test
  void perDestinationIgnoresCaseTrailingDotAndMessage() {
    assertEquals(
        IsolationMode.PER_DESTINATION.isolationKey("X.onion.", "m1"),
        IsolationMode.PER_DESTINATION.isolationKey("x.onion", "m2"));
  }

  @Test
  void perDestinationSeparatesHosts() {
    assertNotEquals(
        IsolationMode.PER_DESTINATION.isolationKey("a.onion", null),
        IsolationMode.PER_DESTINATION.isolationKey("b.onion", null));
  }

  @Test
  void perMessageSeparatesMessagesAndHostsWithoutAmbiguity() {
    assertNotEquals(
        IsolationMode.PER_MESSAGE.isolationKey("a.onion", "1"),
        IsolationMode.PER_MESSAGE.isolationKey("a.onion", "2"));
    assertNotEquals(
        IsolationMode.PER_MESSAGE.isolationKey("a.onion", "x:y"),
        IsolationMode.PER_MESSAGE.isolationKey("a.onion:x", "y"));
  }

  @Test
  void perMessageNeedsAMessageId() {
    assertThrows(
        NullPointerException.class, () -> IsolationMode.PER_MESSAGE.isolationKey("a.onion", null));
  }

  @Test
  void noneHasNoKey() {
    assertNull(IsolationMode.NONE.isolationKey("a.onion", "m"));
  }

  @Test
  void everyModeNeedsAHost() {
    assertThrows(NullPointerException.class, () -> IsolationMode.NONE.isolationKey(null, "m"));
  }

  @Test
  void perDestinationAndPerMessageKeysNeverCoincide() {
    assertNotEquals(
        IsolationMode.PER_DESTINATION.isolationKey("a.onion", null),
        IsolationMode.PER_MESSAGE.isolationKey("a.onion", ""));
  }
}
