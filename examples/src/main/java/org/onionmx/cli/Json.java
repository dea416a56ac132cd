package org.onionmx.cli;

/**
 * JSON string quoting for the CLI's {@code --json} output. Written by hand because the output is a
 * handful of flat string fields: a JSON library would be a dependency of the fat jar for one
 * function.
 */
final class Json {
  private Json() {}

  /** The text as a JSON string literal (RFC 8259 section 7), non-ASCII kept as is. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
