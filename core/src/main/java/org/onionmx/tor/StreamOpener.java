package org.onionmx.tor;

import java.io.IOException;
import java.net.Socket;

/**
 * Opens a TCP stream to a host through Tor. The seam between delivery and the SOCKS connector;
 * tests may supply their own.
 *
 * <p>Implementations must never resolve {@code host} locally and must be safe for concurrent use.
 */
@FunctionalInterface
public interface StreamOpener {
  /**
   * Opens a connected stream to {@code host:port}.
   *
   * @param host a host name, typically an onion name; handed to Tor as a name, never resolved here
   * @param port the destination port
   * @param isolationKey streams with different keys must not share a Tor circuit; null for none
   * @return a connected socket, ready for the application protocol
   * @throws TorSocksException if Tor refused or failed the connection, with its reply code
   * @throws IOException on any other I/O failure
   */
  Socket open(String host, int port, String isolationKey) throws IOException;
}
