package org.onionmx.spring.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.socks.Fault;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tor answers every stream to the pinned onion with 0xF2 (introduction failed) and no control port
 * is configured: after the stall rule's run (3 failures, here over 1 onion) the health monitor is
 * STALLED, the {@code tor} component DOWN with the reason, and the meters say so by Tor code.
 */
@SpringBootTest(classes = OnionApp.class)
class TorStallTest {
  private static final OnionWorld WORLD = new OnionWorld();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WORLD.register(registry);
    registry.add("onionmx.health.stall-destinations", () -> "1");
  }

  @AfterAll
  static void stop() throws Exception {
    WORLD.close();
  }

  @Autowired JavaMailSender mailSender;
  @Autowired MeterRegistry meters;

  @Autowired
  @Qualifier("torHealthIndicator")
  HealthIndicator tor;

  @Test
  void repeatedOnionFailuresWithoutAControlPortMakeTorDownAndAreCountedByTorCode() {
    WORLD.tor.script("mx." + OnionWorld.ONION, new Fault.Reply(0xF2));
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("alice@sender.example");
    message.setTo("bob@" + OnionWorld.PINNED);
    message.setText("hello");

    for (int i = 0; i < 3; i++) {
      assertThrows(MailSendException.class, () -> mailSender.send(message));
    }

    Health health = tor.health();
    assertEquals(Status.DOWN, health.getStatus(), health.toString());
    assertEquals("STALLED", health.getDetails().get("monitor"), health.toString());
    assertTrue(String.valueOf(health.getDetails().get("reason")).contains("stalled"));
    assertEquals(
        3.0,
        meters.get("onionmx.deliveries").tag("result", "deferred").tag("tor.code", "0xf2")
            .counter().count());
    assertEquals(
        1.0, meters.get("onionmx.tor.state").tag("state", "stalled").gauge().value());
    assertEquals(3.0, meters.get("onionmx.tor.failures").functionCounter().count());
  }
}
