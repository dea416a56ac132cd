package org.onionmx.deliver;

import java.io.IOException;

/**
 * An SMTP server sent more than a {@link ReplyLimits limit} allows for one reply: a line longer
 * than {@link ReplyLimits#MAX_LINE_BYTES}, more than {@link ReplyLimits#MAX_LINES} lines, or (over
 * TLS) more than {@link ReplyLimits#MAX_REPLY_BYTES} bytes. The session ends as a temporary failure
 * of kind {@link Failure.Connection.Kind#LIMIT} and is never reused.
 */
final class ReplyLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Which limit was reached. */
  enum Limit {
    /** Bytes in one reply line. */
    LINE_LENGTH,
    /** Lines in one reply. */
    LINES_PER_REPLY,
    /** Bytes in one reply, counted under TLS, where lines are not visible. */
    REPLY_BYTES
  }

  private final Limit limit;
  private final long bound;

  ReplyLimitException(Limit limit, long bound, String message) {
    super(message);
    this.limit = limit;
    this.bound = bound;
  }

  Limit limit() {
    return limit;
  }

  /** The limit's value: bytes or lines. */
  long bound() {
    return bound;
  }
}
