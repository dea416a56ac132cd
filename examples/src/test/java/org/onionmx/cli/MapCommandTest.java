package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.resolve.OnionMap;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;

class MapCommandTest {
  static final String OTHER = "llqiiswupgezsco4ux47cco3bxsaihbss5c3piefv6bhvpgfofyk7kad.onion";

  @Test
  void publicMapChecksCleanWithV2EntriesAsWarnings(@TempDir Path dir) throws Exception {
    // The public map as bundled in the core jar (7 v2 entries among 16).
    Path map = dir.resolve("map.yml");
    try (var in = OnionMap.class.getResourceAsStream("onionmx-map.yml")) {
      Files.copy(in, map);
    }
    Run run = run("map", "check", map.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("warning: "), run.out());
    assertTrue(run.out().contains("v2 onion services no longer work"), run.out());
    assertTrue(run.out().contains(" 0 errors"), run.out());
    assertEquals(1, run("map", "check", "--strict", map.toString()).exit());
    assertEquals(7, run.out().split("warning: ", -1).length - 1, run.out());
  }

  @Test
  void mistypedOnionIsAnErrorWithItsLine(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("transport");
    String typo = RISEUP.replace("aj3n", "aj3m");
    Files.writeString(map, "# comment\nexample.org smtptor:[" + typo + "]\n");
    Run run = run("map", "check", map.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("error: " + map + ":2: "), run.out());
    assertTrue(run.out().contains("checksum"), run.out());
  }

  @Test
  void conflictAcrossFilesNamesBothOnions(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.yml");
    Path b = dir.resolve("b");
    Files.writeString(a, "'" + RISEUP + "': [example.org]\n");
    Files.writeString(b, "Example.ORG smtptor:[" + OTHER + "]\n");
    Run run = run("map", "check", a.toString(), b.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains(RISEUP) && run.out().contains(OTHER), run.out());
    assertTrue(run.out().contains("example.org"), run.out());
  }

  @Test
  void syntaxErrorGivesLineAndNonZeroExit(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("bad.yml");
    Files.writeString(map, "'" + RISEUP + "': [riseup.net\n  - broken: {\n");
    Run run = run("map", "check", map.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().matches("(?s).*error: .*bad\\.yml:\\d+: .*"), run.out());
  }

  @Test
  void exportsPostfixThatReadsBackToTheSameRoutes(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("map.yml");
    Files.writeString(
        yaml, "'" + RISEUP + "': [b.example, a.example]\n'" + OTHER + ":2525': [c.example]\n");
    Run export = run("map", "export", "--format", "postfix", yaml.toString());
    assertEquals(0, export.exit(), export.err());
    assertTrue(export.out().contains("smtptor:[" + RISEUP + "]"), export.out());
    assertTrue(export.out().contains("smtptor:[" + OTHER + "]:2525"), export.out());
    Path postfix = dir.resolve("transport");
    Files.writeString(postfix, export.out());
    Run resolve = run("resolve", "--no-srv", "--map", postfix.toString(), "a.example", "c.example");
    assertEquals(
        "a.example\t" + RISEUP + ":25\tmap\nc.example\t" + OTHER + ":2525\tmap\n", resolve.out());
  }

  @Test
  void exportNeedsAFormat() {
    assertEquals(2, run("map", "export", "bundled").exit());
    Run yaml = run("map", "export", "--format", "yaml", "bundled");
    assertEquals(0, yaml.exit());
    assertTrue(yaml.out().contains(RISEUP), yaml.out());
  }

  @Test
  void againstDnsReportsAgreementDisagreementMissingAndFailedLookups(@TempDir Path dir)
      throws Exception {
    Path map = dir.resolve("map.yml");
    Files.writeString(
        map, "'" + RISEUP + "': [agree.example, differ.example, nosrv.example, broken.example]\n");
    try (FakeDnsServer dns = FakeDnsServer.start()) {
      dns.add(
          "_onion-mx._tcp.agree.example. 300 IN SRV 0 5 25 " + RISEUP + ".",
          "_onion-mx._tcp.differ.example. 300 IN SRV 0 5 25 " + OTHER + ".");
      dns.fault("_onion-mx._tcp.broken.example.", DnsFault.servFail());
      String server = "127.0.0.1:" + dns.port();
      Run run =
          run("map", "check", "--against-dns", "--dnssec", "off", "--dns", server, map.toString());
      assertEquals(3, run.exit(), run.out() + run.err());
      assertTrue(
          run.out().contains("agree.example\t" + RISEUP + ":25\t" + RISEUP + ":25\tagrees (srv)"),
          run.out());
      assertTrue(
          run.out().contains("differ.example\t" + RISEUP + ":25\t" + OTHER + ":25\tDISAGREES"),
          run.out());
      assertTrue(run.out().contains("nosrv.example\t" + RISEUP + ":25\t-\tno SRV"), run.out());
      assertTrue(
          run.out().contains("broken.example\t" + RISEUP + ":25\t-\tcould not tell"), run.out());
      assertTrue(
          run.out().contains("against DNS: 1 agree, 1 disagree, 1 without SRV, 1 could not tell"),
          run.out());

      dns.clearFaults();
      Run strict =
          run(
              "map",
              "check",
              "--against-dns",
              "--strict",
              "--dnssec",
              "off",
              "--dns",
              server,
              map.toString());
      assertEquals(1, strict.exit(), strict.out());
    }
  }
}
