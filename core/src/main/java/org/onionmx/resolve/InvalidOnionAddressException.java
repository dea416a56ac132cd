package org.onionmx.resolve;

import java.util.Objects;

/**
 * A string that is not a usable Tor v3 onion address. {@link #reason()} says why in a form a
 * program can branch on; {@link #getMessage()} says it in words, naming the input.
 */
public final class InvalidOnionAddressException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why an address was refused. */
  public enum Reason {
    /** Null, empty or blank. */
    EMPTY("empty address"),
    /** Longer than a DNS name may be (253 characters). */
    TOO_LONG("longer than 253 characters"),
    /** Contains a character that cannot appear in an onion host name. */
    BAD_CHARACTER("contains a character that is not a letter, digit, '-' or '.'"),
    /** The last label is not {@code onion}: {@code mail.myonion.}, {@code x.onion.example.com}. */
    NOT_ONION("the last label is not 'onion'"),
    /** Just {@code onion} or {@code .onion}: no service id before it. */
    MISSING_SERVICE_ID("no service id before '.onion'"),
    /** A 16-character v2 service id. */
    V2("v2 onion services no longer work in Tor (16-character address); a v3 address has 56"),
    /** The service id is neither 16 nor 56 characters long. */
    BAD_LENGTH("a v3 service id has 56 base32 characters"),
    /** The service id has characters outside base32 ({@code a-z}, {@code 2-7}). */
    NOT_BASE32("the service id is not base32 (a-z, 2-7)"),
    /** The version byte is not 3. */
    BAD_VERSION("the version byte is not 3"),
    /** The two checksum bytes do not match the key: a typo or a truncated copy. */
    BAD_CHECKSUM("the checksum does not match (mistyped address?)"),
    /** A label before the service id is not a valid DNS label. */
    BAD_SUBDOMAIN("a label before the service id is not a valid DNS label"),
    /** A port that is not 1-65535, or a port where none is allowed. */
    BAD_PORT("the port is not a number from 1 to 65535");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** A short description in words. */
    public String text() {
      return text;
    }
  }

  private final Reason reason;
  private final String input;

  /**
   * @param input the refused input, as given (may be null)
   * @param reason why it was refused
   */
  public InvalidOnionAddressException(String input, Reason reason) {
    super(
        "not a valid v3 onion address: "
            + (input == null ? "null" : MapCollector.quote(input))
            + ": "
            + reason.text());
    this.input = input;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the address was refused. */
  public Reason reason() {
    return reason;
  }

  /** The refused input, as given; may be null. */
  public String input() {
    return input;
  }
}
