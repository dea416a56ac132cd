package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/** Whatever a server or the command line says, one recipient or domain is one line of output. */
class OutputEscapingTest {
  ScriptedSmtpServer smtp;
  FakeTorProxy proxy;
  Path map;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    smtp = ScriptedSmtpServer.start();
    proxy = FakeTorProxy.start();
    proxy.route(RISEUP, smtp.port());
    map = dir.resolve("map.yml");
    Files.writeString(map, "'" + RISEUP + "': [example.org]\n");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    smtp.close();
  }

  private Run send(String... extra) {
    String[] base = {
      "send", "--map", map.toString(), "--no-srv", "--socks", "127.0.0.1:" + proxy.port()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  @Test
  void acceptedReplyShowsItsCodeOnce() {
    smtp.replyToEndOfData("250 2.0.0 Ok: queued as 4XyZ");
    Run run = send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertEquals(
        "bob@example.org\taccepted\t250 2.0.0 Ok: queued as 4XyZ (via " + RISEUP + ":25)\n",
        run.out());
  }

  @Test
  void multiLineReplyCannotForgeAnotherRecipientsLine() {
    smtp.replyToEndOfData(
        "250-2.0.0 queued as A1\r\n250 other@example.org\taccepted\t250 2.0.0 forged");
    Run run = send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
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
    smtp.replyToRecipient(
        "bob@example.org", "550-5.1.1 no such user\r\n550 5.1.1 \u001b[2Jcleared");
    Run run = send("--from", "a@sender.example", "--to", "bob@example.org", "--body", "x");
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
