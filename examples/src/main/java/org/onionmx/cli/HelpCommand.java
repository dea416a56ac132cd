package org.onionmx.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code onionmx help [COMMAND [SUB-COMMAND]]}: the help of any command, however deep. Picocli's
 * own {@code HelpCommand} looks only one level down, so {@code help map check} showed the help of
 * {@code map} and hid {@code --strict}.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command: help [COMMAND [SUB-COMMAND]].")
final class HelpCommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, as typed.")
  List<String> path = new ArrayList<>();

  private CommandLine self;
  private CommandLine.Help.ColorScheme colors;
  private PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine,
      CommandLine.Help.ColorScheme colorScheme,
      PrintWriter outWriter,
      PrintWriter errWriter) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = outWriter;
  }

  @Override
  public void run() {
    CommandLine target = self.getParent();
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(
            self,
            "Unknown command: '"
                + Escape.field(name)
                + "' (commands of "
                + target.getCommandName()
                + ": "
                + String.join(", ", target.getSubcommands().keySet())
                + ")");
      }
      target = next;
    }
    target.usage(out, colors);
  }
}
