package org.onionmx.cli;

import java.net.InetSocketAddress;
import org.onionmx.resolve.DnsServer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** IP:PORT options and output, without any name look-up. */
final class Addresses {
  private Addresses() {}

  /** {@code 127.0.0.1:9050} or {@code [::1]:9050}. */
  static String format(InetSocketAddress address) {
    String ip = address.getAddress().getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
  }

  /**
   * Parses {@code IP:PORT} without any name look-up. Errors name the value and the reason in terms
   * of IP:PORT (the IP literal check is {@link DnsServer#parse}'s, whose own wording is about DNS
   * servers and is not shown).
   */
  static final class IpPortConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      String v = value.strip();
      boolean hasPort =
          v.startsWith("[")
              ? v.contains("]:")
              : v.indexOf(':') > 0 && v.indexOf(':') == v.lastIndexOf(':');
      if (v.contains("/") || !hasPort) {
        return bad(value, "give IP:PORT, such as 127.0.0.1:23000 or [::1]:23000");
      }
      try {
        return DnsServer.parse(v).address();
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        int reason = message.lastIndexOf("': ");
        return bad(value, reason >= 0 ? message.substring(reason + 3) : "not an IP address");
      }
    }

    private static InetSocketAddress bad(String value, String reason) {
      throw new TypeConversionException("'" + Escape.field(value) + "' is not IP:PORT: " + reason);
    }
  }
}
