package org.onionmx.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

  @Mixin DnsOptions dns;

  /** The resolver these options describe. */
  OnionResolver build() throws IOException, MapException {
    return builder().build();
  }

  /** A resolver builder set up as these options describe, for commands that add to it. */
  OnionResolver.Builder builder() throws IOException, MapException {
    OnionResolver.Builder builder = OnionResolver.newBuilder().map(loadMap()).srv(!noSrv);
    return dns.applyTo(builder);
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
}
