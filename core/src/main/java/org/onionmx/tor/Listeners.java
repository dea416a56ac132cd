package org.onionmx.tor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.internal.HostPort;

/**
 * Parses a {@code net/listeners/*} value: quoted, space-separated {@code "127.0.0.1:9050"}, {@code
 * "[::1]:9050"} or {@code "unix:/path"} entries. Only IP literals are accepted, so parsing never
 * looks a name up.
 */
final class Listeners {
  private Listeners() {}

  /**
   * The IP listeners, in order; Unix sockets left out.
   *
   * @throws IllegalArgumentException if an entry is neither
   */
  static List<InetSocketAddress> parse(String value) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String entry : value.trim().split("\\s+")) {
      String e =
          entry.startsWith("\"") && entry.endsWith("\"") && entry.length() >= 2
              ? entry.substring(1, entry.length() - 1)
              : entry;
      if (e.isEmpty() || e.startsWith("unix:")) {
        continue;
      }
      try {
        out.add(HostPort.parse(e));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(
            "listener '" + e + "' is not an IP address and port: " + x.getMessage(), x);
      }
    }
    return List.copyOf(out);
  }
}
