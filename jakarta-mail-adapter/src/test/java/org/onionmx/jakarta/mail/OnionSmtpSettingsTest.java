package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.deliver.TlsMode;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.tor.IsolationMode;

class OnionSmtpSettingsTest {
  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsNeedNoConfigurationAndTheCoresOwnAreLeftToTheCore() {
    OnionSmtpSettings s = OnionSmtpSettings.from(new Properties());
    assertEquals("127.0.0.1", s.socksHost());
    assertEquals(9050, s.socksPort());
    assertNull(s.isolation()); // unset: the core's builder keeps its default
    assertTrue(s.bundledMap());
    assertEquals(List.of(), s.maps());
    assertNull(s.srv());
    assertEquals(List.of(), s.dnsServers());
    assertNull(s.dnssec());
    assertEquals(OnionSmtpSettings.Policy.ONION_PREFERRED, s.policy());
    assertNull(s.tls());
    assertNull(s.ehlo());
    assertNull(s.pipelining());
    assertNull(s.timeout());
    assertNull(s.endOfDataTimeout());
    assertNull(s.control());
    assertEquals(3, s.stallFailures());
    assertEquals(2, s.stallDestinations());
    assertEquals(Duration.ofMinutes(10), s.stallWindow());
  }

  @Test
  void controlKeysAreRead() {
    OnionSmtpSettings s =
        OnionSmtpSettings.from(
            props(
                "mail.onion-smtp.control.host", "::1",
                "mail.onion-smtp.control.port", "9151",
                "mail.onion-smtp.control.cookie", "/run/tor/control.authcookie",
                "mail.onion-smtp.health.stall-failures", "5",
                "mail.onion-smtp.health.stall-destinations", "1",
                "mail.onion-smtp.health.stall-window", "30000"));
    assertEquals(
        new OnionSmtpSettings.Control("::1", 9151, null, Path.of("/run/tor/control.authcookie")),
        s.control());
    assertEquals(5, s.stallFailures());
    assertEquals(1, s.stallDestinations());
    assertEquals(Duration.ofSeconds(30), s.stallWindow());
  }

  @Test
  void anyControlKeyMeansTheDefaultControlPort() {
    OnionSmtpSettings.Control c =
        OnionSmtpSettings.from(props("mail.onion-smtp.control.password", "pw")).control();
    assertEquals(new OnionSmtpSettings.Control("127.0.0.1", 9051, "pw", null), c);
    assertFalse(c.toString().contains("pw"), c.toString());
  }

