package org.onionmx.resolve;

/** A string that is not a usable mail domain name; the message names the input and the reason. */
public final class InvalidDomainException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String input;

  /**
   * @param input the refused input (may be null)
   * @param reason why it was refused, in words
   */
  public InvalidDomainException(String input, String reason) {
    super("not a valid mail domain: " + shorten(input) + ": " + reason);
    this.input = input;
  }

  /** The refused input, as given; may be null. */
  public String input() {
    return input;
  }

  private static String shorten(String s) {
    if (s == null) {
      return "null";
    }
    return "'" + (s.length() > 80 ? s.substring(0, 77) + "..." : s) + "'";
  }
}
