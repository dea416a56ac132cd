package org.onionmx.jakarta.mail;

import jakarta.mail.Address;
import jakarta.mail.IllegalWriteException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Message-ID that names nothing of this machine. Jakarta Mail's {@code MimeMessage.saveChanges}
 * (run by {@code Transport.send} and Spring before the transport sees the message, and by {@code
 * writeTo} on an unsaved message) makes {@code <hash.counter.millis@local-host-name>} unless the
 * session sets {@code mail.from} or {@code mail.host}. Such an ID, or none, is replaced by {@code
 * <random-UUID@domain-of-From>}; an ID the application chose is kept.
 *
 * <p>The onion hop gets a {@linkplain #view view} that streams the message with that ID (no copy in
 * memory); afterwards {@link #settle} puts the ID on the message itself, so the relay sends it too
 * and {@code getMessageID()} after sending tells the truth.
 */
final class PrivateMessageId {
  /** Jakarta Mail's {@code UniqueValue.getUniqueMessageIDValue} form. */
  private static final Pattern JAKARTA_MADE = Pattern.compile("<\\d+\\.\\d+\\.\\d+@([^>]*)>");

  private static final String NO_DOMAIN = "onionmx.invalid";
  private static final String MESSAGE_ID = "Message-ID";

  private PrivateMessageId() {}

  /** The ID to send: the message's own, unless it is missing or Jakarta Mail made it. */
  static String choose(MimeMessage message) throws MessagingException {
    String id = message.getHeader(MESSAGE_ID, null);
    String domain = senderDomain(message);
    return id == null || madeByJakartaMail(id, domain)
        ? "<" + UUID.randomUUID() + "@" + domain + ">"
        : id;
  }

  /** True for an ID made by Jakarta Mail from the local address, not from the sender's domain. */
  static boolean madeByJakartaMail(String id, String senderDomain) {
    var m = JAKARTA_MADE.matcher(id.strip());
    return m.matches() && !m.group(1).equalsIgnoreCase(senderDomain);
  }

  /**
   * A message that writes {@code id} and then {@code message} as it writes itself, minus its ID.
   */
  static View view(Session session, MimeMessage message, String id) {
    return new View(session, message, id);
  }

  /**
   * Puts {@code id} on {@code message}. Before the relay sends it, an unsaved message must be saved
   * first, or its {@code writeTo} would make a new ID: unless the onion hop already wrote it, it is
   * written once to nowhere, which saves it.
   */
  static void settle(MimeMessage message, String id, View view, boolean forRelay)
      throws MessagingException {
    if (forRelay && !view.written) {
      try {
        message.writeTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw new MessagingException("cannot write the message: " + e.getMessage(), e);
      }
    }
    if (!id.equals(message.getHeader(MESSAGE_ID, null))) {
      try {
        message.setHeader(MESSAGE_ID, id);
      } catch (IllegalWriteException e) {
        // a read-only message (from a store): its ID came from elsewhere, not from this machine
      }
    }
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

  /** The onion hop's view of the message; the core only calls {@code writeTo} on it. */
  static final class View extends MimeMessage {
    private final MimeMessage message;
    private final byte[] idLine;
    private volatile boolean written;

    private View(Session session, MimeMessage message, String id) {
      super(session);
      this.message = message;
      this.idLine = (MESSAGE_ID + ": " + id + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList)
        throws IOException, MessagingException {
      String[] ignore =
          ignoreList == null ? new String[1] : Arrays.copyOf(ignoreList, ignoreList.length + 1);
      ignore[ignore.length - 1] = MESSAGE_ID;
      written = true;
      os.write(idLine);
      message.writeTo(os, ignore); // saves an unsaved message first
    }
  }
}
