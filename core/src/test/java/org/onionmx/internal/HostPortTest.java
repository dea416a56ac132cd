package org.onionmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "0.0.0.0, 0.0.0.0",
    "127.0.0.1, 127.0.0.1",
    "255.255.255.255, 255.255.255.255",
    "10.0.100.9, 10.0.100.9",
  })
  void dottedQuadsAreRead(String text, String address) {
    InetAddress ip = HostPort.parseIp(text);
    assertInstanceOf(Inet4Address.class, ip);
    assertEquals(address, ip.getHostAddress());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3", // getByName: 1.2.0.3
        "1.2.3.4.5",
        "300.1.1.1", // getByName: a look-up
        "256.0.0.1",
        "1.2.3.256",
        "01.2.3.4", // octal to inet_aton
        "1.2.3.00",
        "1..3.4",
        ".1.2.3",
        "1.2.3.4.",
        "1.2.3.4 ",
        "0x7f.0.0.1",
        "2130706433", // getByName: 127.0.0.1
        "١.٢.٣.٤",
        "",
      })
  void anythingButFourDecimalPartsOf0To255IsNoIpv4Address(String text) {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parseIp(text));
  }

  @ParameterizedTest
  @CsvSource({
    "::1, 0:0:0:0:0:0:0:1",
    "[::1], 0:0:0:0:0:0:0:1",
    "::, 0:0:0:0:0:0:0:0",
    "2001:db8::1, 2001:db8:0:0:0:0:0:1",
    "2001:DB8:0:0:0:0:0:1, 2001:db8:0:0:0:0:0:1",
    "fe80::, fe80:0:0:0:0:0:0:0",
    "::127.0.0.1, 0:0:0:0:0:0:7f00:1",
    "64:ff9b::192.0.2.33, 64:ff9b:0:0:0:0:c000:221",
  })
  void ipv6FormsAreRead(String text, String address) {
    InetAddress ip = HostPort.parseIp(text);
    assertInstanceOf(Inet6Address.class, ip);
    assertEquals(address, ip.getHostAddress());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ":::1",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::1",
        "::g",
        "::1%lo",
        "::1.2.3",
        "::1.2.3.4.5",
        "::٣",
        "[::1",
        "[127.0.0.1]",
        "[]",
      })
  void malformedIpv6IsRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parseIp(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.invalid", "localhost", "example.invalid:25", "[example.invalid]"})
  void aNameIsRefusedNotLookedUp(String text) {
    // refused by its form: localhost, which any resolver answers, is refused like a name that
    // none does (.invalid, RFC 6761)
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 53));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parseIp(text));
  }

  @Test
  void aNameIsRefusedWithAReasonThatSaysSo() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("example.invalid:25"));
    assertEquals("not an IP address (names are never looked up)", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:9050, 127.0.0.1, 9050",
    "[::1]:9050, 0:0:0:0:0:0:0:1, 9050",
    "10.0.0.1:1, 10.0.0.1, 1",
    "10.0.0.1:65535, 10.0.0.1, 65535",
    "[2001:db8::1]:25, 2001:db8:0:0:0:0:0:1, 25",
  })
  void ipAndPortAreRead(String text, String address, int port) {
    InetSocketAddress a = HostPort.parse(text);
    assertEquals(address, a.getAddress().getHostAddress());
    assertEquals(port, a.getPort());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:99999",
        "127.0.0.1:100000",
        "127.0.0.1:",
        "127.0.0.1:x",
        "127.0.0.1:+25",
        "127.0.0.1:-1",
        "127.0.0.1:٥٣",
        "[::1]:0",
        "[::1]:65536",
        "[::1]:",
        "[::1]x",
      })
  void portsOutside1To65535AreRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 53));
  }

  @Test
  void portOutOfRangeSaysSo() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1:65536"));
    assertEquals("port must be 1-65535", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "[::1]", "::1:53", ""})
  void aPortIsRequiredUnlessADefaultIsGiven(String text) {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1:53",
    "127.0.0.1:5353, 127.0.0.1:5353",
    "::1, [0:0:0:0:0:0:0:1]:53",
    "[::1], [0:0:0:0:0:0:0:1]:53",
    "[::1]:5353, [0:0:0:0:0:0:0:1]:5353",
    "2001:db8::53, [2001:db8:0:0:0:0:0:53]:53", // bare: the last group is the address's
  })
  void theDefaultPortFillsIn(String text, String formatted) {
    assertEquals(formatted, HostPort.format(HostPort.parse(text, 53)));
  }

  @Test
  void defaultPortMustBeAPort() {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1", 0));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1", 65536));
  }

  @Test
  void ipv6IsFormattedInBracketsAndReadsBack() throws Exception {
    InetAddress v6 = InetAddress.getByAddress(new byte[16]);
    InetAddress v4 = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    assertEquals("[0:0:0:0:0:0:0:0]:9050", HostPort.format(v6, 9050));
    assertEquals("127.0.0.1:9050", HostPort.format(new InetSocketAddress(v4, 9050)));
    for (InetAddress ip : new InetAddress[] {v6, v4}) {
      InetSocketAddress a = new InetSocketAddress(ip, 9050);
      assertEquals(a, HostPort.parse(HostPort.format(a)));
    }
  }

  @Test
  void anUnresolvedAddressIsNotFormatted() {
    assertThrows(
        IllegalArgumentException.class,
        () -> HostPort.format(InetSocketAddress.createUnresolved("example.invalid", 25)));
  }
}
