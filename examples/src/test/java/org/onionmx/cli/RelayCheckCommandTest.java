package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

class RelayCheckCommandTest {
  ScriptedSmtpServer server;
  FakeTorProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.start();
    proxy = FakeTorProxy.start();
    proxy.route(RISEUP, server.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private Run check(String what) {
    return run("relay-check", "--socks", "127.0.0.1:" + proxy.port(), what);
  }

  @Test
  void onionThatRefusesForeignRecipientsPasses() {
    server.replyToRecipient("relay-check@example.net", "554 5.7.1 Relay access denied");
    Run run = check(RISEUP);
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().startsWith(RISEUP + ":25\trefuses-relay\t"), run.out());
    assertTrue(run.out().contains("  RCPT TO:<relay-check@example.net> -> 554 5.7.1"), run.out());
    assertTrue(server.transactions().isEmpty());
  }

  @Test
  void openRelayFailsTheCheckWithoutSendingAnything() {
    Run run = check(RISEUP + ":25");
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("\topen-relay\t"), run.out());
    assertTrue(server.commands().stream().noneMatch(c -> c.toUpperCase().startsWith("DATA")));
  }

  @Test
  void domainIsCheckedThroughItsRoute() {
    server.replyToRecipient("relay-check@example.net", "554 no");
    Run run = check("riseup.net"); // pinned in the bundled map
    assertEquals(0, run.exit(), run.out() + run.err());
    proxy.assertNoIpDestinations();
  }

  @Test
  void domainWithoutRouteHasNoVerdict() {
    Run run = run("relay-check", "--no-srv", "example.com");
    assertEquals(3, run.exit(), run.out());
    assertTrue(run.out().startsWith("example.com\t-\tno verdict: "), run.out());
  }
}
