package org.onionmx.spring.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.deliver.RecipientOutcome;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.deliver.SendReport;
import org.onionmx.jakarta.mail.OnionSmtpStack;
import org.onionmx.jakarta.mail.OnionSmtpTransport;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.TorHealth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot application with the starter and only {@code onionmx.*} properties (no {@code
 * spring.mail.host}): mail to a pinned domain goes through the fake Tor SOCKS5 proxy into GreenMail,
 * Actuator shows the {@code tor} component and the delivery counters. The last test closes the
 * proxy, hence the order.
 */
@SpringBootTest(
    classes = OnionApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=health,metrics",
      "management.endpoint.health.show-details=always"
    })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnionStarterTest {
  private static final OnionWorld WORLD = new OnionWorld();
  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void onionmx(DynamicPropertyRegistry registry) {
    WORLD.register(registry);
  }

  @AfterAll
  static void stopWorld() throws Exception {
    WORLD.close();
  }

  @Autowired JavaMailSender mailSender;
  @Autowired OnionSmtpStack stack;
  @Autowired OnionResolver resolver;
  @Autowired OnionMailer mailer;
  @Autowired OnionSender sender;
  @Autowired TorHealth health;
  @Autowired TestRestTemplate http;

  @Test
  @Order(1)
  void theAutoConfiguredSenderDeliversToAPinnedDomainThroughTheSocksHop() throws Exception {
    int before = WORLD.onionServer.getReceivedMessages().length;
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("alice@sender.example");
    message.setTo("bob@" + OnionWorld.PINNED);
    message.setSubject("over the onion");
    message.setText("hello");

    mailSender.send(message);

    MimeMessage[] received = WORLD.onionServer.getReceivedMessages();
    assertEquals(before + 1, received.length);
    assertEquals("over the onion", received[received.length - 1].getSubject());
    assertTrue(
        WORLD.tor.connects().stream().anyMatch(c -> c.host().equals("mx." + OnionWorld.ONION)),
        "the onion name went to the proxy as a name");
    WORLD.tor.assertNoIpDestinations();
  }

  @Test
  @Order(2)
  void theSenderAndTheBeansShareOneStack() throws MessagingException {
    JavaMailSenderImpl impl = assertInstanceOf(JavaMailSenderImpl.class, mailSender);
    assertEquals("onion-smtp", impl.getProtocol());
    try (OnionSmtpTransport transport =
        (OnionSmtpTransport) impl.getSession().getTransport("onion-smtp")) {
      transport.connect();
      assertSame(health, transport.health(), "the transport delivers with the beans' stack");
    }
    assertSame(stack.mailer(), mailer);
    assertSame(stack.resolver(), resolver);
    assertSame(stack.sender(), sender);
  }

  @Test
  @Order(3)
  void theOnionSenderBeanDeliversDirectly() {
    int before = WORLD.onionServer.getReceivedMessages().length;
    byte[] message =
        "From: alice@sender.example\r\nSubject: direct\r\n\r\nhi\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    SendReport report =
        sender.send("alice@sender.example", List.of("carol@" + OnionWorld.PINNED), message);

    RecipientOutcome.Onion onion = assertInstanceOf(RecipientOutcome.Onion.class, report.get(0));
    assertInstanceOf(RecipientResult.Accepted.class, onion.result());
    assertEquals(before + 1, WORLD.onionServer.getReceivedMessages().length);
  }

  @Test
  @Order(4)
  void withoutSpringMailHostADomainWithoutOnionRouteFailsClosed() {
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("alice@sender.example");
    message.setTo("dave@clear.example");
    message.setText("must not leave over the clearnet");

    MailSendException e = assertThrows(MailSendException.class, () -> mailSender.send(message));

    assertTrue(
        String.valueOf(e.getFailedMessages().values()).contains("onion-only"),
        e.getFailedMessages().toString());
  }

  @Test
  @Order(5)
  void actuatorMetricsCountTheDeliveriesByResultWithoutNamingAnyone() throws Exception {
    assertTrue(count("result:accepted") >= 2, "the two accepted recipients above");
    assertTrue(count("result:no-route") >= 1, "clear.example above");
    JsonNode all = metric("onionmx.deliveries", null);
    String tags = all.get("availableTags").toString();
    assertTrue(tags.contains("tor.code"), tags);
    assertTrue(!tags.contains("example") && !tags.contains(".onion"), tags);
    assertTrue(metric("onionmx.delivery", null).get("measurements").get(0).get("value").asDouble()
        >= 2, "the delivery timer's count");
  }

  @Test
  @Order(6)
  void actuatorHealthShowsTorUpThenDownOnceTheProxyCloses() throws Exception {
    ResponseEntity<String> up = http.getForEntity("/actuator/health", String.class);
    JsonNode tor = JSON.readTree(up.getBody()).at("/components/tor");
    assertEquals(HttpStatus.OK, up.getStatusCode(), up.getBody());
    assertEquals("UP", tor.get("status").asText(), up.getBody());
    assertEquals("HEALTHY", tor.at("/details/monitor").asText(), up.getBody());

    WORLD.tor.close();

    ResponseEntity<String> down = http.getForEntity("/actuator/health", String.class);
    tor = JSON.readTree(down.getBody()).at("/components/tor");
    assertEquals(HttpStatus.SERVICE_UNAVAILABLE, down.getStatusCode(), down.getBody());
    assertEquals("DOWN", tor.get("status").asText(), down.getBody());
    assertTrue(tor.at("/details/reason").asText().contains("SOCKS"), down.getBody());
  }

  private double count(String tag) throws Exception {
    return metric("onionmx.deliveries", tag).get("measurements").get(0).get("value").asDouble();
  }

  private JsonNode metric(String name, String tag) throws Exception {
    ResponseEntity<String> r =
        http.getForEntity(
            "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag), String.class);
    assertEquals(HttpStatus.OK, r.getStatusCode(), name + " " + tag + ": " + r.getBody());
    return JSON.readTree(r.getBody());
  }
}
