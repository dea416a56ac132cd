package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OnionMailerBuilderTest {
  @Test
  void refusesPinsThatAreNotSha256OfThirtyTwoBytes() {
    OnionMailer.Builder b = OnionMailer.newBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.pin("example.org", "sha1/AAAA"));
    assertThrows(IllegalArgumentException.class, () -> b.pin("example.org", "sha256/AAAA"));
    assertThrows(IllegalArgumentException.class, () -> b.pin("example.org", "sha256/!!"));
  }

  @Test
  void refusesEhloNamesWithSpacesOrControlCharacters() {
    OnionMailer.Builder b = OnionMailer.newBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.ehloName("my host"));
    assertThrows(IllegalArgumentException.class, () -> b.ehloName("host\r\nRSET"));
    assertThrows(IllegalArgumentException.class, () -> b.ehloName(""));
  }

  @Test
  void refusesNonPositiveTimeoutsAndBounds() {
    OnionMailer.Builder b = OnionMailer.newBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.endOfDataTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.maxSessionAge(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.maxSessionsPerDestination(0));
    assertThrows(IllegalArgumentException.class, () -> b.healthCheckAfter(Duration.ofSeconds(-1)));
  }

  @Test
  void refusesARecipientOutsideTheRoutesDomain() {
    try (OnionMailer mailer = OnionMailer.newBuilder().build()) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              mailer.deliver(
                  route(target("mx")),
                  Envelope.of("s@sender.example", "bob@elsewhere.example"),
                  rawMessage("s", "b")));
    }
  }
}
