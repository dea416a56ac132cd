package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Whatever escapes a command is one line on stderr and exit code 3, never a trace and exit 1. */
class UnexpectedFailureTest {
  /** A command that fails the way the named failure says. */
  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    @CommandLine.Parameters String how;

    @Override
    public Integer call() {
      switch (how) {
        case "stack" -> {
          return recurse(0);
        }
        case "oom" -> throw new OutOfMemoryError("Java heap space");
        case "runtime" -> throw new IllegalStateException("first line\nforged line");
        default -> throw new AssertionError(how);
      }
    }

    private static int recurse(int depth) {
      return recurse(depth + 1) + 1;
    }
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err);
    OnionMxCommand top = new OnionMxCommand();
    CommandLine cli = OnionMxCommand.commandLine(top, new PrintWriter(out), errWriter);
    cli.addSubcommand(new Failing());
    int exit = OnionMxCommand.execute(cli, top, args, errWriter);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void stackOverflowIsOneLineAndExitThree() {
    Run run = run("fail", "stack");
    assertEquals(3, run.exit(), run.err());
    assertEquals("onionmx: internal error: java.lang.StackOverflowError\n", run.err());
  }

  @Test
  void outOfMemoryIsOneLineAndExitThree() {
    Run run = run("fail", "oom");
    assertEquals(3, run.exit(), run.err());
    assertEquals(
        "onionmx: internal error: java.lang.OutOfMemoryError: Java heap space\n", run.err());
  }

  @Test
  void unexpectedExceptionIsOneEscapedLineAndExitThree() {
    Run run = run("fail", "runtime");
    assertEquals(3, run.exit(), run.err());
    assertEquals("onionmx: first line\\nforged line\n", run.err());
  }

  @Test
  void verboseAddsTheStackTrace() {
    Run run = run("--verbose", "fail", "oom");
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().startsWith("onionmx: internal error: java.lang.OutOfMemoryError"));
    assertTrue(run.err().contains("\tat org.onionmx.cli.UnexpectedFailureTest"), run.err());
  }

  @Test
  void withoutVerboseThereIsNoStackTrace() {
    Run run = run("fail", "stack");
    assertFalse(run.err().contains("\tat "), run.err());
  }
}
