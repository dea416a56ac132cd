package org.onionmx.testing;

/** Closing several fixtures at once, for extensions that start more than one. */
public final class Closing {
  private Closing() {}

  /**
   * Closes each of {@code resources} in order, skipping nulls, even when an earlier one throws;
   * then throws the first failure, with the later ones suppressed in it.
   */
  public static void all(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
