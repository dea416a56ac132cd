package org.onionmx.resolve;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import org.xbill.DNS.Address;

/**
 * A DNS server the resolver sends its SRV queries to.
 *
 * @param address the server's IP address and port; never an unresolved host name
 * @param tcp true to query over TCP only; false for UDP, retried over TCP when the answer is
 *     truncated
 */
public record DnsServer(InetSocketAddress address, boolean tcp) {
  /** The DNS port, used when {@link #parse} is given none. */
  public static final int DNS_PORT = 53;

  /**
   * @throws NullPointerException if {@code address} is null
   * @throws IllegalArgumentException if {@code address} is unresolved or its port is 0
   */
  public DnsServer {
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("DNS server must be an IP address: " + address);
    }
    if (address.getPort() == 0) {
      throw new IllegalArgumentException("DNS server port must be 1-65535: " + address);
    }
  }

  /**
   * Parses {@code IP[:PORT][/tcp|/udp]}: {@code 127.0.0.1}, {@code 9.9.9.9:5353/tcp}, {@code
   * [::1]:53}, {@code ::1}. The port defaults to {@value #DNS_PORT}, the transport to UDP. Only IP
   * literals are accepted: a host name is refused, never looked up.
   *
   * @throws IllegalArgumentException naming the input if it is not of this form
   */
  public static DnsServer parse(String text) {
    if (text == null || text.isBlank()) {
      throw bad(text, "empty");
    }
    String s = text.strip();
    boolean tcp = false;
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      String transport = s.substring(slash + 1).toLowerCase(Locale.ROOT);
      if (transport.equals("tcp")) {
        tcp = true;
      } else if (!transport.equals("udp")) {
        throw bad(text, "transport must be /tcp or /udp");
      }
      s = s.substring(0, slash);
    }
    String host;
    String port = null;
    int family;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw bad(text, "missing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad(text, "expected ':PORT' after ']'");
        }
        port = rest.substring(1);
      }
      family = Address.IPv6;
    } else if (s.indexOf(':') != s.lastIndexOf(':')) {
      host = s;
      family = Address.IPv6;
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
      family = Address.IPv4;
    }
    byte[] bytes = Address.toByteArray(host, family);
    if (bytes == null) {
      throw bad(text, "not an IP" + (family == Address.IPv6 ? "v6" : "v4") + " address");
    }
    InetAddress ip;
    try {
      ip = InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw bad(text, "not an IP address");
    }
    int p = port == null ? DNS_PORT : parsePort(text, port);
    return new DnsServer(new InetSocketAddress(ip, p), tcp);
  }

  private static int parsePort(String text, String digits) {
    if (digits.isEmpty()
        || digits.length() > 5
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(text, "port must be 1-65535");
    }
    int port = Integer.parseInt(digits);
    if (port < 1 || port > 65535) {
      throw bad(text, "port must be 1-65535");
    }
    return port;
  }

  private static IllegalArgumentException bad(String text, String reason) {
    return new IllegalArgumentException(
        "not a DNS server (IP[:PORT][/tcp]): '" + text + "': " + reason);
  }

  /** The form {@link #parse} reads, such as {@code [::1]:53/tcp}. */
  @Override
  public String toString() {
    InetAddress ip = address.getAddress();
    String host =
        ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    return host + ":" + address.getPort() + (tcp ? "/tcp" : "");
  }
}
