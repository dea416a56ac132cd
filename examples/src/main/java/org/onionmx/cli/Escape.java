package org.onionmx.cli;

import java.util.regex.Pattern;

/**
 * Escapes text that came from a remote party or the user before the CLI prints it, so that one
 * field is always one field and one recipient is always one line: a server's reply, a domain given
 * on the command line or a key read from a map cannot add a line, a column or terminal controls.
 *
 * <p>Tab, CR and LF become {@code \t}, {@code \r}, {@code \n}; other C0 controls and DEL become
 * {@code \xNN}; C1 controls, the Unicode line and paragraph separators and the bidirectional
 * overrides and isolates (which reorder what a terminal shows) become {@code \}{@code uNNNN}; a
 * backslash becomes {@code \\}, so that the escaped form cannot be confused with a forged one.
 */
final class Escape {
  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  private Escape() {}

  /** The text as one field of one line; {@code null} reads {@code null}. */
  static String field(String text) {
    if (text == null) {
      return "null";
    }
    if (clean(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else if (unsafe(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * An SMTP reply as one field: the code once, then the text of every line of a multi-line reply
   * joined by spaces, so {@code 250-a CRLF 250 b} with code 250 reads {@code 250 a b}. A line that
   * does not start with the code is kept whole (escaped), so nothing the server said is dropped.
   */
  static String reply(int code, String text) {
    return field(joinedReply(code, text));
  }

  /** The reply as {@link #reply} joins it, not yet escaped (for JSON, which quotes itself). */
  static String joinedReply(int code, String text) {
    String prefix = Integer.toString(code);
    StringBuilder joined = new StringBuilder(prefix);
    for (String line : LINE_BREAK.split(text == null ? "" : text.strip())) {
      String rest = line;
      if (line.startsWith(prefix)
          && (line.length() == prefix.length()
              || line.charAt(prefix.length()) == ' '
              || line.charAt(prefix.length()) == '-')) {
        rest = line.substring(Math.min(line.length(), prefix.length() + 1));
      }
      if (!rest.isEmpty()) {
        joined.append(' ').append(rest);
      }
    }
    return joined.toString();
  }

  private static boolean clean(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || unsafe(c)) {
        return false;
      }
    }
    return true;
  }

  /** C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates. */
  private static boolean unsafe(char c) {
    return (c >= 0x80 && c <= 0x9f)
        || c == 0x2028
        || c == 0x2029
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200e
        || c == 0x200f
        || c == 0x061c;
  }
}
