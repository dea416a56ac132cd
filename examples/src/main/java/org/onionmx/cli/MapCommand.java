package org.onionmx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.onionmx.resolve.InvalidOnionAddressException;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code onionmx map check|export}: validate and convert onion maps. */
@Command(
    name = "map",
    description = "Check and export onion maps (onionmx YAML or Postfix transport form).",
    subcommands = {MapCommand.Check.class, MapCommand.Export.class})
final class MapCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing a command: check or export");
  }

  /**
   * {@code map check FILE...}: prints every problem as {@code file:line: message}, then a summary.
   * Syntax errors, conflicts and mistyped onions (bad checksum, length or alphabet) are errors; v2
   * entries and keys repeated in one YAML file are warnings (the public map still lists v2
   * entries), unless {@code --strict}.
   */
  @Command(name = "check", description = "Validate maps: syntax, v3 checksums, v2, conflicts.")
  static final class Check implements Callable<Integer> {
    @Option(
        names = "--strict",
        description =
            "Treat v2 entries, repeated YAML keys, and with --against-dns disagreements, as errors"
                + " too.")
    boolean strict;

    @Option(
        names = "--against-dns",
        description = "Compare each entry with the domain's live _onion-mx._tcp SRV record.")
    boolean againstDns;

    @Mixin DnsOptions dns;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Map files; merged in order.")
    List<Path> files;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      int errors = 0;
      int warnings = 0;
      OnionMap merged = OnionMap.empty();
      for (Path file : files) {
        OnionMap map;
        try {
          map = OnionMap.load(file);
        } catch (MapException e) {
          for (MapException.Problem problem : e.problems()) {
            out.println("error: " + Escape.field(problem.toString()));
          }
          errors += e.problems().size();
          continue;
        }
        for (OnionMap.DeadEntry dead : map.deadEntries()) {
          boolean error = strict || dead.reason() != InvalidOnionAddressException.Reason.V2;
          out.println(
              (error ? "error: " : "warning: ")
                  + Escape.field(dead.source())
                  + (dead.line() > 0 ? ":" + dead.line() : "")
                  + ": "
                  + Escape.field(dead.onion())
                  + " is never routed ("
                  + dead.reason().text()
                  + "); domains: "
                  + (dead.domains().isEmpty()
                      ? "none"
                      : Escape.field(String.join(", ", dead.domains()))));
          if (error) {
            errors++;
          } else {
            warnings++;
          }
        }
        for (OnionMap.DuplicateKey duplicate : map.duplicateKeys()) {
          out.println((strict ? "error: " : "warning: ") + Escape.field(duplicate.toString()));
          if (strict) {
            errors++;
          } else {
            warnings++;
          }
        }
        try {
          merged = merged.merge(map);
        } catch (MapException e) {
          for (MapException.Problem problem : e.problems()) {
            out.println("error: " + Escape.field(problem.toString()));
          }
          errors += e.problems().size();
        }
      }
      Set<OnionTarget> onions = new HashSet<>(merged.entries().values());
      out.printf(
          "%d domain%s routed over %d onion service%s; %d error%s, %d warning%s%n",
          merged.size(),
          merged.size() == 1 ? "" : "s",
          onions.size(),
          onions.size() == 1 ? "" : "s",
          errors,
          errors == 1 ? "" : "s",
          warnings,
          warnings == 1 ? "" : "s");
      if (againstDns && !merged.entries().isEmpty()) {
        DnsComparison comparison = DnsComparison.run(merged, dns, out, spec.commandLine().getErr());
        errors += strict ? comparison.disagreements() : 0;
        out.printf(
            "against DNS: %d agree, %d disagree, %d without SRV, %d could not tell%n",
            comparison.agreements(),
            comparison.disagreements(),
            comparison.withoutSrv(),
            comparison.failures());
        if (errors == 0 && comparison.failures() > 0) {
          return OnionMxCommand.LOOKUP_ERROR;
        }
      }
      return errors == 0 ? OnionMxCommand.OK : OnionMxCommand.NO_ROUTE;
    }
  }

  /** {@code map export --format postfix|yaml FILE...}: the merged map in either form. */
  @Command(
      name = "export",
      description = "Print the merged maps as a Postfix transport map or YAML.")
  static final class Export implements Callable<Integer> {
    enum Format {
      POSTFIX,
      YAML
    }

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "postfix (sorted, grouped by onion) or yaml.")
    Format format;

    @Parameters(
        paramLabel = "FILE",
        arity = "1..*",
        description = "Map files, merged in order; 'bundled' is the public map.")
    List<String> files;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException, MapException {
      OnionMap merged = OnionMap.empty();
      List<Path> paths = new ArrayList<>();
      for (String file : files) {
        if (file.equals("bundled")) {
          merged = merged.merge(OnionMap.bundled());
        } else {
          paths.add(Path.of(file));
        }
      }
      if (!paths.isEmpty()) {
        merged = merged.merge(OnionMap.load(paths));
      }
      spec.commandLine()
          .getOut()
          .print(format == Format.POSTFIX ? MapWriter.postfix(merged) : MapWriter.yaml(merged));
      return OnionMxCommand.OK;
    }
  }
}
