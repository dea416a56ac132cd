package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.onionmx.internal.MessageIds;

/**
 * What Angus's {@code SMTPTransport.sendMessage} is given: it needs a {@code MimeMessage}, takes
 * the reverse path from an {@link SMTPMessage}'s envelope-from, and writes the message with {@link
 * #writeTo(OutputStream, String[])}. This one carries the envelope sender and writes either raw RFC
 * 5322 bytes unchanged or the caller's message as the caller's message writes itself. Angus still
 * turns bare LF into CRLF and dot-stuffs lines, as SMTP requires.
 */
final class OutgoingMessage extends SMTPMessage {
  private final byte[] raw;
  private final MimeMessage message;

  private OutgoingMessage(Session session, String mailFrom, byte[] raw, MimeMessage message) {
    super(session);
    this.raw = raw;
    this.message = message;
    setEnvelopeFrom(mailFrom.isEmpty() ? "<>" : WireAddress.of(mailFrom));
  }

  /** Writes {@code rfc5322} unchanged (not copied: the caller must not change it meanwhile). */
  static OutgoingMessage ofBytes(Session session, String mailFrom, byte[] rfc5322) {
    return new OutgoingMessage(session, mailFrom, rfc5322, null);
  }

  /**
   * Writes {@code message} as its own {@code writeTo} does, after saving it here: left to itself,
   * Jakarta Mail saves an unsaved message while writing it and replaces its Message-ID with one
   * built from the Session's {@code mail.from}, or else from the OS login and the local host name.
   * The message goes with {@link MessageIds#forSending}: an ID the application chose is kept, and
   * one that Jakarta Mail built from the host name (the message was saved before) is replaced.
   */
  static OutgoingMessage of(Session session, String mailFrom, MimeMessage message)
      throws MessagingException {
    if (!(message instanceof PrivateMessage)) {
      String id = MessageIds.forSending(message);
      message.saveChanges();
      message.setHeader("Message-ID", id);
    }
    return new OutgoingMessage(session, mailFrom, null, message);
  }

  @Override
  public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
    if (raw != null) {
      os.write(raw);
    } else {
      message.writeTo(os, ignoreList);
    }
  }

  /**
   * The size the message has on the wire for RFC 1870's {@code SIZE=}: for raw bytes, exactly the
   * octets Angus sends before the final "." (each bare CR or LF becomes CRLF, a last line without
   * one gets CRLF; dot-stuffing does not count); -1 for a {@code MimeMessage}, whose size is only
   * known once written.
   */
  long wireSize() {
    if (raw == null) {
      return -1;
    }
    long size = raw.length;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\r') {
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          i++;
        } else {
          size++;
        }
      } else if (raw[i] == '\n') {
        size++;
      }
    }
    boolean endsWithLineEnd =
        raw.length > 0 && (raw[raw.length - 1] == '\n' || raw[raw.length - 1] == '\r');
    return endsWithLineEnd || raw.length == 0 ? size : size + 2;
  }

  @Override
  public String getSubject() {
    return null; // only logged by Angus; never parse the caller's bytes for it
  }
}
