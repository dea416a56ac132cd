package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** IP:PORT options: literals and localhost, never a look-up. */
class AddressesTest {
  private final Addresses.LocalIpPortConverter converter = new Addresses.LocalIpPortConverter();

  @Test
  void localhostIsTheLoopbackAddressWithoutALookUp() {
    assertEquals(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 9050),
        converter.convert("localhost:9050"));
    assertEquals(9150, converter.convert("LocalHost:9150").getPort());
  }

  @Test
  void literalsAreReadAndNamesAndBadPortsRefused() {
    assertEquals(9050, converter.convert("127.0.0.1:9050").getPort());
    assertTrue(converter.convert("[::1]:9050").getAddress().isLoopbackAddress());
    for (String bad : new String[] {"localhost", "localhost:0", "tor.example:9050", "1.2.3:9050"}) {
      assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
    }
  }

  @Test
  void aListeningAddressMustBeAnIpLiteral() {
    assertThrows(
        TypeConversionException.class,
        () -> new Addresses.IpPortConverter().convert("localhost:23000"));
  }
}
