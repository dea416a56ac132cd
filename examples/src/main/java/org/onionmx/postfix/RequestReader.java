package org.onionmx.postfix;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads tcp_table(5) request lines from one client under one deadline per line: the socket's read
 * timeout is set to what is left of it before every read, so a client that trickles one byte at a
 * time gets no more time for a request than one that sends nothing. Not thread-safe.
 */
final class RequestReader {
  /** A request line longer than the limit: its framing is lost. */
  static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(int max) {
      super("request line longer than " + max + " bytes");
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final byte[] buffer = new byte[8192];
  private final byte[] line;
  private int position;
  private int limit;

  RequestReader(Socket socket, InputStream in, int maxLine) {
    this.socket = socket;
    this.in = in;
    this.line = new byte[maxLine];
  }

  /**
   * The next line, without its LF or CRLF, read as UTF-8; {@code null} when the client closed the
   * connection (a partial last line is dropped: it was never a request).
   *
   * @param deadlineNanos the {@link System#nanoTime()} by which the whole line must have arrived
   * @throws SocketTimeoutException if it has not by then
   * @throws LineTooLongException if the line is longer than the limit
   */
  String next(long deadlineNanos) throws IOException {
    int length = 0;
    while (true) {
      if (position == limit) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("no whole request line before the deadline");
        }
        // 0 would mean "no timeout": round up to at least 1 ms
        socket.setSoTimeout(
            (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        int n = in.read(buffer);
        if (n < 0) {
          return null;
        }
        position = 0;
        limit = n;
      }
      byte c = buffer[position++];
      if (c == '\n') {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        return new String(line, 0, end, StandardCharsets.UTF_8);
      }
      if (length == line.length) {
        throw new LineTooLongException(line.length);
      }
      line[length++] = c;
    }
  }
}
