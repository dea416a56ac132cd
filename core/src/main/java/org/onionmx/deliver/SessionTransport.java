package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP client with a transcript: it records each command of a message transaction and
 * the server's reply, and whether the final "." was handed to the connection.
 *
 * <p>Why: Angus reports per-recipient replies through an exception chain ({@code
 * mail.smtp.reportsuccess}), but a connection that breaks after {@code RCPT TO} surfaces as a bare
 * {@link MessagingException} and the chain is lost; and nothing in Angus says whether a failure came
 * before or after the end of the message, which decides between "deferred" (not delivered) and
 * "status unknown" (maybe delivered). The SMTP dialogue itself stays Angus's.
 *
 * <p>Built with a null {@code URLName}, so no host name ever sits in a {@code URLName} (whose
 * {@code hashCode} resolves it). Confined to one thread at a time by the session pool; Angus
 * synchronizes on the transport as well.
 */
final class SessionTransport extends SMTPTransport {
  /** One command of a transaction and the reply code (-1 for end of stream) and text. */
  record Exchange(String command, int code, String text) {}

  private boolean recording;
  private boolean inFinishData;
  private boolean endOfDataSent;
  private String lastCommand;
  private final List<Exchange> transcript = new ArrayList<>();

  SessionTransport(Session session) {
    super(session, null);
  }

  /** Clears the transcript and starts recording a transaction. */
  synchronized void beginTransaction() {
    transcript.clear();
    endOfDataSent = false;
    lastCommand = null;
    recording = true;
  }

  /** Stops recording; returns the transaction's exchanges. */
  synchronized List<Exchange> endTransaction() {
    recording = false;
    return List.copyOf(transcript);
  }

  /** True if the final "." of the last transaction was written and flushed. */
  synchronized boolean endOfDataSent() {
    return endOfDataSent;
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    inFinishData = true;
    try {
      super.finishData();
    } finally {
      inFinishData = false;
    }
  }

  @Override
  protected void sendCommand(String cmd) throws MessagingException {
    lastCommand = cmd;
    super.sendCommand(cmd);
    if (inFinishData && ".".equals(cmd)) {
      endOfDataSent = true;
    }
  }

  @Override
  protected int readServerResponse() throws MessagingException {
    int code = super.readServerResponse();
    if (recording && lastCommand != null) {
      transcript.add(new Exchange(lastCommand, code, getLastServerResponse()));
      lastCommand = null;
    }
    return code;
  }
}
