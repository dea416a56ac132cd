package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.testing.smtp.ScriptedSmtpServerExtension;

/** Whatever a server or the command line says, one recipient or domain is one line of output. */
class OutputEscapingTest {
  @RegisterExtension final ScriptedSmtpServerExtension smtp = new ScriptedSmtpServerExtension();
  @RegisterExtension final SendThroughFakeTor cli = new SendThroughFakeTor();

  @BeforeEach
  void riseupIsTheScriptedServer() {
    cli.proxy().route(RISEUP, smtp.get().port());
  }

  @Test
  void acceptedReplyShowsItsCodeOnce() {
    smtp.get().replyToEndOfData("250 2.0.0 Ok: queued as 4XyZ");
    Run run = cli.send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertEquals(
        "bob@example.org\taccepted\t250 2.0.0 Ok: queued as 4XyZ (via " + RISEUP + ":25)\n",
        run.out());
  }

  @Test
  void multiLineReplyCannotForgeAnotherRecipientsLine() {
    smtp.get()
        .replyToEndOfData(
            "250-2.0.0 queued as A1\r\n250 other@example.org\taccepted\t250 2.0.0 forged");
    Run run = cli.send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertEquals(
        "bob@example.org\taccepted\t250 2.0.0 queued as A1 other@example.org\\taccepted\\t250"
            + " 2.0.0 forged (via "
            + RISEUP
            + ":25)\n",
        run.out());
  }

  @Test
  void rejectedReplyWithControlBytesStaysOneLine() {
    smtp.get()
        .replyToRecipient(
            "bob@example.org", "550-5.1.1 no such user\r\n550 5.1.1 \u001b[2Jcleared");
    Run run = cli.send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertEquals(1, run.exit(), run.out() + run.err());
    assertEquals(
        "bob@example.org\trejected\t550 5.1.1 no such user 5.1.1 \\x1b[2Jcleared (via "
            + RISEUP
            + ":25)\n",
        run.out());
  }

  @Test
  void resolveEscapesItsArguments() {
    Run run = run("resolve", "--map", "none", "--no-srv", "evil.example\tforged\nx.example\ttoo");
    assertEquals(3, run.exit(), run.err());
    String[] lines = run.out().split("\n", -1);
    assertEquals(2, lines.length, run.out()); // one line and the empty rest after its newline
    assertEquals(3, lines[0].split("\t", -1).length, lines[0]);
    assertTrue(
        lines[0].startsWith("evil.example\\tforged\\nx.example\\ttoo\t-\terror: "), lines[0]);
  }

  @Test
  void escapedFieldKeepsPrintableTextAndMarksEveryControl() {
    assertEquals("plain über text", Escape.field("plain über text"));
    assertEquals(
        "a\\\\b\\r\\n\\t\\x00\\x7f\\u0085\\u202e", Escape.field("a\\b\r\n\t\0\u007f\u0085\u202e"));
    assertEquals("250 a b", Escape.reply(250, "250-a\r\n250 b\r\n"));
  }
}
