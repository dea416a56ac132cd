package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;

class SendCommandTest {
  @RegisterExtension final SendThroughFakeTor cli = new SendThroughFakeTor();
  GreenMail greenMail;

  @BeforeEach
  void riseupIsGreenMail() {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    cli.proxy().route(RISEUP, greenMail.getSmtp().getPort());
  }

  @AfterEach
  void stopGreenMail() {
    greenMail.stop();
  }

  @Test
  void deliversThroughTorAndPrintsEachRecipient() throws Exception {
    Run run =
        cli.send(
            "--from", "alice@sender.example",
            "--to", "bob@example.org,carol@example.org",
            "--subject", "über Tor",
            "--body", "hallo");
    assertEquals(0, run.exit(), run.out() + run.err());
    String[] lines = run.out().split("\n");
    assertEquals(2, lines.length, run.out());
    assertTrue(lines[0].startsWith("bob@example.org\taccepted\t250 "), lines[0]);
    assertTrue(lines[0].endsWith("(via " + RISEUP + ":25)"), lines[0]);
    assertTrue(lines[1].startsWith("carol@example.org\taccepted\t250 "), lines[1]);
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(2, received.length); // one per recipient mailbox
    assertEquals("über Tor", received[0].getSubject());
    assertTrue(received[0].getMessageID().endsWith("@sender.example>"), received[0].getMessageID());
    assertEquals(1, cli.proxy().connects().size());
    cli.proxy().assertNoIpDestinations();
    cli.proxy().assertNoOsLoginAsUser();
  }

  @Test
  void emlFileGoesUnchanged(@TempDir Path dir) throws Exception {
    Path eml = dir.resolve("m.eml");
    Files.writeString(
        eml,
        "From: alice@sender.example\r\nTo: bob@example.org\r\nSubject: raw\r\n"
            + "Message-ID: <raw-7@sender.example>\r\n\r\nbody\r\n");
    Run run =
        cli.send(
            "--from", "alice@sender.example", "--to", "bob@example.org", "--eml", eml.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    assertEquals("<raw-7@sender.example>", greenMail.getReceivedMessages()[0].getMessageID());
  }

  @Test
  void recipientWithoutOnionRouteIsReportedNotSent() {
    Run run =
        cli.send(
            "--from",
            "a@sender.example",
            "--to",
            "bob@example.org,eve@clearnet.example",
            "--body",
            "x");
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("eve@clearnet.example\tno-route\t"), run.out());
    assertTrue(run.out().contains("bob@example.org\taccepted\t"), run.out());
    assertEquals(1, greenMail.getReceivedMessages().length);
  }

  @Test
  void everySpellingOfARecipientGetsItsOwnLineAndEachMailboxOneCopy() throws Exception {
    Run run =
        cli.send(
            "--from", "alice@sender.example",
            "--to", "bob@example.org,bob@EXAMPLE.org,carol@Example.Org,eve@clearnet.example",
            "--body", "x");
    assertEquals(1, run.exit(), run.out() + run.err());
    String[] lines = run.out().split("\n");
    assertEquals(4, lines.length, run.out());
    assertTrue(lines[0].startsWith("bob@example.org\taccepted\t"), lines[0]);
    assertTrue(lines[1].startsWith("bob@EXAMPLE.org\taccepted\t"), lines[1]);
    assertTrue(lines[2].startsWith("carol@Example.Org\taccepted\t"), lines[2]);
    assertTrue(lines[3].startsWith("eve@clearnet.example\tno-route\t"), lines[3]);
    assertEquals(2, greenMail.getReceivedMessages().length); // bob once, carol once
    assertEquals(1, cli.proxy().connects().size());
  }

  @Test
  void jsonGivesOneObjectPerRecipientWithTheCodes() {
    cli.proxy().addRule(FaultRule.forHost(RISEUP, Fault.reply(0xF2)).times(1));
    Run run =
        cli.send(
            "--json",
            "--from",
            "a@sender.example",
            "--to",
            "bob@example.org,eve@clearnet.example",
            "--body",
            "x");
    String[] lines = run.out().split("\n");
    assertEquals(2, lines.length, run.out());
    assertTrue(
        lines[0].startsWith(
            "{\"recipient\":\"bob@example.org\",\"status\":\"deferred\",\"torCode\":242,"),
        lines[0]);
    assertTrue(lines[0].endsWith(",\"via\":\"" + RISEUP + ":25\"}"), lines[0]);
    assertTrue(
        lines[1].startsWith(
            "{\"recipient\":\"eve@clearnet.example\",\"status\":\"no-route\",\"detail\":"),
        lines[1]);
    assertEquals(3, run.exit());

    Run accepted =
        cli.send("--json", "--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertTrue(
        accepted
            .out()
            .startsWith("{\"recipient\":\"bob@example.org\",\"status\":\"accepted\",\"code\":250,"),
        accepted.out());
    assertEquals(0, accepted.exit(), accepted.err());
  }

  @Test
  void torFailureIsDeferredWithItsCode() {
    cli.proxy().script(RISEUP, Fault.reply(0xF2));
    Run run = cli.send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertEquals(3, run.exit(), run.out() + run.err());
    assertTrue(run.out().startsWith("bob@example.org\tdeferred\tTor 0xF2: "), run.out());
  }

  @Test
  void needsExactlyOneKindOfContent() {
    assertEquals(2, cli.send("--from", "a@x.example", "--to", "b@example.org").exit());
    assertEquals(
        2,
        cli.send("--from", "a@x.example", "--to", "b@example.org", "--body", "x", "--eml", "f")
            .exit());
    assertEquals(
        2, cli.send("--from", "a@x.example", "--to", "not an address", "--body", "x").exit());
  }
}
