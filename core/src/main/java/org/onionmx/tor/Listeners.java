package org.onionmx.tor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses a {@code net/listeners/*} value: quoted, space-separated {@code "127.0.0.1:9050"}, {@code
 * "[::1]:9050"} or {@code "unix:/path"} entries. Only IP literals are accepted, so parsing never
 * looks a name up.
 */
final class Listeners {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

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
      int colon = e.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("listener '" + e + "' has no port");
      }
      String host = e.substring(0, colon);
      int port;
      try {
        port = Integer.parseInt(e.substring(colon + 1));
      } catch (NumberFormatException x) {
        throw new IllegalArgumentException("listener '" + e + "' has a bad port", x);
      }
      boolean v6 = host.startsWith("[") && host.endsWith("]");
      if (v6) {
        host = host.substring(1, host.length() - 1);
      }
      if (!(v6 ? IPV6 : IPV4).matcher(host).matches() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("listener '" + e + "' is not an IP address and port");
      }
      try {
        out.add(new InetSocketAddress(InetAddress.getByName(host), port)); // a literal: no look-up
      } catch (UnknownHostException x) {
        throw new IllegalArgumentException("listener '" + e + "' is not an IP address", x);
      }
    }
    return List.copyOf(out);
  }
}
