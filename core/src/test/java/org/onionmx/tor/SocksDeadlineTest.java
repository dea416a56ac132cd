package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;

/**
 * The SOCKS handshake has one absolute deadline, whatever the proxy's pace: a proxy that drips its
 * 10-byte CONNECT reply a byte every 2 s (20 s in all) fails a 3 s SOCKS timeout at 3 s, not after
 * the whole reply as when each read had the timeout to itself.
 */
class SocksDeadlineTest {
  private static final Duration SOCKS_TIMEOUT = Duration.ofSeconds(3);

  /** Slack for a loaded 2-core machine; the dripped reply would take 20 s. */
  private static final Duration MARGIN = Duration.ofSeconds(4);

  @Test
  void connectReplyDrippedAByteEvery2sFailsAtTheSocksTimeout() throws Exception {
    try (LoopbackServer echo = TestSockets.echoServer();
        FakeTorProxy proxy = FakeTorProxy.start().route(ONION, echo.port())) {
      proxy.script(ONION, Fault.dripReply(Duration.ofSeconds(2)));
      TorSocksConnector connector = connectorFor(proxy.port()).socksTimeout(SOCKS_TIMEOUT).build();

      long started = System.nanoTime();
      TorSocksException e =
          assertThrows(TorSocksException.class, () -> connector.open(ONION, 25, "k").close());
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      System.out.println("dripped SOCKS reply: failed after " + took.toMillis() + " ms");
      assertTrue(took.compareTo(SOCKS_TIMEOUT.plus(MARGIN)) < 0, "took " + took);
      assertTrue(took.compareTo(SOCKS_TIMEOUT.minusMillis(100)) >= 0, "took " + took);
      assertEquals(TorSocksException.NO_REPLY, e.replyCode());
      assertTrue(e.isTemporary());
      assertTrue(e.getMessage().contains("within 3 s"), e.getMessage());
    }
  }

  @Test
  void connectReplyDrippedWithinTheSocksTimeoutStillOpensTheStream() throws Exception {
    try (LoopbackServer echo = TestSockets.echoServer();
        FakeTorProxy proxy = FakeTorProxy.start().route(ONION, echo.port())) {
      proxy.script(ONION, Fault.dripReply(Duration.ofMillis(50)));
      TorSocksConnector connector =
          connectorFor(proxy.port()).socksTimeout(SOCKS_TIMEOUT.plus(MARGIN)).build();

      try (java.net.Socket s = connector.open(ONION, 25, "k")) {
        String banner = TestSockets.BANNER;
        assertEquals(banner, TestSockets.read(s.getInputStream(), banner.length()));
        TestSockets.write(s, "ping\n");
        assertEquals("ping\n", TestSockets.read(s.getInputStream(), 5));
      }
    }
  }
}
