package org.onionmx.postfix;

import org.slf4j.Logger;

/**
 * Logs a repeating failure (the acceptor's, out of file descriptors) at most once per interval,
 * with the number of failures since the previous line, and says once when it has recovered: a
 * server that cannot accept must not fill the disk with its log. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private long lastNanos;
  private boolean reportedSinceRecovery;
  private long unreported;

  RateLimitedLog(Logger log, long intervalNanos) {
    this.log = log;
    this.intervalNanos = intervalNanos;
    this.lastNanos = System.nanoTime() - intervalNanos;
  }

  /** Records one failure; logs it if no line was logged within the interval. */
  synchronized void failed(Throwable error, long retryMillis) {
    long now = System.nanoTime();
    if (now - lastNanos < intervalNanos) {
      unreported++;
      return;
    }
    log.warn(
        "tcp_table accept failed: {}{}; retrying in {} ms, backing off to {} ms",
        error.toString(),
        unreported > 0 ? " (and " + unreported + " more times since the last report)" : "",
        retryMillis,
        TcpTableServer.ACCEPT_BACKOFF_MAX.toMillis());
    lastNanos = now;
    unreported = 0;
    reportedSinceRecovery = true;
  }

  /** Records a successful accept after failures; logs it once per logged failure. */
  synchronized void recovered() {
    if (reportedSinceRecovery) {
      log.info(
          "tcp_table accepting again{}",
          unreported > 0 ? " after " + unreported + " more failed accepts" : "");
      reportedSinceRecovery = false;
      unreported = 0;
    }
  }
}
