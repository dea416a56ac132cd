package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  @Test
  void keepsRecipientsInOrderAndCopiesThem() {
    List<String> rcpts = new ArrayList<>(List.of("b@example.org", "a@example.org"));
    Envelope e = new Envelope("s@sender.example", rcpts);
    rcpts.clear();

    assertEquals(List.of("b@example.org", "a@example.org"), e.recipients());
  }

  @Test
  void emptySenderIsTheNullReversePath() {
    assertEquals("", Envelope.of("", "a@example.org").mailFrom());
  }

  @Test
  void refusesNoRecipients() {
    assertThrows(IllegalArgumentException.class, () -> Envelope.of("s@sender.example"));
  }

  @Test
  void refusesADuplicateRecipientNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Envelope.of("s@sender.example", "a@example.org", "a@example.org"));
    assertTrue(e.getMessage().contains("a@example.org"));
  }

  @Test
  void refusesDisplayNamesAndBrokenAddresses() {
    assertThrows(
        IllegalArgumentException.class, () -> Envelope.of("s@sender.example", "Bob <b@example.org>"));
    assertThrows(IllegalArgumentException.class, () -> Envelope.of("s@sender.example", "nobody"));
    assertThrows(IllegalArgumentException.class, () -> Envelope.of("a b@x", "b@example.org"));
  }
}
