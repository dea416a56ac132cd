package org.onionmx.tor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.tor.TorProcessException.Kind;

/** Finds the {@code tor} executable a {@link TorProcess} runs. */
final class TorBinary {
  /** Where Debian and most distributions put it, for a {@code PATH} without it. */
  static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/bin/tor"), Path.of("/usr/sbin/tor"));

  private TorBinary() {}

  /** {@code tor} on {@code PATH}, else in {@link #USUAL_PLACES}. */
  static Path find() throws TorProcessException {
    return find(System.getenv("PATH"), USUAL_PLACES);
  }

  /**
   * The first executable file named {@code tor} in the directories of {@code pathVariable}, else
   * among {@code fallbacks}.
   *
   * @throws TorProcessException of kind {@link Kind#NO_BINARY} if there is none
   */
  static Path find(String pathVariable, List<Path> fallbacks) throws TorProcessException {
    List<Path> candidates = new ArrayList<>();
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "tor"));
        }
      }
    }
    candidates.addAll(fallbacks);
    for (Path p : candidates) {
      if (runnable(p)) {
        return p;
      }
    }
    throw new TorProcessException(
        Kind.NO_BINARY,
        "no tor on PATH or in " + fallbacks + " (Debian: apt-get install tor);"
            + " or set TorProcess.Builder.binary",
        "",
        null);
  }

  /**
   * {@code tor} itself, if it is an executable file.
   *
   * @throws TorProcessException of kind {@link Kind#NO_BINARY} if it is not
   */
  static Path check(Path tor) throws TorProcessException {
    if (!runnable(tor)) {
      throw new TorProcessException(
          Kind.NO_BINARY,
          tor + " is not an executable file (Debian: apt-get install tor)",
          "",
          null);
    }
    return tor;
  }

  private static boolean runnable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
