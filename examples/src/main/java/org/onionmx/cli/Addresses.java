package org.onionmx.cli;

import java.net.InetSocketAddress;
import org.onionmx.internal.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** IP:PORT options, read without any name look-up ({@link HostPort}). */
final class Addresses {
  private Addresses() {}

  /** Parses {@code IP:PORT} without any name look-up; errors name the value and the reason. */
  static final class IpPortConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return HostPort.parse(value.strip());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + Escape.field(value) + "' is not IP:PORT: " + e.getMessage());
      }
    }
  }
}
