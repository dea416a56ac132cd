package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.Date;
import java.util.TimeZone;
import org.onionmx.internal.MessageIds;

/**
 * A {@link MimeMessage} that names nothing of the sending machine when saved: a missing Message-ID
 * becomes {@link MessageIds#newId} instead of Jakarta Mail's one built from the local host name, an
 * existing Message-ID is kept, and a missing Date is written in UTC, not the local time zone.
 */
final class PrivateMessage extends MimeMessage {
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
    setHeader("Message-ID", MessageIds.newId(this));
  }
}
