package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;

/** Bad option values are usage errors (exit 2); every error line names its file or address. */
class OptionErrorsTest {
  private static void assertUsageError(Run run, String mentions) {
    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().startsWith("onionmx: "), run.err());
    assertTrue(run.err().contains(mentions), run.err());
  }

  @Test
  void zeroOrNegativeTimeoutIsAUsageError() {
    assertUsageError(run("resolve", "--timeout", "0", "riseup.net"), "'0'");
    assertUsageError(run("resolve", "--timeout", "-1", "riseup.net"), "'-1'");
    assertUsageError(run("resolve", "--timeout", "NaN", "riseup.net"), "'NaN'");
    assertUsageError(
        run(
            "send",
            "--socks-timeout",
            "0",
            "--from",
            "a@b.example",
            "--to",
            "c@d.example",
            "--body",
            "x"),
        "'0'");
  }

  @Test
  void zeroMaxClientsIsAUsageError() {
    assertUsageError(run("postfix-table", "--max-clients", "0"), "'0'");
    assertUsageError(run("postfix-table", "--idle-timeout", "0"), "'0'");
  }

  @Test
  void badTransportNameIsAUsageError() {
    assertUsageError(run("postfix-table", "--transport", "smtp tor"), "'smtp tor'");
  }

  @Test
  void badOwnDomainIsAUsageError() {
    assertUsageError(run("postfix-table", "--own-domain", "bad..domain"), "bad..domain");
    assertUsageError(run("postfix-table", "--own-domain", "fa\u00ADss.example"), "fa");
  }

  @Test
  void portOutOfRangeIsAboutIpPortNotADnsServer() {
    Run run = run("postfix-table", "--listen", "127.0.0.1:99999");
    assertUsageError(run, "'127.0.0.1:99999' is not IP:PORT: port must be 1-65535");
    assertFalse(run.err().contains("DNS"), run.err());
  }

  @Test
  void missingMapFileNamesTheFileAndTheReason(@TempDir Path dir) {
    Path missing = dir.resolve("x.yml");
    Run run = run("resolve", "--map", missing.toString(), "riseup.net");
    assertEquals(3, run.exit(), run.err());
    assertEquals("onionmx: " + missing + ": No such file\n", run.err());
  }

  @Test
  void addressInUseNamesTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Run run = run("postfix-table", "--listen", address, "--map", "none", "--no-srv");
      assertEquals(3, run.exit(), run.err());
      assertEquals("onionmx: " + address + ": address already in use\n", run.err());
    }
  }

  @Test
  void listeningOnAllAddressesWarnsThatAnyHostCanQueryTheMap() throws Exception {
    // the port is taken, so the command ends after its warning instead of serving
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      String address = "0.0.0.0:" + taken.getLocalPort();
      Run run = run("postfix-table", "--listen", address, "--map", "none", "--no-srv");
      assertTrue(
          run.err().startsWith("onionmx: warning: listening on " + address + ": any host"),
          run.err());
    }
  }

  @Test
  void refusedDnsQuerySaysRefusedNotNull() throws Exception {
    int closed;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    Run run =
        run(
            "resolve",
            "--map",
            "none",
            "--dnssec",
            "off",
            "--timeout",
            "2",
            "--dns",
            "127.0.0.1:" + closed,
            "nothing.example");
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.out().startsWith("nothing.example\t-\terror: "), run.out());
    assertFalse(run.out().contains("null"), run.out());
  }

  @Test
  void emptyEmlFileIsRefused(@TempDir Path dir) throws Exception {
    Path eml = Files.createFile(dir.resolve("empty.eml"));
    Run run = run("send", "--from", "a@b.example", "--to", "c@d.example", "--eml", eml.toString());
    assertUsageError(run, eml + ": the file is empty");
  }
}
