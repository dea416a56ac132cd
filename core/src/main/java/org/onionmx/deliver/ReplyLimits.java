package org.onionmx.deliver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.onionmx.deliver.ReplyLimitException.Limit;

/**
 * Bounds what an SMTP server may send for one reply, so that a hostile or broken server cannot
 * exhaust the heap: Angus Mail reads a reply line into a buffer that grows without bound, and the
 * lines of a multi-line reply into another, so an endless {@code 220-} banner or a line that never
 * ends would end in an {@link OutOfMemoryError}.
 *
 * <p>{@link #bound} wraps the stream under Angus's buffered reader; it counts bytes as they come
 * and throws a {@link ReplyLimitException} once a reply line exceeds {@link #MAX_LINE_BYTES} bytes
 * or a reply exceeds {@link #MAX_LINES} lines. A line ends at CR, LF or CRLF, as for Angus's {@code
 * LineInputStream}. A reply starts when {@link SessionTransport} asks Angus for the next one
 * ({@link #startReply}); the line count does not depend on the server's framing (whose continuation
 * mark Angus reads from decoded characters, not bytes). Angus reads ahead by at most its buffer (8
 * KB), so bytes of a pipelined next reply read with the current one are counted for the current
 * one: a reply never holds more than the limits plus one buffer.
 *
 * <p>After a STARTTLS that the server accepted ({@link #tlsFollows}), the stream under Angus
 * carries TLS records, in which lines are not visible: from then on each reply is bounded by {@link
 * #MAX_REPLY_BYTES} raw bytes, which bounds Angus's buffers the same way.
 *
 * <p>Each reply also has one deadline ({@link #startReply(int)}): before every read the socket's
 * read timeout is set to what is left of it, so that a server dripping a reply a byte at a time
 * cannot stretch it past the timeout (a read timeout per read would let a 4 KB line take 4,096
 * timeouts). Reads outside a reply (the TLS handshake) get the session's read timeout.
 *
 * <p>One instance per session; used by the session's thread only.
 */
final class ReplyLimits {
  /**
   * Bytes in one reply line, CR LF included: 4 KB, eight times RFC 5321's 512 octets (section
   * 4.5.3.1.5) for servers that send long texts anyway.
   */
  static final int MAX_LINE_BYTES = 4096;

  /** Lines in one reply: an EHLO reply has a line per extension, a few dozen at most. */
  static final int MAX_LINES = 1000;

  /** Raw bytes of one reply once TLS runs: as many as the line limits allow in plain text. */
  static final long MAX_REPLY_BYTES = (long) MAX_LINE_BYTES * MAX_LINES;

  private final Socket socket;
  private final int readTimeoutMillis;
  private long deadline;
  private boolean timed;
  private int timeoutMillis;
  private int lineBytes;
  private int lines;
  private long replyBytes;
  private boolean afterCr;
  private boolean tls;

  /**
   * @param socket the stream to the server, whose read timeout each read sets
   * @param readTimeoutMillis the session's read timeout, for reads outside a reply (positive)
   */
  ReplyLimits(Socket socket, int readTimeoutMillis) {
    this.socket = socket;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** The stream Angus reads from, counting what passes through it. */
  InputStream bound(InputStream in) {
    return new Bounded(in);
  }

  /**
   * A new reply is about to be read: its lines (or bytes, under TLS) count from zero, and it must
   * be complete within {@code timeoutMillis} (positive) from now.
   */
  void startReply(int timeoutMillis) {
    lines = 0;
    replyBytes = 0;
    this.timeoutMillis = timeoutMillis;
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    timed = true;
  }

  /**
   * The server accepted STARTTLS: the bytes that follow are TLS records, bounded per reply by
   * {@link #MAX_REPLY_BYTES} instead of by lines.
   */
  void tlsFollows() throws SocketException {
    tls = true;
    lineBytes = 0;
    lines = 0;
    replyBytes = 0;
    timed = false; // the handshake's reads get the read timeout
    socket.setSoTimeout(readTimeoutMillis);
  }

  /** Sets the read timeout to what is left of the reply's deadline. */
  private void awaitDeadline() throws IOException {
    if (!timed) {
      return;
    }
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException(
          "the SMTP server's reply was not complete within " + timeoutMillis + " ms");
    }
    socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
  }

  private void count(byte[] b, int off, int len) throws ReplyLimitException {
    if (tls) {
      replyBytes += len;
      if (replyBytes > MAX_REPLY_BYTES) {
        throw new ReplyLimitException(
            Limit.REPLY_BYTES,
            MAX_REPLY_BYTES,
            "the SMTP server sent a reply of more than "
                + MAX_REPLY_BYTES
                + " bytes over TLS (limit "
                + MAX_REPLY_BYTES
                + " bytes per reply)");
      }
      return;
    }
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c == '\n' && afterCr) {
        afterCr = false; // the LF of a CR LF: the line was counted at its CR
        continue;
      }
      afterCr = c == '\r';
      if (c == '\r' || c == '\n') {
        lineBytes = 0;
        if (++lines > MAX_LINES) {
          throw new ReplyLimitException(
              Limit.LINES_PER_REPLY,
              MAX_LINES,
              "the SMTP server sent a reply of more than "
                  + MAX_LINES
                  + " lines (limit "
                  + MAX_LINES
                  + " lines per reply)");
        }
      } else if (++lineBytes > MAX_LINE_BYTES) {
        throw new ReplyLimitException(
            Limit.LINE_LENGTH,
            MAX_LINE_BYTES,
            "the SMTP server sent a reply line longer than "
                + MAX_LINE_BYTES
                + " bytes (limit "
                + MAX_LINE_BYTES
                + " bytes per line; RFC 5321 4.5.3.1.5 allows 512)");
      }
    }
  }

  /** Counts every byte read; skipping is reading. */
  private final class Bounded extends FilterInputStream {
    private final byte[] one = new byte[1];

    Bounded(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      awaitDeadline();
      int n = in.read(b, off, len);
      if (n > 0) {
        count(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buffer = new byte[(int) Math.min(n, 512)];
      int read = read(buffer, 0, buffer.length);
      return Math.max(0, read);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
