package org.onionmx.tor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The control port's stream as jtorctl reads it, bounded: jtorctl reads each reply line with {@code
 * BufferedReader.readLine} and keeps every line (and data block) of a reply until its last, without
 * limit, so a control port that sends an endless line or reply would fill the heap. This stream
 * follows the reply framing of the control protocol byte by byte (a line ends at CR, LF or CRLF, as
 * for {@code readLine}; a reply ends with a line whose fourth byte is a space; a line whose fourth
 * byte is {@code +} opens a data block that ends with a line {@code .}) and fails with a {@link
 * ControlLimitException} once a line exceeds {@link #MAX_LINE_BYTES} or a reply (events included)
 * exceeds {@link #MAX_REPLY_BYTES}.
 *
 * <p>jtorctl must read it through a single-byte charset (ISO-8859-1, see {@link ControlChannel}),
 * so that the fourth character it tests is the fourth byte counted here. Read by jtorctl's reader
 * thread only; {@link #tripped()} may be asked from any thread.
 */
final class ControlReplyInput extends FilterInputStream {
  /** Bytes in one reply line: Tor's own lines are far shorter; a long router status fits. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  /** Bytes in one reply, its data blocks included: ample for the commands this library sends. */
  static final int MAX_REPLY_BYTES = 1024 * 1024;

  /** A control reply over a limit. */
  static final class ControlLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    ControlLimitException(String message) {
      super(message);
    }
  }

  private final byte[] head = new byte[4];
  private int lineBytes;
  private long replyBytes;
  private boolean afterCr;
  private boolean inData;
  private volatile ControlLimitException tripped;

  ControlReplyInput(InputStream in) {
    super(in);
  }

  /** The limit that ended the stream, or null. */
  ControlLimitException tripped() {
    return tripped;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (tripped != null) {
      throw tripped;
    }
    int n = in.read(b, off, len);
    for (int i = off; i < off + n; i++) {
      count(b[i]);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(n, 512)];
    return Math.max(0, read(buffer, 0, buffer.length));
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void count(byte c) throws ControlLimitException {
    if (++replyBytes > MAX_REPLY_BYTES) {
      throw trip("a reply of more than " + MAX_REPLY_BYTES + " bytes");
    }
    if (c == '\n' && afterCr) {
      afterCr = false; // the LF of a CR LF: the line ended at its CR
      return;
    }
    afterCr = c == '\r';
    if (c != '\r' && c != '\n') {
      if (lineBytes < head.length) {
        head[lineBytes] = c;
      }
      if (++lineBytes > MAX_LINE_BYTES) {
        throw trip("a reply line of more than " + MAX_LINE_BYTES + " bytes");
      }
      return;
    }
    if (inData) {
      inData = !(lineBytes == 1 && head[0] == '.');
    } else if (lineBytes >= 4 && head[3] == '+') {
      inData = true;
    } else if (lineBytes >= 4 && head[3] == ' ') {
      replyBytes = 0; // the reply is complete
    }
    lineBytes = 0;
  }

  private ControlLimitException trip(String what) {
    tripped =
        new ControlLimitException(
            "the Tor control port sent " + what + " (limit of the control reply reader)");
    return tripped;
  }
}
