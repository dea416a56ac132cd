package org.onionmx.resolve;

import java.io.Serializable;
import java.util.List;

/**
 * An onion map that cannot be used: a syntax error, a line that is not a map entry, an invalid
 * domain, a domain mapped to two different onions, or files too large for this JVM's heap (refused
 * before reading them). {@link #problems()} lists every problem found (up to 100; reading stops
 * after that), each with its source and line.
 *
 * <p>This is a checked exception but not an {@link java.io.IOException}: the file was read, its
 * content is wrong. Invalid or v2 onion <em>names</em> are not problems but {@linkplain
 * OnionMap#deadEntries() dead entries}: reported, never routed.
 */
public final class MapException extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 10;

  /**
   * One problem in a map.
   *
   * @param source the file or source name the problem is in
   * @param line the 1-based line number, or 0 where it is not known
   * @param message what is wrong, in words, naming the offending text
   */
  public record Problem(String source, int line, String message) implements Serializable {
    /** {@code source:line: message}, or {@code source: message} if the line is not known. */
    @Override
    public String toString() {
      return source + (line > 0 ? ":" + line : "") + ": " + message;
    }
  }

  private final List<Problem> problems;

  /**
   * @param problems the problems, at least one
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public MapException(List<Problem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order found; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  private static String describe(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a MapException needs at least one problem");
    }
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder b = new StringBuilder(problems.size() + " problems in the onion map:");
    for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
      b.append("\n  ").append(problems.get(i));
    }
    if (problems.size() > SHOWN) {
      b.append("\n  ... and ").append(problems.size() - SHOWN).append(" more");
    }
    return b.toString();
  }
}
