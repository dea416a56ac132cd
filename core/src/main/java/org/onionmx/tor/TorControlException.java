package org.onionmx.tor;

import java.io.IOException;
import java.util.Objects;

/** Talking to Tor's control port failed. {@link #kind()} says how, {@link #controlPort()} where. */
public class TorControlException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How talking to the control port failed. */
  public enum Kind {
    /** Nothing accepted a connection at the address (Tor not running, or no ControlPort). */
    NOTHING_LISTENING,
    /** The cookie file could not be read (often: the user is not in Tor's group). */
    COOKIE_UNREADABLE,
    /** Tor refused the cookie or password. */
    AUTHENTICATION_REFUSED,
    /** Tor did not reach 100 % bootstrap in the time allowed. */
    NOT_BOOTSTRAPPED,
    /** Tor answered a command with an error. */
    COMMAND_REFUSED,
    /** Tor gave no reply in time; the connection is closed. */
    NO_REPLY,
    /** The connection ended, or was closed, or Tor's reply could not be read. */
    CONNECTION_LOST
  }

  private final Kind kind;
  private final String controlPort;

  /**
   * @param kind how it failed
   * @param controlPort the control port's address, as {@code host:port}
   * @param message what happened, in words
   * @param cause the underlying exception, or null
   */
  public TorControlException(Kind kind, String controlPort, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.controlPort = Objects.requireNonNull(controlPort, "controlPort");
  }

  /** How it failed. */
  public Kind kind() {
    return kind;
  }

  /** The control port's address, as {@code host:port}. */
  public String controlPort() {
    return controlPort;
  }
}
