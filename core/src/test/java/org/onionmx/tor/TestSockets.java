package org.onionmx.tor;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.onionmx.testing.LoopbackServer;

/** Small helpers shared by the connector tests. */
final class TestSockets {
  static final String ONION = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";

  /** What {@link #echoServer} sends first, before it echoes. */
  static final String BANNER = "220 echo.invalid ready\r\n";

  private TestSockets() {}

  /** A connector for a proxy on 127.0.0.1:{@code port}, with short timeouts for tests. */
  static TorSocksConnector.Builder connectorFor(int port) throws IOException {
    return TorSocksConnector.newBuilder()
        .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port)
        .connectTimeout(Duration.ofSeconds(2))
        .socksTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(10));
  }

  /** An SMTP-like server on 127.0.0.1: sends {@link #BANNER}, then echoes every byte back. */
  static LoopbackServer echoServer() throws IOException {
    return LoopbackServer.echo(BANNER);
  }

  /** Reads exactly {@code n} bytes as ASCII. */
  static String read(InputStream in, int n) throws IOException {
    return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
  }

  /** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Writes {@code text} as ASCII. */
  static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }
}
