package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.TypeConversionException;

class PostfixTableCommandTest {
  @Test
  @Timeout(30) // a value taken by mistake would start the server and wait for ever
  void listenAddressMustBeAnIpWithAPort() {
    for (String bad : new String[] {"localhost:23000", "127.0.0.1", "::1", "[::1]", "1.2.3.4:x"}) {
      ResolveCommandTest.Run run = run("postfix-table", "--listen", bad);
      assertEquals(2, run.exit(), bad + ": " + run.err());
      assertTrue(run.err().startsWith("onionmx: "), run.err());
    }
  }

  @Test
  void listenAcceptsIpv4AndBracketedIpv6() {
    Addresses.IpPortConverter converter = new Addresses.IpPortConverter();
    InetSocketAddress v4 = converter.convert("127.0.0.1:23000");
    assertEquals(23000, v4.getPort());
    assertTrue(v4.getAddress().isLoopbackAddress());
    InetSocketAddress v6 = converter.convert("[::1]:2500");
    assertEquals(2500, v6.getPort());
    assertTrue(v6.getAddress().isLoopbackAddress());
    assertThrows(TypeConversionException.class, () -> converter.convert("[::1]:2500/tcp"));
  }
}
