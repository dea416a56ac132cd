package org.onionmx.tor;

import java.io.IOException;
import java.util.Optional;

/**
 * Tor (or the SOCKS5 hop to it) could not open a stream. Carries the SOCKS5 reply code, including
 * Tor's extended onion codes 0xF0-0xF7, and whether trying again later may succeed.
 */
public class TorSocksException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@link #replyCode()} when no reply code applies (no listener, timeout, garbage reply). */
  public static final int NO_REPLY = -1;

  private final int replyCode;
  private final boolean temporary;

  /**
   * @param message what happened, in words, naming the destination
   * @param replyCode the SOCKS5 REP byte (0x01-0xFF), or {@link #NO_REPLY}
   * @param temporary true if a later attempt may succeed
   * @param cause the underlying exception, or null
   */
  public TorSocksException(String message, int replyCode, boolean temporary, Throwable cause) {
    super(message, cause);
    this.replyCode = replyCode;
    this.temporary = temporary;
  }

  /**
   * The SOCKS5 reply code (for example 0xF0 for "onion descriptor not found"), or {@link
   * #NO_REPLY}.
   */
  public int replyCode() {
    return replyCode;
  }

  /** True if a later attempt, or another target, may succeed. */
  public boolean isTemporary() {
    return temporary;
  }

  /**
   * The reply as a {@link SocksReply}; empty for {@link #NO_REPLY} and for codes nobody defines.
   */
  public Optional<SocksReply> reply() {
    return SocksReply.of(replyCode);
  }
}
