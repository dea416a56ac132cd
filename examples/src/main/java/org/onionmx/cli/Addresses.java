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

  /** Parses {@code IP:PORT} without any name look-up. */
  static final class IpPortConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        DnsServer parsed = DnsServer.parse(value);
        boolean hasPort =
            value.startsWith("[")
                ? value.contains("]:")
                : value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':');
        if (parsed.tcp() || !hasPort) {
          throw new IllegalArgumentException("give IP:PORT, such as 127.0.0.1:23000");
        }
        return parsed.address();
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(value + ": " + e.getMessage());
      }
    }
  }
}
