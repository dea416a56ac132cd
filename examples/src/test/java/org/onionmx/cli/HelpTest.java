package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and sub-command explains itself: --help, -h, -V, its exit codes, `help PATH`. */
class HelpTest {
  /** Every command path of the tool, from the command line's own tree: none can be forgotten. */
  private static List<List<String>> commandPaths() {
    StringWriter sink = new StringWriter();
    CommandLine cli =
        OnionMxCommand.commandLine(
            new OnionMxCommand(), new PrintWriter(sink), new PrintWriter(sink));
    List<List<String>> paths = new ArrayList<>();
    collect(cli, new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                collect(sub, deeper, into);
              }
            });
  }

  private static String[] args(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void everyCommandAnswersHelpWithItsExitCodes() {
    List<List<String>> paths = commandPaths();
    assertTrue(paths.size() >= 10, paths.toString()); // the tool, 6 commands, 3 sub-commands
    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        ResolveCommandTest.Run r = run(args(path, flag));
        String name = String.join(" ", path);
        assertEquals(0, r.exit(), name + " " + flag + ": " + r.err());
        assertTrue(
            r.out().startsWith("Usage: onionmx" + (path.isEmpty() ? "" : " " + name)), r.out());
        assertTrue(r.out().contains("Exit codes:"), name + ":\n" + r.out());
        assertTrue(r.out().contains(" 3   "), name + ":\n" + r.out());
      }
    }
  }

  @Test
  void helpWalksDownToSubCommands() {
    ResolveCommandTest.Run r = run("help", "map", "check");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("Usage: onionmx map check"), r.out());
    assertTrue(r.out().contains("--strict"), r.out());

    ResolveCommandTest.Run unknown = run("help", "map", "nope");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("commands of map: check, export"), unknown.err());
  }

  @Test
  void everyCommandAnswersVersion() {
    for (List<String> path : commandPaths()) {
      ResolveCommandTest.Run r = run(args(path, "--version"));
      assertEquals(0, r.exit(), path + ": " + r.err());
      assertTrue(r.out().startsWith("onionmx "), r.out());
    }
  }

  @Test
  void aUsageErrorPointsAtTheHelpOfTheCommandAtHand() {
    ResolveCommandTest.Run r = run("map", "check", "--strictt", "x.yml");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Try 'onionmx map check --help'"), r.err());
  }
}