  @Test
  void passwordAndCookieTogetherAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OnionSmtpSettings.from(
                    props(
                        "mail.onion-smtp.control.password", "pw",
                        "mail.onion-smtp.control.cookie", "/tmp/c")));
    assertTrue(e.getMessage().contains("mail.onion-smtp.control.cookie"), e.getMessage());
  }

  @Test
  void everyDocumentedKeyIsRead() {
    OnionSmtpSettings s =
        OnionSmtpSettings.from(
            props(
                "mail.onion-smtp.socks.host", "::1",
                "mail.onion-smtp.socks.port", "9150",
                "mail.onion-smtp.isolation", "per-message",
                "mail.onion-smtp.map", "/etc/onionmx/map.yml, bundled",
                "mail.onion-smtp.srv", "false",
                "mail.onion-smtp.dns.servers", "127.0.0.1:5353,[::1]:53/tcp",
                "mail.onion-smtp.dnssec", "require",
                "mail.onion-smtp.policy", "onion-only",
                "mail.onion-smtp.require-onion", "Riseup.NET. systemli.org",
                "mail.onion-smtp.starttls", "required",
                "mail.onion-smtp.tls.pin.Example.org", "sha256/AAAA",
                "mail.onion-smtp.ehlo", "mx.example.org",
                "mail.onion-smtp.pipelining", "false",
                "mail.onion-smtp.connectiontimeout", "30000",
                "mail.onion-smtp.timeout", "120000",
                "mail.onion-smtp.end-of-data-timeout", "900000"));
    assertEquals("::1", s.socksHost());
    assertEquals(9150, s.socksPort());
    assertEquals(IsolationMode.PER_MESSAGE, s.isolation());
    assertEquals(List.of(Path.of("/etc/onionmx/map.yml")), s.maps());
    assertTrue(s.bundledMap());
    assertFalse(s.srv());
    assertEquals(2, s.dnsServers().size());
    assertTrue(s.dnsServers().get(1).tcp());
    assertEquals(DnssecPolicy.REQUIRE, s.dnssec());
    assertEquals(OnionSmtpSettings.Policy.ONION_ONLY, s.policy());
    assertEquals(Set.of("riseup.net", "systemli.org"), s.requireOnion());
    assertEquals(TlsMode.REQUIRED, s.tls());
    assertEquals(Map.of("example.org", List.of("sha256/AAAA")), s.pins());
    assertEquals("mx.example.org", s.ehlo());
    assertFalse(s.pipelining());
    assertEquals(Duration.ofSeconds(30), s.connectTimeout());
    assertEquals(Duration.ofMinutes(2), s.timeout());
    assertEquals(Duration.ofMinutes(15), s.endOfDataTimeout());
  }

  @Test
  void mapNoneMeansNoPinnedMap() {
    OnionSmtpSettings s = OnionSmtpSettings.from(props("mail.onion-smtp.map", "none"));
    assertFalse(s.bundledMap());
    assertEquals(List.of(), s.maps());
  }

  @Test
  void unknownKeyUnderThePrefixIsAnErrorNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnionSmtpSettings.from(props("mail.onion-smtp.dnsec", "require")));
    assertTrue(e.getMessage().contains("mail.onion-smtp.dnsec"), e.getMessage());
  }

  @Test
  void jakartaMailsOwnKeysAndOtherPrefixesAreAllowed() {
    OnionSmtpSettings s =
        OnionSmtpSettings.from(
            props(
                "mail.onion-smtp.class", "x.Y",
                "mail.onion-smtp.host", "relay.example.org",
                "mail.smtp.host", "relay.example.org",
                "mail.onion-smtpx", "not ours"));
    assertEquals(9050, s.socksPort());
  }

  @Test
  void badValuesNameTheirProperty() {
    for (String[] bad :
        new String[][] {
          {"mail.onion-smtp.socks.port", "0"},
          {"mail.onion-smtp.socks.port", "nine"},
          {"mail.onion-smtp.socks.host", "tor.example.org"},
          {"mail.onion-smtp.isolation", "sometimes"},
          {"mail.onion-smtp.srv", "yes"},
          {"mail.onion-smtp.dnssec", "strict"},
          {"mail.onion-smtp.policy", "clearnet"},
          {"mail.onion-smtp.starttls", "on"},
          {"mail.onion-smtp.timeout", "-5"},
          {"mail.onion-smtp.dns.servers", "dns.example.org"},
          {"mail.onion-smtp.require-onion", "bad..domain"},
          {"mail.onion-smtp.tls.pin.example.org", "md5/abc"},
          {"mail.onion-smtp.control.port", "0"},
          {"mail.onion-smtp.control.host", "tor.example.org"},
          {"mail.onion-smtp.health.stall-failures", "0"},
          {"mail.onion-smtp.health.stall-destinations", "4"},
          {"mail.onion-smtp.health.stall-window", "0"},
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> OnionSmtpSettings.from(props(bad[0], bad[1])),
              bad[0] + "=" + bad[1]);
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
  }

  @Test
  void socksHostIsNeverLookedUp() {
    assertEquals(
        "127.0.0.1",
        OnionSmtpSettings.from(props("mail.onion-smtp.socks.host", "127.0.0.1"))
            .socksAddress()
            .getHostAddress());
    assertTrue(
        OnionSmtpSettings.from(props("mail.onion-smtp.socks.host", "localhost"))
            .socksAddress()
            .isLoopbackAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {"300.1.1.1", "1.2.3", "localhost.example", "[127.0.0.1]"})
  void hostThatIsNoIpLiteralIsRefusedNamingItsProperty(String host) {
    for (String key : List.of("mail.onion-smtp.socks.host", "mail.onion-smtp.control.host")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> OnionSmtpSettings.from(props(key, host)));
      assertTrue(e.getMessage().startsWith(key + " must be an IP address"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "[::1], ::1, 0:0:0:0:0:0:0:1",
    "::1, ::1, 0:0:0:0:0:0:0:1",
    "127.0.0.1, 127.0.0.1, 127.0.0.1",
    "LocalHost, LocalHost, ",
  })
  void ipLiteralsAndLocalhostAreAccepted(String host, String kept, String address) {
    OnionSmtpSettings s = OnionSmtpSettings.from(props("mail.onion-smtp.socks.host", host));
    assertEquals(kept, s.socksHost());
    if (address == null) {
      assertTrue(s.socksAddress().isLoopbackAddress());
    } else {
      assertEquals(address, s.socksAddress().getHostAddress());
    }
    OnionSmtpSettings.Control c =
        OnionSmtpSettings.from(props("mail.onion-smtp.control.host", host)).control();
    assertEquals(kept, c.host());
    assertTrue(c.address().isLoopbackAddress());
  }

  @Test
  void integerAndBooleanValuesAreReadAsAngusReadsThem() {
    Properties p = new Properties();
    p.put("mail.onion-smtp.socks.port", 9150);
    p.put("mail.onion-smtp.pipelining", Boolean.FALSE);
    p.put("mail.onion-smtp.timeout", 120_000);
    p.put("mail.onion-smtp.idle-timeout", 5_000L);

    OnionSmtpSettings s = OnionSmtpSettings.from(p);

    assertEquals(9150, s.socksPort());
    assertTrue(s.socksConfigured());
    assertFalse(s.pipelining());
    assertEquals(Duration.ofMinutes(2), s.timeout());
    assertEquals(Duration.ofSeconds(5), s.idleTimeout());
  }

  @Test
  void anUnknownKeyWithANonStringValueIsStillRefused() {
    Properties p = new Properties();
    p.put("mail.onion-smtp.sock.port", 9150);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OnionSmtpSettings.from(p));
    assertTrue(e.getMessage().contains("mail.onion-smtp.sock.port"), e.getMessage());
  }

  @Test
  void valuesBehindDefaultsAreRead() {
    Properties defaults = props("mail.onion-smtp.socks.port", "9150");
    Properties p = new Properties(defaults);
    assertEquals(9150, OnionSmtpSettings.from(p).socksPort());
  }

  @Test
  void aDomainTakesABackupPinForAKeyRollOver() {
    OnionSmtpSettings s =
        OnionSmtpSettings.from(
            props("mail.onion-smtp.tls.pin.example.org", "sha256/AAAA, sha256/BBBB"));
    assertEquals(Map.of("example.org", List.of("sha256/AAAA", "sha256/BBBB")), s.pins());
    assertThrows(
        IllegalArgumentException.class,
        () -> OnionSmtpSettings.from(props("mail.onion-smtp.tls.pin.example.org", "sha256/A, B")));
  }

  @Test
  void angusSocksPropertiesGetOneWarningSayingWhatToSetInstead() {
    Properties p = props("mail.smtp.socks.host", "127.0.0.1");
    p.put("mail.smtp.socks.port", 9050);
    List<String> warnings = OnionSmtpSettings.from(p).warnings();
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("mail.onion-smtp.socks.host"), warnings.get(0));
  }

  @Test
  void theProtocolWithoutItsRfc822MappingGetsAWarning() {
    List<String> warnings =
        OnionSmtpSettings.from(props("mail.transport.protocol", "onion-smtp")).warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("mail.transport.protocol.rfc822"), warnings.get(0));
    assertEquals(
        List.of(), OnionSmtpSettings.from(OnionSmtp.useForAllMail(new Properties())).warnings());
  }

  @Test
  void equalPropertiesGiveEqualSettingsAndOneDifferenceDoesNot() {
    Properties a = props("mail.onion-smtp.socks.port", "9150");
    Properties b = new Properties();
    b.put("mail.onion-smtp.socks.port", 9150);
    assertEquals(OnionSmtpSettings.from(a), OnionSmtpSettings.from(b));
    b.put("mail.onion-smtp.ehlo", "mx.example.org");
    assertFalse(OnionSmtpSettings.from(a).equals(OnionSmtpSettings.from(b)));
  }
}
