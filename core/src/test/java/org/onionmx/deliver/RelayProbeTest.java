package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.target;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.socks.Fault;

/** The relay probe asks, never sends: MAIL, RCPT, RSET, QUIT, and never DATA. */
class RelayProbeTest {
  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx");

  private RelayProbe probe() {
    return onion
        .mailer()
        .probeRelay(DOMAIN, target("mx"), "probe@checker.example", "victim@foreign.example");
  }

  private List<String> verbs() {
    return onion.server().commands().stream()
        .map(c -> c.split("[ :]", 2)[0].toUpperCase())
        .toList();
  }

  @Test
  void serverThatAcceptsAForeignRecipientIsAnOpenRelay() {
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.OPEN_RELAY, probe.verdict(), probe.toString());
    assertTrue(probe.transcript().get(1).startsWith("RCPT TO:<victim@foreign.example> -> 250"));
    assertTrue(!verbs().contains("DATA"), onion.server().commands().toString());
    assertTrue(verbs().contains("RSET"), onion.server().commands().toString());
    assertEquals(List.of(), onion.server().transactions());
  }

  @Test
  void serverThatRefusesTheForeignRecipientRefusesRelay() {
    onion.server().replyToRecipient("victim@foreign.example", "554 5.7.1 Relay access denied");
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.REFUSES_RELAY, probe.verdict());
    assertTrue(
        probe.transcript().get(1).contains("554 5.7.1 Relay access denied"), probe.toString());
    assertTrue(!verbs().contains("DATA"));
  }

  @Test
  void temporaryAnswerIsInconclusive() {
    onion.server().replyToRecipient("victim@foreign.example", "450 4.7.1 greylisted");
    assertEquals(RelayProbe.Verdict.INCONCLUSIVE, probe().verdict());
  }

  @Test
  void refusedSenderIsInconclusiveAndNoRecipientIsTried() {
    onion.server().replyToMail("550 5.7.1 go away");
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.INCONCLUSIVE, probe.verdict());
    assertTrue(!verbs().contains("RCPT"), onion.server().commands().toString());
  }

  @Test
  void unreachableOnionSaysSoWithTorsReason() {
    onion.proxy().script(host("mx"), Fault.reply(0xF2));
    RelayProbe probe = probe();
    assertEquals(RelayProbe.Verdict.UNREACHABLE, probe.verdict());
    assertTrue(
        probe.detail().toLowerCase().contains("tor") || probe.detail().contains("0xF2"),
        probe.detail());
    onion.proxy().assertNoIpDestinations();
  }
}
