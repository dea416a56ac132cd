package org.onionmx.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.socks.FakeTorProxy;

/** Every example runs, and its message arrives: over the fake Tor, or at the clearnet relay. */
class ExamplesTest {
  static final String ONION = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";

  GreenMail onionSink;
  GreenMail relay;
  FakeTorProxy proxy;
  Path map;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    onionSink = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    relay = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    onionSink.start();
    relay.start();
    proxy = FakeTorProxy.start();
    proxy.route(ONION, onionSink.getSmtp().getPort());
    map = dir.resolve("map.yml");
    Files.writeString(map, "'" + ONION + "': [onion.example]\n");
  }

  @AfterEach
  void stop() {
    proxy.close();
    onionSink.stop();
    relay.stop();
  }

  private String[] args(String to) {
    return new String[] {
      "alice@sender.example",
      to,
      String.valueOf(proxy.port()),
      map.toString(),
      "127.0.0.1",
      String.valueOf(relay.getSmtp().getPort())
    };
  }

  private static String captureOut(ThrowingRunnable run) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void resolveExamplePrintsWhatToDo() throws Exception {
    String out = captureOut(() -> ResolveExample.main(new String[] {"riseup.net", "bad..x"}));
    assertTrue(out.startsWith("riseup.net: deliver over Tor to ["), out);
    assertTrue(out.contains("bad..x: not a mail domain"), out);
  }

  @Test
  void sendExampleDeliversOverTheOnionAndReportsEveryRecipient() throws Exception {
    String out =
        captureOut(
            () ->
                SendExample.main(
                    new String[] {
                      "alice@sender.example",
                      "bob@onion.example,carol@Onion.Example,bad@",
                      String.valueOf(proxy.port()),
                      map.toString()
                    }));
    String[] lines = out.split("\n");
    assertEquals(3, lines.length, out);
    assertTrue(lines[0].startsWith("bob@onion.example: accepted by " + ONION), lines[0]);
    assertTrue(lines[1].startsWith("carol@Onion.Example: accepted by "), lines[1]);
    assertTrue(lines[2].startsWith("bad@: not an address"), lines[2]);
    assertEquals(2, onionSink.getReceivedMessages().length);
    proxy.assertNoIpDestinations();
  }

  @Test
  void jakartaMailExampleDeliversOverTheOnion() throws Exception {
    String[] a = args("bob@onion.example");
    JakartaMailExample.main(new String[] {a[0], a[1], a[2], a[3]});
    MimeMessage[] received = onionSink.getReceivedMessages();
    assertEquals(1, received.length);
    assertEquals("Hello over Tor", received[0].getSubject());
    proxy.assertNoIpDestinations();
  }

  @Test
  void transportSendExampleUsesTheOnionOrTheRelay() throws Exception {
    // An unsigned fixture zone: DNSSEC off, or the root anchor makes every answer bogus.
    try (FakeDnsServer dns = FakeDnsServer.start()) { // no SRV records: NXDOMAIN for every name
      String[] a = args("bob@onion.example");
      String dnsServer = "127.0.0.1:" + dns.port();
      TransportSendExample.main(
          new String[] {a[0], a[1], a[2], a[3], a[4], a[5], dnsServer, "off"});
      a = args("carol@clearnet.example");
      TransportSendExample.main(
          new String[] {a[0], a[1], a[2], a[3], a[4], a[5], dnsServer, "off"});
      assertEquals(1, dns.queries().size()); // clearnet.example only: onion.example is pinned
    }
    assertEquals(1, onionSink.getReceivedMessages().length);
    assertEquals(1, relay.getReceivedMessages().length);
    assertEquals(
        "carol@clearnet.example", relay.getReceivedMessages()[0].getAllRecipients()[0].toString());
  }

  @Test
  void springExampleDeliversOverTheOnion() throws Exception {
    SpringExample.main(args("bob@onion.example"));
    assertEquals(1, onionSink.getReceivedMessages().length);
    assertEquals("Hello from Spring", onionSink.getReceivedMessages()[0].getSubject());
    assertEquals(0, relay.getReceivedMessages().length);
  }
}
