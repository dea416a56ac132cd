package org.onionmx.tor;

import java.io.IOException;
import java.util.Objects;

/**
 * A {@link TorProcess} could not start. {@link #kind()} says how; {@link #logTail()} holds the last
 * lines tor wrote, which usually say why.
 */
public class TorProcessException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How starting tor failed. */
  public enum Kind {
    /** No {@code tor} executable at the given path, on {@code PATH} or in the usual places. */
    NO_BINARY,
    /** Tor exited during start-up (a bad configuration line, a data directory it refuses, …). */
    EXITED,
    /** Tor was still running but had not bootstrapped to 100 % when the start-up timeout passed. */
    STARTUP_TIMEOUT,
    /** Tor's control port, which the process itself opened, refused or dropped the connection. */
    CONTROL_FAILED
  }

  private final Kind kind;
  private final String logTail;

  /**
   * @param kind how it failed
   * @param message what happened, in words
   * @param logTail the last lines of tor's output and log, or empty
   * @param cause the underlying exception, or null
   */
  public TorProcessException(Kind kind, String message, String logTail, Throwable cause) {
    super(logTail.isEmpty() ? message : message + "; tor's last lines:\n" + logTail, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.logTail = logTail;
  }

  /** How it failed. */
  public Kind kind() {
    return kind;
  }

  /** The last lines of tor's standard output and notice log (empty if there were none). */
  public String logTail() {
    return logTail;
  }
}
