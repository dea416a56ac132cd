package org.onionmx.resolve;

import static org.onionmx.resolve.InvalidOnionAddressException.Reason;

/**
 * One place to deliver to: an onion service and its SMTP port.
 *
 * @param onion the onion service
 * @param port the TCP port on the service, 1-65535 (SMTP is 25)
 */
public record OnionTarget(OnionAddress onion, int port) {
  /** The SMTP port, used when a map or address names no port. */
  public static final int SMTP_PORT = 25;

  /**
   * @throws NullPointerException if {@code onion} is null
   * @throws InvalidOnionAddressException if {@code port} is outside 1-65535
   */
  public OnionTarget {
    if (onion == null) {
      throw new NullPointerException("onion");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidOnionAddressException(onion + ":" + port, Reason.BAD_PORT);
    }
  }

  /**
   * Parses {@code host[:port]} or {@code [host]:port}, with {@link #SMTP_PORT} if none is given.
   *
   * @throws InvalidOnionAddressException if the host is not a v3 onion or the port is invalid
   */
  public static OnionTarget parse(String text) {
    return parse(text, SMTP_PORT);
  }

  /**
   * Parses {@code host[:port]} or {@code [host][:port]}, with {@code defaultPort} if none is given.
   *
   * @throws InvalidOnionAddressException if the host is not a v3 onion or the port is invalid
   */
  public static OnionTarget parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) {
      throw new InvalidOnionAddressException(text, Reason.EMPTY);
    }
    String host = text.strip();
    int port = defaultPort;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new InvalidOnionAddressException(text, Reason.BAD_CHARACTER);
      }
      String after = host.substring(close + 1);
      host = host.substring(1, close);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new InvalidOnionAddressException(text, Reason.BAD_CHARACTER);
        }
        port = parsePort(text, after.substring(1));
      }
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        port = parsePort(text, host.substring(colon + 1));
        host = host.substring(0, colon);
      }
    }
    try {
      return new OnionTarget(OnionAddress.parse(host), port);
    } catch (InvalidOnionAddressException e) {
      throw new InvalidOnionAddressException(text, e.reason());
    }
  }

  private static int parsePort(String text, String digits) {
    if (digits.isEmpty() || digits.length() > 5) {
      throw new InvalidOnionAddressException(text, Reason.BAD_PORT);
    }
    int port = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidOnionAddressException(text, Reason.BAD_PORT);
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) {
      throw new InvalidOnionAddressException(text, Reason.BAD_PORT);
    }
    return port;
  }

  @Override
  public String toString() {
    return onion.hostname() + ":" + port;
  }
}
