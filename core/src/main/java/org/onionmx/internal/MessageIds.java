package org.onionmx.internal;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Message-IDs that name nothing of the sending machine.
 *
 * <p>Jakarta Mail's {@code MimeMessage.saveChanges} (run by {@code Transport.send}, by Spring, and
 * by many applications before they hand a message on) builds {@code
 * <hash.counter.millis@local-host-name>} unless the session sets {@code mail.from} or {@code
 * mail.host}, and looks the host name up to do so. Such an ID tells every recipient which machine
 * sent the mail. {@link #forSending} replaces it (or a missing one) with {@code
 * <random-UUID@domain-of-From>} and keeps an ID the application chose.
 */
public final class MessageIds {
  /** Jakarta Mail's {@code UniqueValue.getUniqueMessageIDValue} form, with its domain captured. */
  private static final Pattern JAKARTA_MADE = Pattern.compile("<\\d+\\.\\d+\\.\\d+@([^>]*)>");

  /** The domain of IDs for a message without a From address that has one. */
  static final String NO_DOMAIN = "onionmx.invalid";

  private MessageIds() {}

  /**
   * The Message-ID to send {@code message} with: its own if the application chose it; otherwise,
   * when it has none or one that Jakarta Mail built from the local host name, a new {@link
   * #newId(MimeMessage)}. Reads the message only.
   *
   * @throws MessagingException if the message's headers cannot be read
   */
  public static String forSending(MimeMessage message) throws MessagingException {
    Objects.requireNonNull(message, "message");
    String id = message.getHeader("Message-ID", null);
    String domain = senderDomain(message);
    return id == null || madeByJakartaMail(id, domain) ? newId(domain) : id;
  }

  /**
   * A new Message-ID {@code <random-UUID@domain-of-From>}, or {@code @onionmx.invalid} when the
   * message has no From address with a domain.
   *
   * @throws MessagingException if the From header cannot be read
   */
  public static String newId(MimeMessage message) throws MessagingException {
    return newId(senderDomain(Objects.requireNonNull(message, "message")));
  }

  /**
   * True for an ID in Jakarta Mail's own form whose domain is not the sender's: built from the
   * local host name (or {@code mail.host}). With {@code mail.from} set to the sender, Jakarta Mail
   * uses the sender's domain, which names nothing of the machine, and such an ID is kept.
   */
  static boolean madeByJakartaMail(String id, String senderDomain) {
    var m = JAKARTA_MADE.matcher(id.strip());
    return m.matches() && !m.group(1).equalsIgnoreCase(senderDomain);
  }

  private static String newId(String domain) {
    return "<" + UUID.randomUUID() + "@" + domain + ">";
  }

  private static String senderDomain(MimeMessage message) throws MessagingException {
    Address[] from = message.getFrom();
    if (from != null && from.length > 0 && from[0] instanceof InternetAddress ia) {
      String address = ia.getAddress();
      int at = address == null ? -1 : address.lastIndexOf('@');
      if (at > 0 && at < address.length() - 1) {
        return address.substring(at + 1);
      }
    }
    return NO_DOMAIN;
  }
}
