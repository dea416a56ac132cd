package org.onionmx.testing.tor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free ports for the Tor fixture; binaries and tool runs are {@link org.onionmx.testing.Processes}.
 */
final class Tools {
  private Tools() {}

  /** {@code n} distinct TCP ports free on 127.0.0.1 right now (all held open while choosing). */
  static int[] freePorts(int n) throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(lo, 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
