package org.onionmx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.onionmx.internal.HostPort;
import org.onionmx.postfix.TcpTableServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code onionmx postfix-table}: serves onion routes to Postfix as a tcp_table(5) transport map,
 * until the process is stopped.
 */
@Command(
    name = "postfix-table",
    description = {
      "Serve onion routes to Postfix as a tcp_table transport map (a drop-in for onionrouter).",
      "main.cf: transport_maps = tcp:127.0.0.1:23000"
    },
    sortOptions = false)
final class PostfixTableCommand implements Callable<Integer> {
  @Option(
      names = "--listen",
      paramLabel = "IP:PORT",
      converter = Addresses.IpPortConverter.class,
      description = "Address to listen on (default: 127.0.0.1:23000).")
  InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 23000);

  @Option(
      names = "--own-domain",
      paramLabel = "DOMAIN",
      converter = OptionValues.Domain.class,
      description =
          "A domain of this server: answered '200 :' (the default transport). Repeatable.")
  List<String> ownDomains = new ArrayList<>();

  @Option(
      names = "--transport",
      paramLabel = "NAME",
      converter = OptionValues.TransportName.class,
      description = "Postfix transport named in routes (default: ${DEFAULT-VALUE}).")
  String transport = "smtptor";

  @Option(
      names = "--max-clients",
      paramLabel = "N",
      converter = OptionValues.PositiveCount.class,
      description =
          "Most client connections (and worker threads) at once; one more gets '400 too many"
              + " clients' (default: ${DEFAULT-VALUE}).")
  int maxClients = 256;

  @Option(
      names = "--idle-timeout",
      paramLabel = "SECONDS",
      converter = OptionValues.PositiveWholeSeconds.class,
      description =
          "A client must send each whole request line within this time, counted from the"
              + " connection or the previous reply, or is closed (default: ${DEFAULT-VALUE}).")
  long idleTimeoutSeconds = 300;

  @Mixin ResolverOptions resolverOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    TcpTableServer.Builder builder =
        TcpTableServer.newBuilder()
            .listen(listen)
            .resolver(resolverOptions.builder().ownDomains(ownDomains).build())
            .transport(transport)
            .maxClients(maxClients)
            .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
    if (!listen.getAddress().isLoopbackAddress()) {
      err.println(
          "onionmx: warning: listening on "
              + HostPort.format(listen)
              + ": any host that can reach this address can query the map (tcp_table has no"
              + " authentication) and learn which domains are pinned; prefer 127.0.0.1 or a"
              + " firewall");
      err.flush();
    }
    TcpTableServer server;
    try {
      server = builder.start();
    } catch (IOException e) {
      throw new IOException(HostPort.format(listen) + ": " + reason(e), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (IOException e) {
                    // exiting anyway
                  }
                  stopped.countDown();
                }));
    InetSocketAddress bound = server.address();
    err.println(
        "onionmx: tcp_table listening on "
            + HostPort.format(bound)
            + " (main.cf: transport_maps = tcp:"
            + HostPort.format(bound)
            + ")");
    err.flush();
    stopped.await();
    return OnionMxCommand.OK;
  }

  /** "address already in use", from the JDK's "Address already in use" or its class name. */
  private static String reason(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    m = m.replaceFirst(" \\(Bind failed\\)$", "");
    return Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }
}
