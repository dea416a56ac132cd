package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;

class ResolveCommandTest {
  static final String RISEUP = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = OnionMxCommand.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void bundledMapRoutesRiseupWithoutAnyOption() {
    // No --dns: a DNS query would go to the surefire-configured dead server and fail the run.
    Run run = run("resolve", "riseup.net");
    assertEquals(0, run.exit(), run.err());
    assertEquals("riseup.net\t" + RISEUP + ":25\tmap\n", run.out());
  }

  @Test
  void onionDomainIsRoutedDirectly() {
    Run run = run("resolve", "--map", "none", "--no-srv", RISEUP.toUpperCase() + ".");
    assertEquals(0, run.exit(), run.err());
    assertEquals(RISEUP + "\t" + RISEUP + ":25\tonion\n", run.out());
  }

  @Test
  void domainWithoutRouteSaysNoneAndExitsOne() {
    Run run = run("resolve", "--no-srv", "riseup.net", "example.org");
    assertEquals(1, run.exit(), run.err());
    assertEquals("riseup.net\t" + RISEUP + ":25\tmap\nexample.org\t-\tnone\n", run.out());
  }

  @Test
  void malformedDomainIsAnErrorLineAndExitsThree() {
    Run run = run("resolve", "--no-srv", "bad..domain");
    assertEquals(3, run.exit());
    assertTrue(run.out().startsWith("bad..domain\t-\terror: "), run.out());
    assertTrue(run.err().isEmpty(), run.err());
  }

  @Test
  void mapFileInPostfixFormReplacesTheBundledOne(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("transport");
    Files.writeString(map, "# ours\nexample.org smtptor:[" + RISEUP + "]:2525\n");
    Run run = run("resolve", "--no-srv", "--map", map.toString(), "example.org", "riseup.net");
    assertEquals(1, run.exit(), run.err());
    assertEquals("example.org\t" + RISEUP + ":2525\tmap\nriseup.net\t-\tnone\n", run.out());
  }

  @Test
  void jsonOutputHasOneObjectPerDomain() {
    Run run = run("resolve", "--no-srv", "--json", "riseup.net", "example.org");
    assertEquals(1, run.exit(), run.err());
    String[] lines = run.out().split("\n");
    assertEquals(
        "{\"domain\":\"riseup.net\",\"targets\":[\""
            + RISEUP
            + ":25\"],\"status\":\"routed\",\"source\":\"map\"}",
        lines[0]);
    assertTrue(
        lines[1].startsWith("{\"domain\":\"example.org\",\"targets\":[],\"status\":\"no-route\""),
        lines[1]);
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertEquals(2, run("resolve").exit());
    assertEquals(2, run("resolve", "--dnssec", "strict", "riseup.net").exit());
    Run badDns = run("resolve", "--dns", "dns.example.org", "riseup.net");
    assertEquals(2, badDns.exit());
    assertTrue(badDns.err().startsWith("onionmx: "), badDns.err());
    assertEquals(2, run("frobnicate").exit());
  }

  @Test
  void unreadableMapIsOneClearLineWithoutStackTrace(@TempDir Path dir) {
    Run run = run("resolve", "--map", dir.resolve("missing.yml").toString(), "riseup.net");
    assertEquals(3, run.exit());
    assertTrue(run.err().startsWith("onionmx: "), run.err());
    assertTrue(run.err().contains("missing.yml"), run.err());
    assertTrue(!run.err().contains("\tat "), run.err());
  }

  @Test
  void srvRecordFromTheGivenDnsServerIsRoutedInPriorityOrder() throws Exception {
    String other = MapCommandTest.OTHER;
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      dns.add(
          "_onion-mx._tcp.example.org. 300 IN SRV 20 0 25 " + RISEUP + ".",
          "_onion-mx._tcp.example.org. 300 IN SRV 10 5 2525 " + other + ".");
      Run run =
          run(
              "resolve",
              "--map",
              "none",
              "--dnssec",
              "off",
              "--dns",
              "127.0.0.1:" + dns.port(),
              "example.org");
      assertEquals(0, run.exit(), run.err());
      assertEquals("example.org\t" + other + ":2525," + RISEUP + ":25\tsrv\n", run.out());
      assertEquals(1, dns.queriesFor("_onion-mx._tcp.example.org.").size());
    }
  }

  @Test
  void serverFailureIsAnErrorNotNoRoute() throws Exception {
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      dns.faultAll(DnsFault.servFail());
      Run run = run("resolve", "--map", "none", "--dns", "127.0.0.1:" + dns.port(), "example.org");
      assertEquals(3, run.exit(), run.err());
      assertTrue(run.out().startsWith("example.org\t-\terror: "), run.out());
    }
  }

  @Test
  void pinnedAndOnionDomainsNeverReachTheDnsServer() throws Exception {
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      Run run = run("resolve", "--dns", "127.0.0.1:" + dns.port(), "riseup.net", RISEUP);
      assertEquals(0, run.exit(), run.err());
      assertEquals(java.util.List.of(), dns.queries());
    }
  }

  @Test
  void dnsOverTorSendsTheLookUpThroughTheSocksPort() throws Exception {
    try (FakeDnsServer dns = FakeDnsServer.start();
        org.onionmx.testing.socks.FakeTorProxy proxy =
            org.onionmx.testing.socks.FakeTorProxy.start()) {
      dns.add("_onion-mx._tcp.example.org. 300 IN SRV 0 5 25 " + RISEUP + ".");
      proxy.route("127.0.0.1", dns.port());
      Run run =
          run(
              "resolve",
              "--map",
              "none",
              "--dnssec",
              "off",
              "--dns",
              "127.0.0.1:" + dns.port(),
              "--dns-over-tor=127.0.0.1:" + proxy.port(),
              "example.org");
      assertEquals(0, run.exit(), run.err());
      assertEquals("example.org\t" + RISEUP + ":25\tsrv\n", run.out());
      assertEquals(1, proxy.connects().size());
      assertEquals(FakeDnsServer.Transport.TCP, dns.queries().get(0).transport());
    }
  }
}
