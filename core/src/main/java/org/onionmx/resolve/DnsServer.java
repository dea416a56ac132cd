package org.onionmx.resolve;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import org.onionmx.internal.HostPort;

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
    try {
      return new DnsServer(HostPort.parse(s, DNS_PORT), tcp);
    } catch (IllegalArgumentException e) {
      throw bad(text, e.getMessage());
    }
  }

  private static IllegalArgumentException bad(String text, String reason) {
    return new IllegalArgumentException(
        "not a DNS server (IP[:PORT][/tcp]): '" + text + "': " + reason);
  }

  /** The form {@link #parse} reads, such as {@code [::1]:53/tcp}. */
  @Override
  public String toString() {
    return HostPort.format(address) + (tcp ? "/tcp" : "");
  }
}
