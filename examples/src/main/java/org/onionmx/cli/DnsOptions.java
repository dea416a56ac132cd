package org.onionmx.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.TorSocksConnector;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How SRV records are looked up: servers, DNSSEC policy, timeout. */
final class DnsOptions {
  @Option(
      names = "--dns",
      paramLabel = "IP[:PORT][/tcp]",
      converter = DnsServerConverter.class,
      description =
          "DNS server for SRV look-ups (an IP address, never a name); repeatable."
              + " Default: the system's.")
  List<DnsServer> dnsServers = new ArrayList<>();

  @Option(
      names = "--dnssec",
      paramLabel = "POLICY",
      description = "DNSSEC for SRV answers: require, prefer (default) or off.")
  DnssecPolicy dnssec = DnssecPolicy.PREFER;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      converter = OptionValues.PositiveSeconds.class,
      description = "Per-query DNS timeout in seconds, more than 0 (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds = 5;

  @Option(
      names = "--dns-over-tor",
      paramLabel = "IP:PORT",
      arity = "0..1",
      fallbackValue = "127.0.0.1:9050",
      converter = Addresses.IpPortConverter.class,
      description =
          "Send SRV look-ups over Tor (DNS over TCP through this SocksPort, default"
              + " 127.0.0.1:9050) to the --dns servers, which must then be public.")
  InetSocketAddress dnsOverTor;

  /** Sets these options on a resolver builder and returns it. */
  OnionResolver.Builder applyTo(OnionResolver.Builder builder) {
    builder.dnssec(dnssec).timeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
    if (dnsOverTor != null) {
      builder.dnsOverTor(
          TorSocksConnector.newBuilder()
              .proxy(dnsOverTor.getAddress(), dnsOverTor.getPort())
              .build());
    }
    if (!dnsServers.isEmpty()) {
      builder.dnsServers(dnsServers);
    }
    return builder;
  }

  /** Parses {@code --dns} values, so that a bad one is a usage error. */
  static final class DnsServerConverter implements ITypeConverter<DnsServer> {
    @Override
    public DnsServer convert(String value) {
      try {
        return DnsServer.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
