package org.onionmx.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The resolver's options, shared by every command that resolves domains. */
final class ResolverOptions {
  @Option(
      names = "--map",
      paramLabel = "FILE",
      description =
          "Pinned map in YAML or Postfix form; repeat to merge several. 'bundled' (the default) is"
              + " the public onionmx map, 'none' pins nothing.")
  List<String> maps = new ArrayList<>();

  @Option(names = "--no-srv", description = "Do not look up _onion-mx._tcp SRV records.")
  boolean noSrv;

  @Option(
      names = "--dns",
      paramLabel = "IP[:PORT][/tcp]",
      converter = DnsServerConverter.class,
      description = "DNS server for SRV look-ups (an IP address, never a name); repeatable."
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
      description = "Per-query DNS timeout in seconds (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds = 5;

  /** The resolver these options describe. */
  OnionResolver build() throws IOException, MapException {
    return builder().build();
  }

  /** A resolver builder set up as these options describe, for commands that add to it. */
  OnionResolver.Builder builder() throws IOException, MapException {
    OnionResolver.Builder builder =
        OnionResolver.newBuilder()
            .map(loadMap())
            .srv(!noSrv)
            .dnssec(dnssec)
            .timeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
    if (!dnsServers.isEmpty()) {
      builder.dnsServers(dnsServers);
    }
    return builder;
  }

  /** The merged map the options name. */
  OnionMap loadMap() throws IOException, MapException {
    if (maps.isEmpty()) {
      return OnionMap.bundled();
    }
    OnionMap merged = OnionMap.empty();
    List<Path> files = new ArrayList<>();
    for (String map : maps) {
      switch (map) {
        case "bundled" -> merged = merged.merge(OnionMap.bundled());
        case "none" -> {}
        default -> files.add(Path.of(map));
      }
    }
    return files.isEmpty() ? merged : merged.merge(OnionMap.load(files));
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
