package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;

/** No Tor, or a Tor that does not answer in time: temporary failures, fast where possible. */
class ProxyUnavailableTest {
  @Test
  void nothingListeningFailsFastAsTemporaryNamingTheAddress() throws Exception {
    int port = TestSockets.closedPort();
    TorSocksConnector c = connectorFor(port).build();
    long start = System.nanoTime();
    TorSocksException e = assertThrows(TorSocksException.class, () -> c.open(ONION, 25, "k"));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(elapsed.compareTo(Duration.ofSeconds(1)) < 0, elapsed.toString());
    assertTrue(e.isTemporary());
    assertEquals(TorSocksException.NO_REPLY, e.replyCode());
    assertTrue(
        e.getMessage().startsWith("no Tor SOCKS listener at 127.0.0.1:" + port), e.getMessage());
    assertFalse(e instanceof SocksProtocolException);
  }

  @Test
  void listenerThatNeverAcceptsTimesOutAsTemporary() throws Exception {
    List<Socket> queued = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // Fill the accept queue: Linux then drops further SYNs, so a connect hangs until it times
      // out.
      while (queued.size() < 10) {
        Socket s = new Socket(Proxy.NO_PROXY);
        queued.add(s);
        try {
          s.connect(full.getLocalSocketAddress(), 200);
        } catch (SocketTimeoutException e) {
          break;
        }
      }
      TorSocksConnector c =
          connectorFor(full.getLocalPort()).connectTimeout(Duration.ofMillis(300)).build();
      TorSocksException e = assertThrows(TorSocksException.class, () -> c.open(ONION, 25, null));
      assertTrue(e.isTemporary());
      assertEquals(
          "the Tor SOCKS listener at 127.0.0.1:"
              + full.getLocalPort()
              + " did not accept a connection within 300 ms (opening "
              + ONION
              + ":25)",
          e.getMessage());
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  @Test
  void slowReplyTimesOutAsTemporary() throws Exception {
    try (FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.script(ONION, Fault.delayed(Duration.ofSeconds(5), Fault.reply(0xF0)));
      TorSocksConnector c = connectorFor(proxy.port()).socksTimeout(Duration.ofMillis(300)).build();
      long start = System.nanoTime();
      TorSocksException e = assertThrows(TorSocksException.class, () -> c.open(ONION, 25, "k"));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(elapsed.compareTo(Duration.ofMillis(290)) > 0, elapsed.toString());
      assertTrue(elapsed.compareTo(Duration.ofSeconds(2)) < 0, elapsed.toString());
      assertTrue(e.isTemporary());
      assertEquals(TorSocksException.NO_REPLY, e.replyCode());
      assertInstanceOf(SocketTimeoutException.class, e.getCause());
      assertEquals(
          "Tor did not answer the SOCKS request for "
              + ONION
              + ":25 within 300 ms (proxy 127.0.0.1:"
              + proxy.port()
              + ")",
          e.getMessage());
    }
  }

  @Test
  void replyWithinTheTimeoutIsAwaited() throws Exception {
    try (FakeTorProxy proxy = FakeTorProxy.start()) {
      proxy.script(ONION, Fault.delayed(Duration.ofMillis(200), Fault.reply(0xF2)));
      TorSocksConnector c = connectorFor(proxy.port()).socksTimeout(Duration.ofSeconds(5)).build();
      assertEquals(
          0xF2, assertThrows(TorSocksException.class, () -> c.open(ONION, 25, "k")).replyCode());
    }
  }
}
