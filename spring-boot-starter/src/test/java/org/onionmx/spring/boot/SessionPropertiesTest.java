package org.onionmx.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.DeliveryListener;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code onionmx.*} as Boot binds it, turned into {@code mail.onion-smtp.*}: only what was set. */
class SessionPropertiesTest {
  private static OnionmxProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("onionmx", OnionmxProperties.class);
  }

  private static Map<String, Object> sorted(Properties p) {
    Map<String, Object> m = new TreeMap<>();
    p.forEach((k, v) -> m.put((String) k, v));
    return m;
  }

  @Test
  void nothingSetPassesOnlyTheOnionOnlyPolicy() {
    Properties p = SessionProperties.of(bind(Map.of()), null, null);

    assertEquals(Map.of("mail.onion-smtp.policy", "onion-only"), sorted(p));
  }

  @Test
  void eachPropertyMapsOntoItsAdapterKey() {
    Map<String, String> values = new TreeMap<>();
    values.put("onionmx.socks.host", "localhost");
    values.put("onionmx.socks.port", "9150");
    values.put("onionmx.isolation", "per-message");
    values.put("onionmx.map", "/etc/onionmx/a.yml,bundled");
    values.put("onionmx.srv", "false");
    values.put("onionmx.dns.servers", "192.0.2.53:53,192.0.2.54");
    values.put("onionmx.dns.over-tor", "true");
    values.put("onionmx.dnssec", "require");
    values.put("onionmx.policy", "onion-preferred");
    values.put("onionmx.require-onion", "a.example,b.example");
    values.put("onionmx.starttls", "required");
    values.put("onionmx.tls.pins[example.org]", "sha256/AAAA,sha256/BBBB");
    values.put("onionmx.ehlo", "mx.example.org");
    values.put("onionmx.pipelining", "false");
    values.put("onionmx.connection-timeout", "2s");
    values.put("onionmx.timeout", "1m");
    values.put("onionmx.end-of-data-timeout", "1500");
    values.put("onionmx.idle-timeout", "30s");
    values.put("onionmx.control.host", "127.0.0.1");
    values.put("onionmx.control.port", "9151");
    values.put("onionmx.control.cookie", "/run/tor/control.authcookie");
    values.put("onionmx.health.stall-failures", "5");
    values.put("onionmx.health.stall-destinations", "3");
    values.put("onionmx.health.stall-window", "5m");
    values.put("onionmx.health.probe-timeout", "300ms");

    Properties p = SessionProperties.of(bind(values), null, null);

    Map<String, Object> expected = new TreeMap<>();
    expected.put("mail.onion-smtp.socks.host", "localhost");
    expected.put("mail.onion-smtp.socks.port", "9150");
    expected.put("mail.onion-smtp.isolation", "per-message");
    expected.put("mail.onion-smtp.map", "/etc/onionmx/a.yml,bundled");
    expected.put("mail.onion-smtp.srv", "false");
    expected.put("mail.onion-smtp.dns.servers", "192.0.2.53:53,192.0.2.54");
    expected.put("mail.onion-smtp.dns.over-tor", "true");
    expected.put("mail.onion-smtp.dnssec", "require");
    expected.put("mail.onion-smtp.policy", "onion-preferred");
    expected.put("mail.onion-smtp.require-onion", "a.example,b.example");
    expected.put("mail.onion-smtp.starttls", "required");
    expected.put("mail.onion-smtp.tls.pin.example.org", "sha256/AAAA,sha256/BBBB");
    expected.put("mail.onion-smtp.ehlo", "mx.example.org");
    expected.put("mail.onion-smtp.pipelining", "false");
    expected.put("mail.onion-smtp.connectiontimeout", "2000");
    expected.put("mail.onion-smtp.timeout", "60000");
    expected.put("mail.onion-smtp.end-of-data-timeout", "1500");
    expected.put("mail.onion-smtp.idle-timeout", "30000");
    expected.put("mail.onion-smtp.control.host", "127.0.0.1");
    expected.put("mail.onion-smtp.control.port", "9151");
    expected.put("mail.onion-smtp.control.cookie", "/run/tor/control.authcookie");
    expected.put("mail.onion-smtp.health.stall-failures", "5");
    expected.put("mail.onion-smtp.health.stall-destinations", "3");
    expected.put("mail.onion-smtp.health.stall-window", "300000");
    assertEquals(expected, sorted(p));
  }

  @Test
  void withBootsRelayThePolicyIsOnionPreferredAndSpringMailPropertiesPassThrough() {
    MailProperties relay = new MailProperties();
    relay.setHost("smtp.example.com");
    relay.setProtocol("smtps");
    relay.getProperties().put("mail.smtp.auth", "true");
    relay.getProperties().put("mail.onion-smtp.srv", "true"); // onionmx.* wins over this

    Properties p = SessionProperties.of(bind(Map.of("onionmx.srv", "false")), relay, null);

    assertEquals("onion-preferred", p.getProperty("mail.onion-smtp.policy"));
    assertEquals("true", p.getProperty("mail.smtp.auth"));
    assertEquals("true", p.getProperty("mail.smtp.ssl.enable"));
    assertEquals("false", p.getProperty("mail.onion-smtp.srv"));
  }

  @Test
  void theListenerGoesInAsAnObject() {
    DeliveryListener listener = new DeliveryListener() {};

    Properties p = SessionProperties.of(bind(Map.of()), null, listener);

    assertSame(listener, p.get("mail.onion-smtp.listener"));
  }
}
