package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes wait for the next read, a full buffer or close; then they leave as one write. */
class CoalescingSocketTest {
  private ServerSocket server;
  private CoalescingSocket client;
  private Socket peer;

  @BeforeEach
  void connect() throws Exception {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    plain.setTcpNoDelay(true);
    client = new CoalescingSocket(plain);
    peer = server.accept();
    peer.setSoTimeout(2000);
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    peer.close();
    server.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void flushedCommandsWaitUntilTheClientReadsThenLeaveTogether() throws Exception {
    OutputStream out = client.getOutputStream();
    for (String command : new String[] {"MAIL FROM:<a@b>\r\n", "RCPT TO:<c@d>\r\n", "DATA\r\n"}) {
      out.write(ascii(command));
      out.flush();
    }
    peer.setSoTimeout(200);
    assertThrows(SocketTimeoutException.class, () -> peer.getInputStream().read());

    peer.getOutputStream().write(ascii("250 ok\r\n"));
    byte[] reply = new byte[8];
    assertEquals(8, client.getInputStream().read(reply)); // the read sends the group first

    peer.setSoTimeout(2000);
    byte[] got = new byte[100];
    int n = peer.getInputStream().read(got);
    assertEquals("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", new String(got, 0, n, "US-ASCII"));
  }

  @Test
  void closeSendsWhatIsHeld() throws Exception {
    client.getOutputStream().write(ascii("QUIT\r\n"));
    client.close();

    assertArrayEquals(ascii("QUIT\r\n"), peer.getInputStream().readAllBytes());
    assertTrue(client.isClosed());
  }

  @Test
  void aFullBufferIsWrittenWithoutWaitingForARead() throws Exception {
    byte[] big = new byte[CoalescingSocket.HOLD_LIMIT + 100];
    client.getOutputStream().write(big, 0, 100);
    client.getOutputStream().write(big, 100, big.length - 100);

    InputStream in = peer.getInputStream();
    int total = 0;
    byte[] buf = new byte[64 * 1024];
    while (total < CoalescingSocket.HOLD_LIMIT) {
      total += in.read(buf);
    }
    assertTrue(total >= CoalescingSocket.HOLD_LIMIT, "received " + total);
  }

  @Test
  void closingAStreamClosesTheSocketAsAPlainSocketDoes() throws Exception {
    client.getOutputStream().write(ascii("x"));
    client.getInputStream().close();

    assertTrue(client.isClosed());
    assertArrayEquals(ascii("x"), peer.getInputStream().readAllBytes());
  }
}
