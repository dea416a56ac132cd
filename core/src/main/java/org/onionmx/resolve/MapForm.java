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

  /** How much of a line {@link #detect} looks at. */
  private static final int MAX_KEPT = 1024;

  /**
   * The form of the text ahead in {@code in}, or null if it has nothing but blank and comment
   * lines. Leaves {@code in} where it was.
   *
   * <p>The first entry line is Postfix if it has at least two whitespace-separated fields, the
   * first not ending with {@code :} and the second containing a {@code :} but not being just {@code
   * :} ({@code example.org smtptor:[x.onion]}); anything else ({@code 'x.onion':}, {@code x.onion:
   * [a.org]}, {@code ---}) is YAML. A first line of one field takes in the indented lines after it
   * (Postfix continuation lines). Without an entry in the first {@value #LOOK_AHEAD} characters it
   * is YAML.
   */
  static MapForm detect(BufferedReader in) throws IOException {
    in.mark(LOOK_AHEAD);
    try {
      String entry = null;
      StringBuilder line = new StringBuilder();
      boolean eof = false;
      for (int read = 0; read < LOOK_AHEAD - 1 && !eof; ) {
        line.setLength(0);
        for (int c = in.read(); ; c = in.read()) {
          read++;
          if (c < 0) {
            eof = true;
            break;
          } else if (c == '\n' || read >= LOOK_AHEAD - 1) {
            break;
          } else if (line.length() < MAX_KEPT) {
            line.append((char) c);
          }
        }
        String text = line.toString().strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        if (entry == null) {
          entry = text;
        } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
          entry = entry + " " + text; // a Postfix continuation line
        } else {
          break;
        }
        if (entry.indexOf(' ') >= 0 || entry.indexOf('\t') >= 0 || entry.endsWith(":")) {
          break;
        }
      }
      if (entry == null) {
        return eof ? null : YAML;
      }
      return of(entry);
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
