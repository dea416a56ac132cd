package org.onionmx.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.onionmx.internal.HostPort;
import org.onionmx.tor.BootstrapStatus;
import org.onionmx.tor.TorControl;
import org.onionmx.tor.TorControlException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code onionmx tor status}: what the local Tor says about itself, through its control port. */
@Command(
    name = "tor",
    description = "Ask the local Tor through its control port.",
    subcommands = {TorCommand.Status.class})
final class TorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing a command: status");
  }

  /**
   * Prints Tor's version, bootstrap state and SOCKS listeners, and warns about SocksPorts without
   * {@code ExtendedErrors}. Exit code 0 when Tor is bootstrapped, 3 otherwise.
   */
  @Command(
      name = "status",
      description = "Bootstrap, SOCKS listeners, ExtendedErrors; waits with --wait.",
      sortOptions = false)
  static final class Status implements Callable<Integer> {
    @Option(
        names = "--control",
        paramLabel = "IP:PORT",
        converter = Addresses.LocalIpPortConverter.class,
        description = "Tor's ControlPort, IP:PORT or localhost:PORT (default: 127.0.0.1:9051).")
    InetSocketAddress control;

    @Option(
        names = "--cookie",
        paramLabel = "FILE",
        description = "Authenticate with this cookie file (Debian: /run/tor/control.authcookie).")
    Path cookie;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description =
            "Authenticate with the password in this environment variable (never on the command"
                + " line, where other users can read it).")
    String passwordVariable;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        converter = OptionValues.PositiveWholeSeconds.class,
        description = "Wait up to this long for Tor to bootstrap, showing progress.")
    long waitSeconds;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TorControl.Builder builder = TorControl.newBuilder();
      if (control != null) {
        builder.address(control.getAddress(), control.getPort());
      }
      if (cookie != null) {
        builder.cookieFile(cookie);
      }
      if (passwordVariable != null) {
        String password = System.getenv(passwordVariable);
        if (password == null) {
          throw new IllegalArgumentException(
              "environment variable " + passwordVariable + " is not set");
        }
        builder.password(password);
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (TorControl tor = builder.connect()) {
        out.println("tor\t" + Escape.field(tor.version()) + " at " + tor.address());
        BootstrapStatus status;
        if (waitSeconds > 0) {
          boolean terminal = System.console() != null;
          try {
            status =
                tor.waitForBootstrap(
                    Duration.ofSeconds(waitSeconds),
                    s -> {
                      if (terminal) {
                        err.print("\rbootstrap " + s.progress() + "% " + s.summary() + "   ");
                        err.flush();
                      }
                    });
          } catch (TorControlException e) {
            if (e.kind() != TorControlException.Kind.NOT_BOOTSTRAPPED) {
              throw e;
            }
            status = tor.bootstrapStatus();
          } finally {
            if (terminal) {
              err.println();
            }
          }
        } else {
          status = tor.bootstrapStatus();
        }
        out.println("bootstrap\t" + Escape.field(status.toString()));
        List<InetSocketAddress> listeners = tor.socksListeners();
        out.println(
            "socks\t"
                + (listeners.isEmpty()
                    ? "none: Tor has no SocksPort, nothing can be delivered"
                    : String.join(",", listeners.stream().map(HostPort::format).toList())));
        for (String port : tor.socksPortsWithoutExtendedErrors()) {
          out.println(
              "warning\tSocksPort "
                  + Escape.field(port)
                  + " lacks ExtendedErrors: onion failures will read as general errors");
        }
        return status.done() ? OnionMxCommand.OK : OnionMxCommand.LOOKUP_ERROR;
      }
    }
  }
}
