package org.onionmx.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.xbill.DNS.Address;

/**
 * IP addresses with a port, read from text and written as text without any name look-up: {@code
 * 127.0.0.1:9050}, {@code [::1]:9050}.
 *
 * <p>Only IP literals are read. An IPv4 address is a dotted quad: exactly four decimal numbers of
 * 0-255, without leading zeros; so {@code 1.2.3} (which {@link InetAddress#getByName} reads as
 * 1.2.0.3), {@code 300.1.1.1} (which it hands to the system resolver) and {@code 010.0.0.1} (octal
 * to some C libraries) are refused. An IPv6 address is in brackets, or bare where no port follows.
 * Anything else, a host name among it, is refused and never looked up. Text is read as given: the
 * caller strips white space.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message is the reason alone (such as {@code
 * port must be 1-65535}), for the caller to put after the value and the setting it came from.
 */
public final class HostPort {
  private HostPort() {}

  /**
   * Reads {@code IP:PORT} or {@code [IPv6]:PORT}; the port is required.
   *
   * @throws IllegalArgumentException if {@code text} is not of this form
   */
  public static InetSocketAddress parse(String text) {
    return parse(text, 0, true);
  }

  /**
   * Reads {@code IP[:PORT]}, {@code [IPv6][:PORT]} or a bare IPv6 address; {@code defaultPort} when
   * no port is given.
   *
   * @throws IllegalArgumentException if {@code text} is not of this form, or {@code defaultPort}
   *     is not 1-65535
   */
  public static InetSocketAddress parse(String text, int defaultPort) {
    Checks.port(defaultPort, "defaultPort");
    return parse(text, defaultPort, false);
  }

  private static InetSocketAddress parse(String text, int defaultPort, boolean portRequired) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    InetAddress ip;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']'");
      }
      ip = ipv6(text.substring(1, close));
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("expected ':PORT' after ']'");
        }
        port = rest.substring(1);
      }
    } else if (text.indexOf(':') != text.lastIndexOf(':')) {
      ip = ipv6(text); // a bare IPv6 address: what follows its last ':' is not a port
    } else {
      int colon = text.indexOf(':');
      ip = ipv4(colon < 0 ? text : text.substring(0, colon));
      port = colon < 0 ? null : text.substring(colon + 1);
    }
    if (port != null) {
      return new InetSocketAddress(ip, parsePort(port));
    }
    if (portRequired) {
      throw new IllegalArgumentException(
          "no port: give IP:PORT, such as 127.0.0.1:9050 or [::1]:9050");
    }
    return new InetSocketAddress(ip, defaultPort);
  }

  /**
   * Reads an IP address alone: a dotted quad, or an IPv6 address with or without brackets.
   *
   * @throws IllegalArgumentException if {@code text} is not an IP literal
   */
  public static InetAddress parseIp(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() >= 2 && text.startsWith("[") && text.endsWith("]")) {
      return ipv6(text.substring(1, text.length() - 1));
    }
    return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
  }

  /**
   * Reads a port: one to five ASCII digits making 1-65535.
   *
   * @throws IllegalArgumentException if {@code digits} is anything else
   */
  public static int parsePort(String digits) {
    Objects.requireNonNull(digits, "digits");
    if (digits.isEmpty()
        || digits.length() > 5
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
    int port = Integer.parseInt(digits);
    if (!Checks.isPort(port)) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
    return port;
  }

  /** {@code 127.0.0.1:9050} or {@code [0:0:0:0:0:0:0:1]:9050}: the form {@link #parse} reads. */
  public static String format(InetAddress ip, int port) {
    String host = ip.getHostAddress();
    return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * {@link #format(InetAddress, int)} of a resolved address.
   *
   * @throws IllegalArgumentException if {@code address} is unresolved
   */
  public static String format(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("unresolved: " + address.getHostString());
    }
    return format(address.getAddress(), address.getPort());
  }

  private static InetAddress ipv4(String text) {
    byte[] bytes = new byte[4];
    int part = 0;
    int digits = 0;
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9' && digits < 3 && !(digits == 1 && value == 0)) {
        value = value * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && part < 3 && value <= 255) {
        bytes[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        throw notIpv4(text);
      }
    }
    if (part != 3 || digits == 0 || value > 255) {
      throw notIpv4(text);
    }
    bytes[3] = (byte) value;
    return address(bytes);
  }

  private static IllegalArgumentException notIpv4(String text) {
    boolean numeric = text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    return new IllegalArgumentException(
        numeric
            ? "not an IPv4 address (four numbers of 0-255 without leading zeros)"
            : "not an IP address (names are never looked up)");
  }

  private static InetAddress ipv6(String text) {
    // dnsjava's parser, given only ASCII and groups of at most four hex digits (it would take
    // other scripts' digits and longer groups); an IPv4 tail is read by its dotted-quad rule
    boolean plain = !text.isEmpty() && text.chars().allMatch(HostPort::ipv6Char);
    if (plain) {
      for (String group : text.split(":", -1)) {
        if (group.length() > 4 && group.indexOf('.') < 0) {
          plain = false;
        }
      }
    }
    byte[] bytes = plain ? Address.toByteArray(text, Address.IPv6) : null;
    if (bytes == null) {
      throw new IllegalArgumentException("not an IPv6 address");
    }
    return address(bytes);
  }

  private static boolean ipv6Char(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F')
        || c == ':'
        || c == '.';
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes); // bytes: no look-up
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an IP address", e);
    }
  }
}
