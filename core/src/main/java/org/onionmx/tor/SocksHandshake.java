package org.onionmx.tor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.onionmx.tor.IsolationCredentials.Credentials;

/**
 * The client side of one SOCKS5 handshake on a socket already connected to the proxy: method
 * selection offering exactly one method, RFC 1929 authentication when credentials are given, and
 * CONNECT with the destination as a domain name (ATYP 3). Each request is sent whole and its reply
 * read completely (by {@link SocksReplyReader}) before the next, under one absolute deadline for
 * the whole handshake: before every read the socket's read timeout is set to what is left of it, so
 * a proxy that drips its replies a byte at a time cannot stretch any phase (greeting,
 * authentication, CONNECT reply) past it. Stateless; each call uses only its own socket.
 */
final class SocksHandshake {
  private static final int NO_AUTH = 0x00;
  private static final int USER_PASSWORD = 0x02;
  private static final int CONNECT = 0x01;

  private SocksHandshake() {}

  /**
   * Runs the handshake; on return the stream carries the application protocol.
   *
   * @param proxy the proxy's {@code address:port}, for messages
   * @param name the destination host, checked printable ASCII of 1-255 characters
   * @param credentials the isolation credentials, or null to offer only "no authentication"
   * @param timeout the time from now until the CONNECT reply must be in
   * @throws TorSocksException on a failure reply, a timeout or a broken connection
   * @throws SocksProtocolException on anything that is not a SOCKS5 reply
   */
  static void run(
      Socket socket, String proxy, String name, int port, Credentials credentials, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String destination = name + ":" + port;
    OutputStream out = socket.getOutputStream();
    SocksReplyReader reader =
        new SocksReplyReader(new DeadlineInput(socket, deadline), proxy, destination);
    try {
      int method = credentials == null ? NO_AUTH : USER_PASSWORD;
      send(out, new byte[] {SocksReplyReader.VERSION, 1, (byte) method});
      reader.readMethodChoice(method);
      if (credentials != null) {
        send(out, authRequest(credentials));
        reader.readAuthStatus();
      }
      send(out, connectRequest(name, port));
      reader.readConnectReply();
    } catch (SocketTimeoutException e) {
      throw new TorSocksException(
          "Tor did not answer the SOCKS request for "
              + destination
              + " within "
              + text(timeout)
              + " (proxy "
              + proxy
              + ")",
          TorSocksException.NO_REPLY,
          true,
          e);
    } catch (TorSocksException e) {
      throw e;
    } catch (IOException e) {
      throw new TorSocksException(
          "the connection to the Tor SOCKS listener at "
              + proxy
              + " failed during the SOCKS handshake for "
              + destination
              + ": "
              + e.getMessage(),
          TorSocksException.NO_REPLY,
          true,
          e);
    }
  }

  /**
   * The proxy's stream, each read of which waits at most until the deadline ({@link
   * System#nanoTime} units): SO_TIMEOUT is set to what is left before every read, and a read that
   * starts with nothing left fails with a {@link SocketTimeoutException}.
   */
  private static final class DeadlineInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    DeadlineInput(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      awaitDeadline();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      awaitDeadline();
      return in.read(b, off, len);
    }

    private void awaitDeadline() throws IOException {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("SOCKS handshake deadline passed");
      }
      socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
    }
  }

  private static void send(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static byte[] authRequest(Credentials c) {
    byte[] user = c.user().getBytes(StandardCharsets.US_ASCII);
    byte[] password = c.password().getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(SocksReplyReader.AUTH_VERSION);
    b.write(user.length);
    b.writeBytes(user);
    b.write(password.length);
    b.writeBytes(password);
    return b.toByteArray();
  }

  static byte[] connectRequest(String name, int port) {
    byte[] host = name.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(SocksReplyReader.VERSION);
    b.write(CONNECT);
    b.write(0);
    b.write(SocksReplyReader.ATYP_DOMAIN);
    b.write(host.length);
    b.writeBytes(host);
    b.write(port >>> 8);
    b.write(port & 0xFF);
    return b.toByteArray();
  }

  /** {@code 130 s} or {@code 300 ms}. */
  static String text(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
