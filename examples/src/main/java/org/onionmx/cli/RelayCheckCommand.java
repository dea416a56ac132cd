package org.onionmx.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.RelayProbe;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code onionmx relay-check ONION|DOMAIN}: asks each onion MX, through Tor, whether it relays for
 * a foreign domain (MAIL FROM, RCPT TO a foreign address, RSET, QUIT; never DATA) and prints the
 * verdict with the server's replies.
 *
 * <p>Exit code: 0 when every onion MX refuses to relay, 1 when one is an open relay, 3 when a
 * verdict could not be had (unreachable, temporary answers) or the domain has no onion route.
 */
@Command(
    name = "relay-check",
    description = {
      "Check, through Tor, that an onion MX refuses to relay for foreign domains.",
      "Sends MAIL FROM and RCPT TO a foreign address, then RSET and QUIT: never DATA."
    },
    sortOptions = false)
final class RelayCheckCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "ONION|DOMAIN",
      description = "An onion address (host[:port]) or a mail domain whose onion MX to check.")
  String what;

  @Option(
      names = "--from",
      paramLabel = "ADDRESS",
      converter = SendCommand.AddressConverter.class,
      description = "The probe's sender (default: ${DEFAULT-VALUE}).")
  String from = "relay-check@example.org";

  @Option(
      names = "--foreign",
      paramLabel = "ADDRESS",
      converter = SendCommand.AddressConverter.class,
      description =
          "A recipient at a domain the onion MX must not accept (default: ${DEFAULT-VALUE}).")
  String foreign = "relay-check@example.net";

  @Mixin ResolverOptions resolverOptions;

  @Mixin TorOptions torOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String domain;
    List<OnionTarget> targets;
    if (OnionAddress.isOnionName(what.replaceAll(":\\d+$", ""))) {
      OnionTarget target = OnionTarget.parse(what);
      targets = List.of(target);
      domain = target.onion().hostname();
    } else {
      Resolution resolution = resolverOptions.build().resolve(what);
      if (!(resolution instanceof Resolution.Routed routed)) {
        String detail =
            resolution instanceof Resolution.NoOnionRoute none
                ? none.detail()
                : ((Resolution.CouldNotTell) resolution).detail();
        out.println(Escape.field(what) + "\t-\tno verdict: " + Escape.field(detail));
        return OnionMxCommand.LOOKUP_ERROR;
      }
      targets = routed.targets();
      domain = routed.domain();
    }
    int exit = OnionMxCommand.OK;
    try (OnionMailer mailer = torOptions.mailer()) {
      for (OnionTarget target : targets) {
        RelayProbe probe = mailer.probeRelay(domain, target, from, foreign);
        out.println(
            target
                + "\t"
                + probe.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + "\t"
                + Escape.field(probe.detail()));
        for (String line : probe.transcript()) {
          out.println("  " + Escape.field(line));
        }
        int code =
            switch (probe.verdict()) {
              case REFUSES_RELAY -> OnionMxCommand.OK;
              case OPEN_RELAY -> OnionMxCommand.NO_ROUTE;
              case INCONCLUSIVE, UNREACHABLE -> OnionMxCommand.LOOKUP_ERROR;
            };
        exit =
            exit == OnionMxCommand.NO_ROUTE || code == OnionMxCommand.NO_ROUTE
                ? OnionMxCommand.NO_ROUTE
                : Math.max(exit, code);
      }
    }
    return exit;
  }
}
