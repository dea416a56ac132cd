package org.onionmx.resolve;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * The two written forms of an onion map, and how to tell them apart from the first line that is
 * neither blank nor a {@code #} comment.
 */
enum MapForm {
  /** The onionmx YAML form. */
  YAML,
  /** A Postfix transport table. */
  POSTFIX;

  /** How far {@link #detect} looks for a first entry before assuming YAML. */
  static final int LOOK_AHEAD = 1 << 16;

  /**
   * The form of the text ahead in {@code in}, or null if it has nothing but blank and comment
   * lines. Leaves {@code in} where it was.
   *
   * <p>The first entry line is Postfix if it has at least two whitespace-separated fields, the
   * first not ending with {@code :} and the second containing a {@code :} but not being just
   * {@code :} ({@code example.org smtptor:[x.onion]}); anything else ({@code 'x.onion':}, {@code
   * x.onion: [a.org]}, {@code ---}) is YAML. Without an entry in the first {@value #LOOK_AHEAD}
   * characters it is YAML.
   */
  static MapForm detect(BufferedReader in) throws IOException {
    in.mark(LOOK_AHEAD);
    try {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < LOOK_AHEAD - 1; i++) {
        int c = in.read();
        if (c < 0 || c == '\n') {
          String text = line.toString().strip();
          if (!text.isEmpty() && !text.startsWith("#")) {
            return of(text);
          }
          if (c < 0) {
            return null;
          }
          line.setLength(0);
        } else if (line.length() < 1024) {
          line.append((char) c);
        }
      }
      return YAML;
    } finally {
      in.reset();
    }
  }

  private static MapForm of(String line) {
    String[] fields = line.split("[ \t\f\u000b]+", 3);
    if (fields.length >= 2
        && !fields[0].endsWith(":")
        && fields[1].indexOf(':') >= 0
        && !fields[1].equals(":")) {
      return POSTFIX;
    }
    return YAML;
  }
}
