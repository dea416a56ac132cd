package org.onionmx.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code onionmx} command-line tool: resolve mail domains to onion services and check maps.
 *
 * <p>Exit codes are part of the contract: {@value #OK} when every domain is routed or a check
 * passes, {@value #NO_ROUTE} when some domain has no onion route or a check finds problems, {@value
 * #USAGE} on usage errors (a bad option value too), {@value #LOOKUP_ERROR} when a look-up could not
 * tell, a file could not be read, or anything unexpected happened (an {@link Error} included).
 */
@Command(
    name = "onionmx",
    mixinStandardHelpOptions = true,
    versionProvider = OnionMxCommand.Version.class,
    description = "Deliver e-mail over Tor onion services: resolve domains, check and export maps.",
    subcommands = {
      ResolveCommand.class,
      MapCommand.class,
      SendCommand.class,
      RelayCheckCommand.class,
      TorCommand.class,
      PostfixTableCommand.class,
      HelpCommand.class
    })
public final class OnionMxCommand implements Runnable {
  /** Every domain routed, or the check passed. */
  public static final int OK = 0;

  /** Some domain has no onion route, or a check found problems. */
  public static final int NO_ROUTE = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** A look-up could not tell (timeout, SERVFAIL, DNSSEC failure), or a file could not be read. */
  public static final int LOOKUP_ERROR = 3;

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /**
   * Runs the tool with the given streams, for embedding and tests.
   *
   * <p>Never throws: an unexpected exception or {@link Error} (an {@link OutOfMemoryError}, a
   * {@link StackOverflowError}) is one line on {@code err} and exit code {@value #LOOKUP_ERROR}, so
   * that a wrapper retries instead of bouncing; {@code --verbose} adds the stack trace.
   *
   * @return the exit code
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    OnionMxCommand top = new OnionMxCommand();
    return execute(commandLine(top, out, err), top, args, err);
  }

  /** The command line of the tool, with its exit-code contract and error handlers in place. */
  static CommandLine commandLine(OnionMxCommand top, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(top);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> LOOKUP_ERROR);
    cli.getCommandSpec().exitCodeOnUsageHelp(OK);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> unexpected(e, top.verbose, err));
    cli.setParameterExceptionHandler(
        (e, args1) -> {
          err.println("onionmx: " + Escape.field(e.getMessage()));
          err.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for more information.");
          err.flush();
          return USAGE;
        });
    explainEverywhere(cli);
    return cli;
  }

  /**
   * Every command and sub-command answers {@code -h}/{@code --help} and {@code -V}/{@code
   * --version}, and its help ends with its exit codes. Set here once rather than on each
   * annotation, so no command can miss it.
   */
  private static void explainEverywhere(CommandLine cli) {
    CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    if (spec.userObject() instanceof HelpCommand) {
      return;
    }
    if (!spec.mixinStandardHelpOptions()) {
      spec.mixinStandardHelpOptions(true);
    }
    spec.versionProvider(new Version());
    spec.usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(exitCodes(spec.qualifiedName()));
    cli.getSubcommands().values().forEach(OnionMxCommand::explainEverywhere);
  }

  /** What each exit code means for {@code command} (its qualified name). */
  static java.util.Map<String, String> exitCodes(String command) {
    java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
    switch (command) {
      case "onionmx send" -> {
        codes.put(" " + OK, "every recipient was accepted");
        codes.put(" " + NO_ROUTE, "some recipient was rejected, is no address, or has no route");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(" " + LOOKUP_ERROR, "some recipient was deferred or its status is unknown");
      }
      case "onionmx map check", "onionmx map" -> {
        codes.put(" " + OK, "every map is valid");
        codes.put(" " + NO_ROUTE, "a map has errors (warnings too, with --strict)");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(" " + LOOKUP_ERROR, "a file could not be read, or a DNS check could not tell");
      }
      case "onionmx relay-check" -> {
        codes.put(" " + OK, "every onion MX refuses to relay");
        codes.put(" " + NO_ROUTE, "an onion MX relays for a foreign domain");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(
            " " + LOOKUP_ERROR, "unreachable, inconclusive, or the domain has no onion route");
      }
      case "onionmx tor", "onionmx tor status" -> {
        codes.put(" " + OK, "Tor has bootstrapped");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(
            " " + LOOKUP_ERROR,
            "Tor has not bootstrapped, or its control port could not be reached or refused us");
      }
      case "onionmx postfix-table" -> {
        codes.put(" " + OK, "stopped normally");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(" " + LOOKUP_ERROR, "the address could not be bound, or a map could not be read");
      }
      default -> {
        codes.put(" " + OK, "every domain is routed");
        codes.put(" " + NO_ROUTE, "some domain has no onion route");
        codes.put(" " + USAGE, "usage error: a bad option or value");
        codes.put(
            " " + LOOKUP_ERROR,
            "a look-up could not tell, a file could not be read, or an"
                + " unexpected failure (retry; never bounce)");
      }
    }
    return codes;
  }

  /** Executes {@code args} on {@code cli}; whatever escapes the command ends as exit code 3. */
  static int execute(CommandLine cli, OnionMxCommand top, String[] args, PrintWriter err) {
    int code;
    try {
      code = cli.execute(args);
    } catch (Throwable e) { // NOPMD: the exit-code contract covers every failure, Errors too
      code = unexpected(e, top.verbose, err);
    }
    cli.getOut().flush();
    err.flush();
    return code;
  }

  /** One line, never a stack trace unless --verbose; exit code 3 (retry, never bounce). */
  private static int unexpected(Throwable e, boolean verbose, PrintWriter err) {
    try {
      err.println("onionmx: " + describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
    } catch (Throwable ignored) { // NOPMD: out of memory even for the message: the code still holds
      // nothing more can be said
    }
    return LOOKUP_ERROR;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (e instanceof Error) {
      // Errors are never expected: name the class, so "out of memory" is not mistaken for a reason
      return "internal error: "
          + e.getClass().getName()
          + (message == null || message.isBlank() ? "" : ": " + Escape.field(message));
    }
    if (e instanceof FileSystemException file && file.getFile() != null) {
      // the JDK's message is the bare path: name the file and say what is wrong with it
      return Escape.field(file.getFile()) + ": " + fileReason(file);
    }
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : Escape.field(message);
  }

  private static String fileReason(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    String reason = e.getReason();
    return reason == null || reason.isBlank() ? e.getClass().getSimpleName() : Escape.field(reason);
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = OnionMxCommand.class.getPackage().getImplementationVersion();
      return new String[] {"onionmx " + (version == null ? "development" : version)};
    }
  }
}
