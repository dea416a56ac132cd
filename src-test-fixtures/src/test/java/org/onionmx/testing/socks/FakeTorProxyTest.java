package org.onionmx.testing.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.testing.PerTestFixture;

class FakeTorProxyTest {
  private static final String ONION = "xyz.onion";
  private static final String MESSAGE = "DATA\r\nSubject: t\r\n\r\nbody\r\n.\r\nQUIT\r\n";

  private final SmtpLikeScript smtp = new SmtpLikeScript();

  @RegisterExtension
  final PerTestFixture<LoopbackServer> server = PerTestFixture.of(() -> LoopbackServer.start(smtp));

  @RegisterExtension final FakeTorProxyExtension tor = new FakeTorProxyExtension();
  private FakeTorProxy proxy;

  @BeforeEach
  void routeTheOnionToTheServer() {
    proxy = tor.get().route(ONION, server.get().port());
  }

  private RawClient connected(String host) throws Exception {
    RawClient c = new RawClient(proxy.port(), 0);
    assertEquals(0, c.connect(host, 25));
    return c;
  }

  @Test
  void forwardsByNameAndRecordsTheRequest() throws Exception {
    try (RawClient c = new RawClient(proxy.port(), 0, 2)) {
      assertEquals(2, c.method);
      assertEquals(0, c.authenticate("u1", "p1"));
      assertEquals(0, c.connect("XYZ.onion", 25));
      c.send("QUIT\r\n");
      c.socket.shutdownOutput();
      assertEquals("220 ready\r\n", c.readToEnd());
    }
    assertEquals("QUIT\r\n", smtp.nextReceived());
    assertEquals(
        List.of(new ConnectRequest(List.of(0, 2), 1, 3, "XYZ.onion", 25, "u1", "p1")),
        proxy.connects());
  }

  @Test
  void unroutedNamesGetTorLikeReplies() throws Exception {
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0xF0, c.connect("unknown.onion", 25));
    }
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0x04, c.connect("example.com", 25));
    }
  }

  @Test
  void routeToAServerThatIsDownGetsGeneralFailure() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    proxy.route("down.onion", port);
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0x01, c.connect("down.onion", 25));
    }
  }

  @Test
  void ipDestinationsAreViolations() throws Exception {
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0x02, c.connect(1, new byte[] {10, 0, 0, 1}, 25));
    }
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0x02, c.connect(4, new byte[16], 25));
    }
    assertEquals(2, proxy.violations().size());
    AssertionError e = assertThrows(AssertionError.class, proxy::assertNoIpDestinations);
    assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
  }

  @Test
  void osLoginAsUserNameIsCaught() throws Exception {
    try (RawClient c = new RawClient(proxy.port(), 2)) {
      c.authenticate(System.getProperty("user.name"), "x");
      c.connect(ONION, 25);
    }
    assertThrows(AssertionError.class, proxy::assertNoOsLoginAsUser);
  }

  @Test
  void clientWithoutKnownMethodsIsRefused() throws Exception {
    try (RawClient c = new RawClient(proxy.port(), 1)) {
      assertEquals(0xFF, c.method);
    }
  }

  @Test
  void scriptedReplyCodeIsSentAndRecorded() throws Exception {
    proxy.script(ONION, Fault.reply(0xF6));
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0xF6, c.connect(ONION, 25));
    }
    assertEquals(Fault.reply(0xF6), proxy.appliedFaults().get(0).fault());
  }

  @Test
  void garbageReplacesTheReply() throws Exception {
    proxy.script(ONION, Fault.garbage("HTTP/1.0".getBytes("US-ASCII")));
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      c.send(new byte[] {5, 1, 0, 3, 9});
      c.send("xyz.onion");
      c.send(new byte[] {0, 25});
      assertEquals("HTTP/1.0", c.readToEnd());
    }
  }

  @Test
  void closeWithoutReplyEndsTheStream() throws Exception {
    proxy.script(ONION, Fault.closeWithoutReply());
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      c.send(new byte[] {5, 1, 0, 3, 9});
      c.send("xyz.onion");
      c.send(new byte[] {0, 25});
      assertEquals("", c.readToEnd());
    }
  }

  @Test
  void cutBeforeEndOfDataLeavesTheServerWithAPartialMessage() throws Exception {
    proxy.script(ONION, Fault.cutBeforeEndOfData());
    try (RawClient c = connected(ONION)) {
      assertEquals("220 ready\r\n", new String(c.in.readNBytes(11), "US-ASCII"));
      c.send(MESSAGE);
      assertEquals("", c.readToEnd());
    }
    assertEquals("DATA\r\nSubject: t\r\n\r\nbody\r\n", smtp.nextReceived());
  }

  @Test
  void cutAfterEndOfDataDeliversTheDotButLosesTheReply() throws Exception {
    proxy.script(ONION, Fault.cutAfterEndOfData());
    try (RawClient c = connected(ONION)) {
      assertEquals("220 ready\r\n", new String(c.in.readNBytes(11), "US-ASCII"));
      c.send(MESSAGE);
      assertEquals("", c.readToEnd());
    }
    assertEquals("DATA\r\nSubject: t\r\n\r\nbody\r\n.\r\n", smtp.nextReceived());
  }

  @Test
  void endOfDataMarkerSplitAcrossWritesIsCutBeforeItCompletes() throws Exception {
    proxy.script(ONION, Fault.cutBeforeEndOfData());
    try (RawClient c = connected(ONION)) {
      c.send("DATA\r\nbody\r");
      Thread.sleep(50);
      c.send("\n.");
      Thread.sleep(50);
      c.send("\r\nQUIT\r\n");
      c.readToEnd();
    }
    assertEquals("DATA\r\nbody\r\n", smtp.nextReceived()); // as when it comes in one piece
  }

  @Test
  void cutAfterClientBytesForwardsExactlyThatMany() throws Exception {
    proxy.script(ONION, Fault.cutAfterClientBytes(7));
    try (RawClient c = connected(ONION)) {
      c.send(MESSAGE);
      c.readToEnd();
    }
    assertEquals(MESSAGE.substring(0, 7), smtp.nextReceived());
  }

  @Test
  void randomRuleWithCertaintyAlwaysAppliesAndTimesLimitsIt() throws Exception {
    proxy.addRule(
        FaultRule.randomly(1.0, new Random(1), List.of(Fault.reply(0xF2), Fault.reply(0xF3)))
            .times(2));
    int failed = 0;
    for (int i = 0; i < 4; i++) {
      try (RawClient c = new RawClient(proxy.port(), 0)) {
        int code = c.connect(ONION, 25);
        failed += code == 0 ? 0 : 1;
      }
    }
    assertEquals(2, failed);
    assertEquals(2, proxy.appliedFaults().size());
  }

  @Test
  void randomRuleWithZeroProbabilityNeverApplies() throws Exception {
    proxy.addRule(FaultRule.randomly(0.0, new Random(1), List.of(Fault.reply(0xF2))));
    try (RawClient c = new RawClient(proxy.port(), 0)) {
      assertEquals(0, c.connect(ONION, 25));
    }
    assertEquals(List.of(), proxy.appliedFaults());
  }

  @Test
  void closingTheProxyEndsOpenStreams() throws Exception {
    try (RawClient c = connected(ONION)) {
      assertEquals("220 ready\r\n", new String(c.in.readNBytes(11), "US-ASCII"));
      proxy.close();
      assertEquals("", c.readToEnd());
    }
  }
}
