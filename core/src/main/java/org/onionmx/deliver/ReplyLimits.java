package org.onionmx.deliver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * ({@link #startReply}); the line count does not depend on the server's framing (whose
 * continuation mark Angus reads from decoded characters, not bytes). Angus reads ahead by at most
 * its buffer (8 KB), so bytes of a pipelined next reply read with the current one are counted for
 * the current one: a reply never holds more than the limits plus one buffer.
 *
 * <p>After a STARTTLS that the server accepted ({@link #tlsFollows}), the stream under Angus
 * carries TLS records, in which lines are not visible: from then on each reply is bounded by
 * {@link #MAX_REPLY_BYTES} raw bytes, which bounds Angus's buffers the same way.
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

  private int lineBytes;
  private int lines;
  private long replyBytes;
  private boolean afterCr;
  private boolean tls;

  /** The stream Angus reads from, counting what passes through it. */
  InputStream bound(InputStream in) {
    return new Bounded(in);
  }

  /** A new reply is about to be read: its lines (or bytes, under TLS) count from zero. */
  void startReply() {
    lines = 0;
    replyBytes = 0;
  }

  /**
   * The server accepted STARTTLS: the bytes that follow are TLS records, bounded per reply by
   * {@link #MAX_REPLY_BYTES} instead of by lines.
   */
  void tlsFollows() {
    tls = true;
    lineBytes = 0;
    lines = 0;
    replyBytes = 0;
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
