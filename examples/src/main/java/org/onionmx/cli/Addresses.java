package org.onionmx.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.onionmx.internal.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** IP:PORT options, read without any name look-up ({@link HostPort}). */
final class Addresses {
  private Addresses() {}

  /**
   * Parses {@code IP:PORT}, or {@code localhost:PORT} for the loopback address, without any name
   * look-up; errors name the value and the reason.
   */
  static final class IpPortConverter implements ITypeConverter<InetSocketAddress> {
    private static final String LOCALHOST = "localhost:";

    @Override
    public InetSocketAddress convert(String value) {
      String v = value.strip();
      try {
        if (v.regionMatches(true, 0, LOCALHOST, 0, LOCALHOST.length())) {
          return new InetSocketAddress(
              InetAddress.getLoopbackAddress(),
              HostPort.parsePort(v.substring(LOCALHOST.length())));
        }
        return HostPort.parse(v);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + Escape.field(value) + "' is not IP:PORT: " + e.getMessage());
      }
    }
  }
}
