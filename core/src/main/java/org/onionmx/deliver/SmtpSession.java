package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import org.onionmx.tor.StreamOpener;

/**
 * One open SMTP session on a Tor stream: the stream from the {@link StreamOpener}, with Angus's
 * SMTP client ({@link SessionTransport}) started on it by {@code SMTPTransport.connect(Socket)},
 * its writes held until a reply is awaited ({@link CoalescingSocket}) and what the server sends
 * bounded per reply ({@link ReplyLimits}). Used by one thread at a time.
 */
final class SmtpSession {
  private final SessionTransport transport;
  private final Socket stream;
  private final Instant opened;
  private Instant lastUsed;

  private SmtpSession(SessionTransport transport, Socket stream, Instant now) {
    this.transport = transport;
    this.stream = stream;
    this.opened = now;
    this.lastUsed = now;
  }

  /**
   * Opens a stream to {@code destination} and runs greeting, EHLO and, if configured, STARTTLS.
   *
   * @throws TargetFailure with the Tor, SMTP, TLS or connection failure
   */
  static SmtpSession open(
      StreamOpener opener,
      Destination destination,
      Session session,
      Duration readTimeout,
      Instant now)
      throws TargetFailure {
    Socket stream;
    try {
      stream = opener.open(destination.host(), destination.port(), destination.isolationKey());
    } catch (IOException | RuntimeException e) {
      throw new TargetFailure(Failures.ofOpening(e, 0, null), e);
    }
    int readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    ReplyLimits limits = new ReplyLimits(stream, readTimeoutMillis);
    SessionTransport transport = new SessionTransport(session, limits);
    try {
      stream.setSoTimeout(readTimeoutMillis);
      transport.connect(new CoalescingSocket(stream, limits::bound));
      return new SmtpSession(transport, stream, now);
    } catch (MessagingException | IOException | RuntimeException e) {
      closeQuietly(stream);
      throw new TargetFailure(
          Failures.ofOpening(e, transport.getLastReturnCode(), transport.getLastServerResponse()),
          e);
    }
  }

  SessionTransport transport() {
    return transport;
  }

  /** True once the stream is closed, by us or by Angus after an I/O error. */
  boolean isClosed() {
    return stream.isClosed();
  }

  /** How long the session has been open at {@code now}. */
  Duration ageAt(Instant now) {
    return Duration.between(opened, now);
  }

  /** How long the session has been idle at {@code now}. */
  Duration idleAt(Instant now) {
    return Duration.between(lastUsed, now);
  }

  void touch(Instant now) {
    lastUsed = now;
  }

  /** Sends NOOP; true if the server answered 250. Closes the session if not. */
  boolean healthy() {
    return !isClosed() && transport.isConnected();
  }

  /** Sends QUIT without waiting for the reply, and closes the stream. */
  void close() {
    try {
      transport.close();
    } catch (MessagingException | RuntimeException e) {
      // the peer went away first
    } finally {
      closeQuietly(stream);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
