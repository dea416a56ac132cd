package org.onionmx.tor;

/**
 * The SOCKS proxy answered something that is not a valid SOCKS5 reply, or refused the handshake
 * itself: a wrong version byte, "no acceptable methods" (0xFF), a method that was not offered, a
 * failed user name/password authentication, an unknown address type in the reply, or end of stream
 * in the middle of a reply. {@link #replyCode()} is {@link #NO_REPLY}.
 *
 * <p>Always {@linkplain #isTemporary() temporary}: the fault lies with the local proxy (not Tor, a
 * Tor being restarted, or a misconfigured port), never with the destination, so the message should
 * wait for the operator rather than bounce.
 */
public class SocksProtocolException extends TorSocksException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong, naming the proxy and the destination
   * @param cause the underlying exception, or null
   */
  public SocksProtocolException(String message, Throwable cause) {
    super(message, NO_REPLY, true, cause);
  }
}
