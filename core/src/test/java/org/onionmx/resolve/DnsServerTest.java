package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsServerTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1:53",
    "9.9.9.9:5353, 9.9.9.9:5353",
    "127.0.0.1:5353/tcp, 127.0.0.1:5353/tcp",
    "127.0.0.1/UDP, 127.0.0.1:53",
    "[::1]:53, [0:0:0:0:0:0:0:1]:53",
    "[::1]:5353/tcp, [0:0:0:0:0:0:0:1]:5353/tcp",
    "::1, [0:0:0:0:0:0:0:1]:53",
    "[2001:db8::1], [2001:db8:0:0:0:0:0:1]:53",
  })
  void parsesIpLiteralsWithOptionalPortAndTransport(String text, String canonical) {
    DnsServer s = DnsServer.parse(text);
    assertEquals(canonical, s.toString());
    assertEquals(s, DnsServer.parse(s.toString()));
  }

  @Test
  void tcpSuffixSelectsTcp() {
    assertTrue(DnsServer.parse("127.0.0.1/tcp").tcp());
    assertFalse(DnsServer.parse("127.0.0.1").tcp());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "localhost",
        "dns.google:53",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:x",
        "127.0.0.1:",
        "127.0.0.1/sctp",
        "[::1",
        "[::1]x",
        "[127.0.0.1]:53",
        "1.2.3",
        "1.2.3.4.5",
        "127.0.0.1:٥٣",
      })
  void refusesAnythingButAnIpLiteral(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void refusesAnUnresolvedAddress() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new DnsServer(InetSocketAddress.createUnresolved("dns.example", 53), false));
  }
}
