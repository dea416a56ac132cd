package org.onionmx.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * External programs for the fixtures that start Debian daemons (Knot, Tor): finding a binary,
 * running a short-lived tool, and cleaning up its directory.
 */
public final class Processes {
  private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

  private Processes() {}

  /**
   * The absolute path of an executable on {@code PATH} or in the sbin directories (Debian puts
   * daemons such as {@code knotd} and {@code tor} there, off a normal user's {@code PATH}).
   *
   * @throws IllegalStateException if there is none
   */
  public static String binary(String name, String installHint) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(SBIN);
    for (String d : dirs) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        name + " is not installed (" + installHint + "); looked in " + dirs);
  }

  /** Runs a tool to completion in {@code dir}, feeding it {@code stdin} (or nothing). */
  public static String run(Path dir, String stdin, String... command) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
    }
    Process p = pb.start();
    if (stdin != null) {
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command[0], e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed with status " + p.exitValue() + ": " + out);
    }
    return out;
  }

  /** The null device, to give a tool an empty standard input. */
  public static File nullFile() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }

  /** Deletes a directory tree; files a process is still writing may need a second pass. */
  public static void deleteTree(Path root) {
    for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // a file appeared or vanished while walking: walk again
      }
    }
  }
}
