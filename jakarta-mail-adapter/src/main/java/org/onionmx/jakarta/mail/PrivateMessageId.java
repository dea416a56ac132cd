package org.onionmx.jakarta.mail;

import jakarta.mail.IllegalWriteException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.onionmx.internal.MessageIds;

/**
 * Writes a message with a Message-ID that names nothing of this machine. Jakarta Mail's {@code
 * MimeMessage.saveChanges} (run by {@code Transport.send} and Spring before the transport sees the
 * message) makes {@code <hash.counter.millis@local-host-name>} unless the session sets {@code
 * mail.from} or {@code mail.host}. Such an ID, or none, is replaced as {@link
 * MessageIds#forSending} says; an ID the application chose is kept. The message itself gets the ID
 * that was sent, so {@code getMessageID()} after sending tells the truth.
 *
 * <p>The onion hop gets bytes, not the message: the core sends bytes unchanged, while what it does
 * to a {@code MimeMessage} before sending (saving it, choosing its ID) is its own business.
 */
final class PrivateMessageId {
  private static final String[] WITHOUT_ID = {"Message-ID"};

  private PrivateMessageId() {}

  /**
   * The message's RFC 5322 bytes with a private Message-ID first; afterwards the message is saved
   * and carries that ID.
   */
  static byte[] write(MimeMessage message) throws MessagingException {
    String id = MessageIds.forSending(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      out.write(("Message-ID: " + id + "\r\n").getBytes(StandardCharsets.US_ASCII));
      message.writeTo(out, WITHOUT_ID); // saves an unsaved message first
    } catch (IOException e) {
      throw new MessagingException("cannot write the message: " + e.getMessage(), e);
    }
    if (!id.equals(message.getHeader("Message-ID", null))) {
      try {
        message.setHeader("Message-ID", id);
      } catch (IllegalWriteException e) {
        // a read-only message (from a store): its ID came from elsewhere, not from this machine
      }
    }
    return out.toByteArray();
  }
}
