package org.onionmx.spring.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.tor.FakeControlPort;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Onion-preferred with Boot's relay: {@code spring.mail.host} set as a Boot app always had it, plus
 * {@code onionmx.*} with a Tor control port. The starter's sender wins over Boot's, sends the pinned
 * domain over the onion and the rest through {@code spring.mail.*}; the health indicator asks the
 * control port for Tor's bootstrap state.
 */
@SpringBootTest(classes = OnionApp.class)
class BootRelayAndControlPortTest {
  private static final OnionWorld WORLD = new OnionWorld();
  private static final GreenMail RELAY = startRelay();
  private static final FakeControlPort CONTROL = startControl();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WORLD.register(registry);
    registry.add("spring.mail.host", () -> "127.0.0.1");
    registry.add("spring.mail.port", () -> RELAY.getSmtp().getPort());
    registry.add("spring.mail.properties.mail.smtp.localhost", () -> "relay-client.example");
    registry.add("onionmx.control.port", CONTROL::port);
    registry.add("onionmx.control.password", () -> "not-checked-by-the-fake");
  }

  @AfterAll
  static void stop() throws Exception {
    WORLD.close();
    RELAY.stop();
    CONTROL.close();
  }

  @Autowired ApplicationContext context;
  @Autowired JavaMailSender mailSender;

  @Autowired
  @Qualifier("torHealthIndicator")
  HealthIndicator tor;

  @Test
  void theStarterSenderReplacesBootsAndUsesSpringMailAsTheRelay() throws Exception {
    assertEquals(1, context.getBeansOfType(JavaMailSender.class).size());
    assertEquals("onion-smtp", ((JavaMailSenderImpl) mailSender).getProtocol());
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("alice@sender.example");
    message.setTo("bob@" + OnionWorld.PINNED, "carol@clear.example");
    message.setSubject("both ways");
    message.setText("hello");

    mailSender.send(message);

    MimeMessage[] onion = WORLD.onionServer.getReceivedMessages();
    MimeMessage[] relayed = RELAY.getReceivedMessages();
    assertEquals(1, onion.length, "bob over the onion");
    assertEquals(1, relayed.length, "carol through spring.mail.host");
    assertEquals("both ways", relayed[0].getSubject());
  }

  @Test
  void torIsDownWhileTheControlPortReportsBootstrapUnderway() {
    Health done = tor.health();
    assertEquals(Status.UP, done.getStatus(), done.toString());
    assertEquals(100, done.getDetails().get("bootstrap"), done.toString());

    CONTROL.bootstrapPhase("NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors SUMMARY=\"x\"");
    try {
      Health underway = tor.health();
      assertEquals(Status.DOWN, underway.getStatus(), underway.toString());
      assertTrue(
          String.valueOf(underway.getDetails().get("reason")).contains("45 %"),
          underway.toString());
    } finally {
      CONTROL.bootstrapPhase("NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"");
    }
  }

  private static GreenMail startRelay() {
    GreenMail relay = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    relay.start();
    return relay;
  }

  private static FakeControlPort startControl() {
    try {
      return FakeControlPort.start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
