package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;
import static org.onionmx.tor.TestSockets.read;
import static org.onionmx.tor.TestSockets.write;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.testing.socks.ConnectRequest;

class TorSocksConnectorTest {
  @RegisterExtension final EchoBehindProxy tor = new EchoBehindProxy();

  @Test
  void streamReachesTheLocalServerThroughTheProxyBothWays() throws Exception {
    try (Socket s = tor.connector().open(ONION, 25, "k")) {
      assertEquals(TestSockets.BANNER, read(s.getInputStream(), TestSockets.BANNER.length()));
      write(s, "EHLO [127.0.0.1]\r\n");
      assertEquals("EHLO [127.0.0.1]\r\n", read(s.getInputStream(), 18));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {ONION, "mx." + ONION, "mail.example.com", "192.0.2.7", "localhost"})
  void destinationAlwaysGoesAsDomainName(String host) throws Exception {
    tor.connector().open(host, 25, null).close();
    ConnectRequest request = tor.proxy().connects().get(0);
    assertEquals(ConnectRequest.DOMAIN, request.addressType());
    assertEquals(host, request.host());
    assertEquals(25, request.port());
    tor.proxy().assertNoIpDestinations();
  }

  @Test
  void hostIsSentLowerCaseWithoutTrailingDot() throws Exception {
    tor.connector().open(ONION.toUpperCase() + ".", 2525, null).close();
    assertEquals(ONION, tor.proxy().connects().get(0).host());
    assertEquals(2525, tor.proxy().connects().get(0).port());
  }

  @Test
  void socketNamesTheDestinationWithTheProxyAddressBytes() throws Exception {
    try (Socket s = tor.connector().open(ONION, 25, null)) {
      assertEquals(ONION, s.getInetAddress().getHostName());
      assertArrayEquals(new byte[] {127, 0, 0, 1}, s.getInetAddress().getAddress());
      assertEquals(25, s.getPort());
      InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
      assertEquals(ONION, remote.getHostString());
      assertEquals(25, remote.getPort());
      assertTrue(s.toString().contains(ONION), s.toString());
    }
  }

  @Test
  void readTimeoutIsTheConfiguredOneAfterTheHandshake() throws Exception {
    TorSocksConnector c =
        connectorFor(tor.proxy().port()).readTimeout(Duration.ofMillis(4321)).build();
    try (Socket s = c.open(ONION, 25, null)) {
      assertEquals(4321, s.getSoTimeout());
    }
  }

  @Test
  void zeroReadTimeoutMeansNone() throws Exception {
    TorSocksConnector c = connectorFor(tor.proxy().port()).readTimeout(Duration.ZERO).build();
    try (Socket s = c.open(ONION, 25, null)) {
      assertEquals(0, s.getSoTimeout());
    }
  }

  @Test
  void defaultsAreLoopback9050AndTorFriendlyTimeouts() {
    TorSocksConnector c = TorSocksConnector.newBuilder().build();
    assertEquals("127.0.0.1", c.proxy().getAddress().getHostAddress());
    assertEquals(9050, c.proxy().getPort());
    assertTrue(TorSocksConnector.DEFAULT_SOCKS_TIMEOUT.compareTo(Duration.ofSeconds(120)) > 0);
    assertEquals("TorSocksConnector[127.0.0.1:9050]", c.toString());
  }

  @Test
  void ipv6ProxyIsNamedInBrackets() throws Exception {
    TorSocksConnector c =
        TorSocksConnector.newBuilder()
            .proxy(
                InetAddress.getByAddress(
                    new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                9150)
            .build();
    assertEquals("TorSocksConnector[[0:0:0:0:0:0:0:1]:9150]", c.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "bücher.example", "two words.example", "tab\t.onion"})
  void refusesHostsSocksCannotCarryNamingThem(String host) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tor.connector().open(host, 25, null));
    assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    assertEquals(List.of(), tor.proxy().connects());
  }

  @Test
  void refusesHostLongerThan255Characters() {
    String host = "a".repeat(250) + ".onion";
    assertThrows(IllegalArgumentException.class, () -> tor.connector().open(host, 25, null));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void refusesPortsOutOfRange(int port) {
    assertThrows(IllegalArgumentException.class, () -> tor.connector().open(ONION, port, null));
  }

  @Test
  void builderRefusesNonPositiveTimeoutsAndBadProxyPort() {
    TorSocksConnector.Builder b = TorSocksConnector.newBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.socksTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.socksTimeout(Duration.ofDays(365)));
    assertThrows(IllegalArgumentException.class, () -> b.proxy(c().proxy().getAddress(), 0));
  }

  private static TorSocksConnector c() {
    return TorSocksConnector.newBuilder().build();
  }
}
