package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import org.onionmx.resolve.OnionTarget;

/**
 * The dialogue of {@link OnionMailer#probeRelay}: on a fresh session, {@code MAIL FROM}, {@code
 * RCPT TO} a foreign address, {@code RSET}; never {@code DATA}. The verdict comes from the reply
 * to {@code RCPT TO}, with every reply in the transcript.
 */
final class RelayProber {
  /** Opens the probe's own session (never a pooled one). */
  @FunctionalInterface
  interface SessionOpener {
    SmtpSession open() throws TargetFailure;
  }

  private RelayProber() {}

  static RelayProbe probe(OnionTarget target, Envelope envelope, SessionOpener opener) {
    List<String> transcript = new ArrayList<>();
    SmtpSession session;
    try {
      session = opener.open();
    } catch (TargetFailure e) {
      return new RelayProbe(target, RelayProbe.Verdict.UNREACHABLE, e.failure().text(), transcript);
    }
    String foreignRecipient = envelope.recipients().get(0);
    try {
      SessionTransport smtp = session.transport();
      String from = envelope.mailFrom().isEmpty() ? "<>" : "<" + envelope.mailFrom() + ">";
      int mail = smtp.simpleCommand("MAIL FROM:" + from);
      transcript.add("MAIL FROM:" + from + " -> " + smtp.getLastServerResponse());
      if (mail != 250) {
        return new RelayProbe(
            target, RelayProbe.Verdict.INCONCLUSIVE, "MAIL FROM was refused", transcript);
      }
      int rcpt = smtp.simpleCommand("RCPT TO:<" + foreignRecipient + ">");
      transcript.add("RCPT TO:<" + foreignRecipient + "> -> " + smtp.getLastServerResponse());
      smtp.simpleCommand("RSET");
      transcript.add("RSET -> " + smtp.getLastServerResponse());
      if (rcpt == 250 || rcpt == 251) {
        return new RelayProbe(
            target,
            RelayProbe.Verdict.OPEN_RELAY,
            "accepted a recipient at a foreign domain",
            transcript);
      }
      if (rcpt >= 500 && rcpt < 600) {
        return new RelayProbe(
            target, RelayProbe.Verdict.REFUSES_RELAY, "refused the foreign recipient", transcript);
      }
      return new RelayProbe(
          target,
          RelayProbe.Verdict.INCONCLUSIVE,
          "no definite answer to the foreign recipient (" + rcpt + ")",
          transcript);
    } catch (MessagingException | RuntimeException e) {
      return new RelayProbe(
          target,
          RelayProbe.Verdict.INCONCLUSIVE,
          "the session failed: " + e.getMessage(),
          transcript);
    } finally {
      session.close();
    }
  }
}
