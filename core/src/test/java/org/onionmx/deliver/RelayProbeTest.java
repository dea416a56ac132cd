package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.target;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;

/** The relay probe asks, never sends: MAIL, RCPT, RSET, QUIT, and never DATA. */
class RelayProbeTest {
  private ScriptedOnion onion;
  private ScriptedSmtpServer server;
  private FakeTorProxy proxy;
  private OnionMailer mailer;

  @BeforeEach
  void start() throws Exception {
    onion = ScriptedOnion.start("mx");
    server = onion.server;
    proxy = onion.proxy;
    mailer = onion.mailer;
  }

  @AfterEach
  void stop() throws Exception {
    onion.close();
  }

  private RelayProbe probe() {
    return mailer.probeRelay(
        DOMAIN, target("mx"), "probe@checker.example", "victim@foreign.example");
  }

  private List<String> verbs() {
    return server.commands().stream().map(c -> c.split("[ :]", 2)[0].toUpperCase()).toList();
  }

  @Test
  void serverThatAcceptsAForeignRecipientIsAnOpenRelay() {
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.OPEN_RELAY, probe.verdict(), probe.toString());
    assertTrue(probe.transcript().get(1).startsWith("RCPT TO:<victim@foreign.example> -> 250"));
    assertTrue(!verbs().contains("DATA"), server.commands().toString());
    assertTrue(verbs().contains("RSET"), server.commands().toString());
    assertEquals(List.of(), server.transactions());
  }

  @Test
  void serverThatRefusesTheForeignRecipientRefusesRelay() {
    server.replyToRecipient("victim@foreign.example", "554 5.7.1 Relay access denied");
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.REFUSES_RELAY, probe.verdict());
    assertTrue(
        probe.transcript().get(1).contains("554 5.7.1 Relay access denied"), probe.toString());
    assertTrue(!verbs().contains("DATA"));
  }

  @Test
  void temporaryAnswerIsInconclusive() {
    server.replyToRecipient("victim@foreign.example", "450 4.7.1 greylisted");
    assertEquals(RelayProbe.Verdict.INCONCLUSIVE, probe().verdict());
  }

  @Test
  void refusedSenderIsInconclusiveAndNoRecipientIsTried() {
    server.replyToMail("550 5.7.1 go away");
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.INCONCLUSIVE, probe.verdict());
    assertTrue(!verbs().contains("RCPT"), server.commands().toString());
  }

  @Test
  void unreachableOnionSaysSoWithTorsReason() {
    proxy.script(host("mx"), Fault.reply(0xF2));
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.UNREACHABLE, probe.verdict());
    assertTrue(
        probe.detail().toLowerCase().contains("tor") || probe.detail().contains("0xF2"),
        probe.detail());
    proxy.assertNoIpDestinations();
  }
}
