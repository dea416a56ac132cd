package org.onionmx.testing.tor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One SOCKS5 CONNECT through the client tor to the onion (name sent as ATYP 3, resolved by Tor),
 * with its own user name so that it shares no circuit with the streams of the tests. Hand-written
 * for the same reason as {@link ControlLink}: the fixture must not rely on the connector under
 * test.
 */
final class SocksProbe {
  private SocksProbe() {}

  /** Tor's SOCKS reply code for a CONNECT to {@code host:port}: 0 once the service answered. */
  static int connect(int socksPort, String host, int port, int timeoutMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), socksPort), 2000);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(new byte[] {5, 1, 2}); // username/password only: an isolated circuit
      out.flush();
      if (in.readByte() != 5 || in.readByte() != 2) {
        throw new IOException("client tor refused SOCKS username authentication");
      }
      byte[] user = "onionmx-fixture-probe".getBytes(StandardCharsets.US_ASCII);
      out.write(1);
      out.write(user.length);
      out.write(user);
      out.write(1);
      out.write('x');
      out.flush();
      if (in.readByte() != 1 || in.readByte() != 0) {
        throw new IOException("client tor refused the SOCKS credentials");
      }
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      out.write(new byte[] {5, 1, 0, 3, (byte) name.length});
      out.write(name);
      out.write(port >> 8);
      out.write(port & 0xFF);
      out.flush();
      in.readByte();
      return in.readByte() & 0xFF;
    }
  }
}
