package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP client with a transcript, command pipelining (RFC 2920), SMTPUTF8 only where a
 * transaction needs it (RFC 6531), and a longer wait for the reply to a message's end.
 *
 * <p>The transcript records each command of a message transaction and the server's reply, and
 * whether the final "." reached the connection. Why: Angus reports per-recipient replies through an
 * exception chain ({@code mail.smtp.reportsuccess}), but a connection that breaks after {@code RCPT
 * TO} surfaces as a bare {@link MessagingException} and the chain is lost; and nothing in Angus
 * says whether a failure came before or after the end of the message, which decides between
 * "deferred" (not delivered) and "status unknown" (maybe delivered).
 *
 * <p>Pipelining, when the session allows it ({@link #PIPELINING}) and the server offers {@code
 * PIPELINING}: Angus sends {@code MAIL FROM}, each {@code RCPT TO} and {@code DATA} and waits for
 * each reply in turn, four round trips per message with one recipient, each of them a round trip
 * through Tor. Angus has no pipelining of its own, so this class defers the reading of the replies
 * to {@code MAIL FROM} and {@code RCPT TO}: Angus is told "250" for now, the commands go out at
 * once, and the real replies of the whole group are read, in order, when Angus waits for the reply
 * to the command that ends the group ({@code DATA}). Two round trips per message remain: the group,
 * then the message and its final ".". The commands and the reading of replies stay Angus's; only
 * their order changes. The transaction's results come from the transcript of real replies, never
 * from the provisional ones, so Angus's own bookkeeping of valid and invalid addresses is not used.
 * As RFC 2920 section 3.1 asks, a {@code DATA} that a server accepts with 354 although it accepted
 * no recipient is ended with a lone "." and reported to Angus as refused, so no message goes out.
 *
 * <p>Every reply is read within {@link ReplyLimits}: a server that sends an endless line or reply
 * makes Angus's read fail with a {@link ReplyLimitException} instead of filling the heap.
 *
 * <p>Built with a null {@code URLName}, so no host name ever sits in a {@code URLName} (whose
 * {@code hashCode} resolves it). Confined to one thread at a time by the session pool; Angus
 * synchronizes on the transport as well.
 */
final class SessionTransport extends SMTPTransport {
  /**
   * The Angus session property that allows pipelining ({@code "true"}); without it every command
   * waits for its reply, as in Angus.
   */
  static final String PIPELINING = "onionmx.smtp.pipelining";

  /**
   * The Angus session property with the wait, in milliseconds, for the reply to a message's final
   * "." (RFC 5321 4.5.3.2.6); without it that reply gets the connection's read timeout, as in
   * Angus.
   */
  static final String END_OF_DATA_TIMEOUT = "onionmx.smtp.end-of-data.timeout";

  /** One command of a transaction and the reply code (-1 for end of stream) and text. */
  record Exchange(String command, int code, String text) {}

  /** What Angus is told for a command whose reply is read later, with its group. */
  private static final int PROVISIONAL_OK = 250;

  private final ReplyLimits limits;
  private final boolean pipeliningAllowed;
  private final int endOfDataTimeoutMillis;
  private Socket socket;
  private int readTimeoutMillis;
  private boolean connecting;
  private boolean smtpUtf8;
  private boolean recording;
  private boolean pipelining;
  private boolean inFinishData;
  private long endOfDataEnd = -1;
  private String lastCommand;
  private final Deque<String> unanswered = new ArrayDeque<>();
  private final List<Exchange> transcript = new ArrayList<>();

  SessionTransport(Session session, ReplyLimits limits) {
    super(session, null);
    this.limits = limits;
    this.pipeliningAllowed = Boolean.parseBoolean(session.getProperty(PIPELINING));
    String endOfData = session.getProperty(END_OF_DATA_TIMEOUT);
    this.endOfDataTimeoutMillis =
        endOfData == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Long.parseLong(endOfData));
  }

  /**
   * Connects on {@code socket}, whose read timeout (already set) becomes the time each reply has to
   * be complete.
   */
  @Override
  public synchronized void connect(Socket socket) throws MessagingException {
    this.socket = socket;
    try {
      this.readTimeoutMillis = socket.getSoTimeout();
    } catch (SocketException e) {
      throw new MessagingException("the connection is closed", e);
    }
    connecting = true;
    try {
      super.connect(socket);
    } finally {
      connecting = false;
    }
  }

  /** True if the server offers SMTPUTF8 (RFC 6531). */
  synchronized boolean offersSmtpUtf8() {
    return super.supportsExtension("SMTPUTF8");
  }

  /**
   * As Angus's, but for {@code SMTPUTF8}, which Angus asks about for two reasons. In {@code MAIL
   * FROM} it appends the parameter whenever the server offers it: here only when the transaction
   * needs it ({@link #beginTransaction}), since a message flagged SMTPUTF8 bounces at any later hop
   * without it. While connecting it logs at INFO that {@code mail.mime.allowutf8} is set for a
   * server without SMTPUTF8: here it is told yes then, as that setting only makes commands UTF-8,
   * which is ASCII for every command but one that needs SMTPUTF8.
   */
  @Override
  public synchronized boolean supportsExtension(String ext) {
    if ("SMTPUTF8".equalsIgnoreCase(ext)) {
      return connecting || (smtpUtf8 && super.supportsExtension(ext));
    }
    return super.supportsExtension(ext);
  }

  /**
   * Clears the transcript and starts recording a transaction; with {@code smtpUtf8} its {@code MAIL
   * FROM} asks for SMTPUTF8 (the server must offer it, see {@link #offersSmtpUtf8}).
   */
  synchronized void beginTransaction(boolean smtpUtf8) {
    this.smtpUtf8 = smtpUtf8;
    transcript.clear();
    unanswered.clear();
    endOfDataEnd = -1;
    lastCommand = null;
    recording = true;
    pipelining = pipeliningAllowed && supportsExtension("PIPELINING");
  }

  /**
   * Stops recording; returns the transaction's exchanges. Replies still unread (the connection
   * failed in the middle of a group) are missing from it, which marks the session as unusable.
   */
  synchronized List<Exchange> endTransaction() {
    recording = false;
    smtpUtf8 = false;
    pipelining = false;
    unanswered.clear();
    return List.copyOf(transcript);
  }

  /**
   * True if the final "." of the last transaction reached the connection: handed to the socket by a
   * write that completed. A "." that Angus wrote but that was still held by the {@link
   * CoalescingSocket} when its write failed never left: false then.
   */
  synchronized boolean endOfDataSent() {
    if (endOfDataEnd < 0) {
      return false;
    }
    return !(socket instanceof CoalescingSocket held) || held.bytesDelivered() >= endOfDataEnd;
  }

  /**
   * Sends the final "." and reads its reply, which gets the {@linkplain #END_OF_DATA_TIMEOUT
   * end-of-data timeout} instead of the read timeout ({@link #readReply}).
   */
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
      // where the "." ends among the bytes written; under TLS, the end of its record
      endOfDataEnd = socket instanceof CoalescingSocket held ? held.bytesAccepted() : 0;
    }
  }

  @Override
  protected int readServerResponse() throws MessagingException {
    if (!recording || lastCommand == null) {
      String command = lastCommand;
      lastCommand = null;
      int code = readReply();
      if (code == 220 && "STARTTLS".equalsIgnoreCase(command)) {
        try {
          limits.tlsFollows(); // Angus starts the TLS handshake next
        } catch (SocketException e) {
          throw new MessagingException("the connection closed after STARTTLS", e);
        }
      }
      return code;
    }
    String command = lastCommand;
    lastCommand = null;
    if (pipelining && (command.startsWith("MAIL FROM:") || command.startsWith("RCPT TO:"))) {
      unanswered.add(command);
      return PROVISIONAL_OK;
    }
    if (unanswered.isEmpty()) {
      return record(command);
    }
    boolean mailAccepted = false;
    boolean recipientAccepted = false;
    while (!unanswered.isEmpty()) {
      String earlier = unanswered.peek();
      int code = record(earlier);
      unanswered.remove();
      if (earlier.startsWith("MAIL FROM:")) {
        mailAccepted = code / 100 == 2;
      } else if (code / 100 == 2) {
        recipientAccepted = true;
      }
    }
    int code = record(command);
    if (code == 354 && !(mailAccepted && recipientAccepted)) {
      // RFC 2920 3.1: the server took DATA without a sender or a recipient; end the empty message.
      super.sendCommand(".");
      int end = record(".");
      return end == 354 ? -1 : end;
    }
    return code;
  }

  /**
   * Reads one reply through Angus, within the {@link ReplyLimits} and one deadline: the read
   * timeout, or for the reply to a message's final "." the end-of-data timeout if set.
   */
  private int readReply() throws MessagingException {
    boolean endOfData = inFinishData && endOfDataTimeoutMillis > 0;
    limits.startReply(endOfData ? endOfDataTimeoutMillis : readTimeoutMillis);
    return super.readServerResponse();
  }

  private int record(String command) throws MessagingException {
    int code = readReply();
    transcript.add(new Exchange(command, code, getLastServerResponse()));
    return code;
  }
}
