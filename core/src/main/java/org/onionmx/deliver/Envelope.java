package org.onionmx.deliver;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The SMTP envelope of one message: the reverse path ({@code MAIL FROM}) and the recipients ({@code
 * RCPT TO}), independent of the message's own From/To headers.
 *
 * @param mailFrom the sender address, or the empty string for the null reverse path {@code <>}
 *     (bounces)
 * @param recipients the recipient addresses, at least one, no duplicates, in the order to send them
 */
public record Envelope(String mailFrom, List<String> recipients) {
  /**
   * @throws NullPointerException if an argument or a recipient is null
   * @throws IllegalArgumentException naming the address if one is not a plain RFC 5321 address
   *     ({@code local@domain}, no display name or angle brackets; a domain in Unicode must convert
   *     to A-labels), or if there is no recipient or a recipient appears twice
   */
  public Envelope {
    Objects.requireNonNull(mailFrom, "mailFrom");
    recipients = List.copyOf(recipients);
    if (!mailFrom.isEmpty()) {
      check("mailFrom", mailFrom);
    }
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
    Set<String> seen = new HashSet<>();
    for (String r : recipients) {
      check("recipient", r);
      if (!seen.add(r)) {
        throw new IllegalArgumentException("recipient " + r + " appears twice in the envelope");
      }
    }
  }

  /** An envelope from {@code mailFrom} to {@code recipients}. */
  public static Envelope of(String mailFrom, String... recipients) {
    return new Envelope(mailFrom, List.of(recipients));
  }

  /** The domain part of an address, lower case. */
  static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  static void check(String role, String address) {
    try {
      InternetAddress parsed = new InternetAddress(address, true);
      if (!parsed.getAddress().equals(address) || parsed.getPersonal() != null) {
        throw new IllegalArgumentException(
            role + " '" + address + "' must be a plain address local@domain");
      }
      if (address.indexOf('@') < 1 || address.endsWith("@")) {
        throw new IllegalArgumentException(role + " '" + address + "' has no domain");
      }
      try {
        WireAddress.of(address);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            role + " '" + address + "' has an invalid domain: " + e.getMessage(), e);
      }
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          role + " '" + address + "' is not a valid address: " + e.getMessage(), e);
    }
  }
}
