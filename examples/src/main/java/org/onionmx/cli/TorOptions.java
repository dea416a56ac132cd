package org.onionmx.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.TlsMode;
import org.onionmx.tor.TorSocksConnector;
import picocli.CommandLine.Option;

/** Where the local Tor listens and how the onion hop is secured. */
final class TorOptions {
  @Option(
      names = "--socks",
      paramLabel = "IP:PORT",
      converter = Addresses.LocalIpPortConverter.class,
      description = "Tor's SocksPort, IP:PORT or localhost:PORT (default: 127.0.0.1:9050).")
  InetSocketAddress socks;

  @Option(
      names = "--tls",
      paramLabel = "MODE",
      description = "STARTTLS on the onion hop: off (default), opportunistic, required.")
  TlsMode tls = TlsMode.OFF;

  @Option(
      names = "--socks-timeout",
      paramLabel = "SECONDS",
      converter = OptionValues.PositiveWholeSeconds.class,
      description = "How long Tor may take to open a stream (default: ${DEFAULT-VALUE}).")
  long socksTimeoutSeconds = TorSocksConnector.DEFAULT_SOCKS_TIMEOUT.toSeconds();

  /** A mailer through this Tor. */
  OnionMailer mailer() {
    TorSocksConnector.Builder connector =
        TorSocksConnector.newBuilder().socksTimeout(Duration.ofSeconds(socksTimeoutSeconds));
    if (socks != null) {
      connector.proxy(socks.getAddress(), socks.getPort());
    }
    return OnionMailer.newBuilder().streamOpener(connector.build()).tls(tls).build();
  }
}
