package org.onionmx.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
      description =
          "A domain of this server: answered '200 :' (the default transport). Repeatable.")
  List<String> ownDomains = new ArrayList<>();

  @Option(
      names = "--transport",
      paramLabel = "NAME",
      description = "Postfix transport named in routes (default: ${DEFAULT-VALUE}).")
  String transport = "smtptor";

  @Option(
      names = "--max-clients",
      paramLabel = "N",
      description = "Most client connections at once (default: ${DEFAULT-VALUE}).")
  int maxClients = 256;

  @Mixin ResolverOptions resolverOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TcpTableServer server =
        TcpTableServer.newBuilder()
            .listen(listen)
            .resolver(resolverOptions.builder().ownDomains(ownDomains).build())
            .transport(transport)
            .maxClients(maxClients)
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (java.io.IOException e) {
                    // exiting anyway
                  }
                  stopped.countDown();
                }));
    PrintWriter err = spec.commandLine().getErr();
    InetSocketAddress bound = server.address();
    err.println(
        "onionmx: tcp_table listening on "
            + Addresses.format(bound)
            + " (main.cf: transport_maps = tcp:"
            + Addresses.format(bound)
            + ")");
    err.flush();
    stopped.await();
    return OnionMxCommand.OK;
  }
}
