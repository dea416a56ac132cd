package org.onionmx.deliver;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.Date;
import java.util.TimeZone;
import java.util.UUID;

/**
 * A {@link MimeMessage} that names nothing of the sending machine when saved: a missing
 * Message-ID becomes {@code <random-UUID@sender-domain>} (the domain of the first From address,
 * else {@code onionmx.invalid}) instead of Jakarta Mail's one built from the local host name, an
 * existing Message-ID is kept, and a missing Date is written in UTC, not the local time zone.
 */
final class PrivateMessage extends MimeMessage {
  private static final String NO_DOMAIN = "onionmx.invalid";
  private final Clock clock;

  PrivateMessage(Session session, Clock clock) {
    super(session);
    this.clock = clock;
  }

  @Override
  protected void updateHeaders() throws MessagingException {
    if (getHeader("Date") == null) {
      MailDateFormat format = new MailDateFormat();
      format.setTimeZone(TimeZone.getTimeZone("UTC"));
      setHeader("Date", format.format(new Date(clock.millis())));
    }
    super.updateHeaders();
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    if (getHeader("Message-ID") != null) {
      return;
    }
    setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + senderDomain() + ">");
  }

  private String senderDomain() throws MessagingException {
    Address[] from = getFrom();
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
