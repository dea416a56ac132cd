package org.onionmx.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.onionmx.resolve.InvalidDomainException;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code onionmx resolve DOMAIN...}: one line per domain, tab-separated: the domain, its targets in
 * delivery order (or {@code -}), and the source ({@code map}, {@code srv}, {@code srv+dnssec},
 * {@code onion}), {@code none}, or {@code error: <reason>}.
 */
@Command(
    name = "resolve",
    description = "Resolve mail domains to the onion services that take their mail.",
    sortOptions = false)
final class ResolveCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin ResolverOptions resolverOptions;

  @Option(names = "--json", description = "One JSON object per line instead of tab-separated text.")
  boolean json;

  @Parameters(paramLabel = "DOMAIN", arity = "1..*", description = "Mail domains to resolve.")
  List<String> domains;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OnionResolver resolver = resolverOptions.build();
    // All look-ups run at once; lines come out in the order the domains were given.
    List<CompletableFuture<Line>> pending = new ArrayList<>();
    for (String domain : domains) {
      pending.add(lookUp(resolver, domain));
    }
    PrintWriter out = spec.commandLine().getOut();
    int exit = OnionMxCommand.OK;
    for (CompletableFuture<Line> future : pending) {
      Line line = future.join();
      out.println(json ? line.toJson() : line.toText());
      exit = Math.max(exit, line.exitCode());
    }
    return exit;
  }

  private static CompletableFuture<Line> lookUp(OnionResolver resolver, String domain) {
    try {
      return resolver
          .resolveAsync(domain)
          .toCompletableFuture()
          .handle(
              (resolution, failure) ->
                  failure == null
                      ? Line.of(domain, resolution)
                      : Line.error(domain, "resolver failed: " + failure.getMessage()));
    } catch (InvalidDomainException e) {
      return CompletableFuture.completedFuture(Line.error(domain, e.getMessage()));
    }
  }

  /** One output line. */
  record Line(String domain, List<String> targets, String source, String detail, int exitCode) {
    static Line of(String asked, Resolution resolution) {
      if (resolution instanceof Resolution.Routed routed) {
        List<String> targets =
            routed.targets().stream().map(Object::toString).collect(Collectors.toList());
        return new Line(routed.domain(), targets, routed.source().label(), null, OnionMxCommand.OK);
      }
      if (resolution instanceof Resolution.NoOnionRoute none) {
        return new Line(none.domain(), List.of(), "none", none.detail(), OnionMxCommand.NO_ROUTE);
      }
      Resolution.CouldNotTell failed = (Resolution.CouldNotTell) resolution;
      return error(failed.domain(), failed.detail());
    }

    static Line error(String domain, String reason) {
      return new Line(domain, List.of(), "error: " + reason, reason, OnionMxCommand.LOOKUP_ERROR);
    }

    /** Tab-separated; every field escaped, so one domain is always one line of three fields. */
    String toText() {
      return Escape.field(domain)
          + '\t'
          + (targets.isEmpty() ? "-" : Escape.field(String.join(",", targets)))
          + '\t'
          + Escape.field(source);
    }

    String toJson() {
      StringBuilder json = new StringBuilder("{\"domain\":").append(Json.quote(domain));
      json.append(",\"targets\":[");
      for (int i = 0; i < targets.size(); i++) {
        json.append(i == 0 ? "" : ",").append(Json.quote(targets.get(i)));
      }
      json.append("],\"status\":");
      json.append(
          Json.quote(
              exitCode == OnionMxCommand.OK
                  ? "routed"
                  : exitCode == OnionMxCommand.NO_ROUTE ? "no-route" : "error"));
      if (exitCode == OnionMxCommand.OK) {
        json.append(",\"source\":").append(Json.quote(source));
      }
      if (detail != null) {
        json.append(",\"detail\":").append(Json.quote(detail));
      }
      return json.append('}').toString();
    }
  }
}
