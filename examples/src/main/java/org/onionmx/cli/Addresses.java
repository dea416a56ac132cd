package org.onionmx.cli;

import java.net.InetAddress;
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

  /**
   * {@code IP:PORT}, or {@code localhost:PORT} for the loopback address, without any name look-up:
   * for the local Tor's ports, where {@code localhost} is what people type. A listening address
   * stays {@link IpPortConverter}'s, so what is bound is never in doubt.
   */
  static final class LocalIpPortConverter implements ITypeConverter<InetSocketAddress> {
    private static final String LOCALHOST = "localhost:";

    @Override
    public InetSocketAddress convert(String value) {
      String v = value.strip();
      if (!v.regionMatches(true, 0, LOCALHOST, 0, LOCALHOST.length())) {
        return new IpPortConverter().convert(value);
      }
      try {
        return new InetSocketAddress(
            InetAddress.getLoopbackAddress(), HostPort.parsePort(v.substring(LOCALHOST.length())));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + Escape.field(value) + "' is not localhost:PORT: " + e.getMessage());
      }
    }
  }
}
