package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.StatusUnknown;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.StreamOpener;
import org.onionmx.tor.TorSocksConnector;

/**
 * The final "." is "maybe delivered" only once its bytes reached the connection. The session holds
 * its writes until it waits for a reply ({@link CoalescingSocket}); when the write of the held
 * message and its "." fails, nothing of the "." left, the server cannot have taken the message, and
 * the recipient is deferred. A "." that left and got no reply stays status unknown.
 */
class HeldEndOfDataTest {
  private static final String A = "a@example.org";
  private static final byte[] END_OF_DATA = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void finalDotWhoseHeldWriteFailedIsDeferred() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
        FakeTorProxy proxy = FakeTorProxy.start().route(host("mx1"), server.port());
        OnionMailer mailer = Fixtures.mailer(proxy).streamOpener(failingEndOfData(proxy)).build()) {

      RecipientResult r =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A);

      Deferred d = assertInstanceOf(Deferred.class, r);
      assertTrue(d.failure().text().contains("end of data refused by the test"), d::toString);
      assertEquals(0, server.transactions().size());
    }
  }

  @Test
  void finalDotThatLeftAndGotNoReplyIsStatusUnknown() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
        FakeTorProxy proxy = FakeTorProxy.start().route(host("mx1"), server.port());
        OnionMailer mailer =
            Fixtures.mailer(proxy).endOfDataTimeout(Duration.ofMillis(500)).build()) {
      server.delayReplyTo(".", 3000);

      RecipientResult r =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A);

      assertInstanceOf(StatusUnknown.class, r);
    }
  }

  /** Real streams through {@code proxy}, whose writes fail once they carry the end of data. */
  private static StreamOpener failingEndOfData(FakeTorProxy proxy) throws IOException {
    TorSocksConnector tor =
        TorSocksConnector.newBuilder()
            .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
            .build();
    return (host, port, key) -> new EndOfDataRefused(tor.open(host, port, key));
  }

  /** A socket whose output throws instead of writing a chunk that contains CRLF.CRLF. */
  private static final class EndOfDataRefused extends Socket {
    private final Socket socket;
    private final OutputStream out;

    EndOfDataRefused(Socket socket) throws IOException {
      this.socket = socket;
      this.out =
          new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              if (contains(b, off, len)) {
                throw new SocketException("end of data refused by the test");
              }
              out.write(b, off, len);
            }
          };
    }

    private static boolean contains(byte[] b, int off, int len) {
      outer:
      for (int i = off; i + END_OF_DATA.length <= off + len; i++) {
        for (int j = 0; j < END_OF_DATA.length; j++) {
          if (b[i + j] != END_OF_DATA[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return socket.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() {
      return out;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
      return socket.getSoTimeout();
    }

    @Override
    public InetAddress getInetAddress() {
      return socket.getInetAddress();
    }

    @Override
    public int getPort() {
      return socket.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
      return socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
      return socket.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return socket.getRemoteSocketAddress();
    }

    @Override
    public boolean isConnected() {
      return socket.isConnected();
    }

    @Override
    public boolean isClosed() {
      return socket.isClosed();
    }

    @Override
    public boolean isOutputShutdown() {
      return socket.isOutputShutdown();
    }

    @Override
    public void shutdownOutput() throws IOException {
      socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
