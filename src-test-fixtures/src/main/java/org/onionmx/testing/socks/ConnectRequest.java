package org.onionmx.testing.socks;

import java.util.List;
import java.util.Objects;

/**
 * One SOCKS5 request as {@link FakeTorProxy} received it.
 *
 * @param methods the authentication methods the client offered, in its order
 * @param command the CMD byte (1 is CONNECT)
 * @param addressType the ATYP byte: 1 IPv4, 3 domain name, 4 IPv6
 * @param host the destination as sent: the name for ATYP 3, the address text for 1 and 4
 * @param port the destination port
 * @param username the RFC 1929 user name, or null if the client did not authenticate
 * @param password the RFC 1929 password, or null if the client did not authenticate
 */
public record ConnectRequest(
    List<Integer> methods,
    int command,
    int addressType,
    String host,
    int port,
    String username,
    String password) {
  /** ATYP for an IPv4 address. */
  public static final int IPV4 = 1;

  /** ATYP for a domain name. */
  public static final int DOMAIN = 3;

  /** ATYP for an IPv6 address. */
  public static final int IPV6 = 4;

  /**
   * @throws NullPointerException if {@code methods} or {@code host} is null
   */
  public ConnectRequest {
    methods = List.copyOf(methods);
    Objects.requireNonNull(host, "host");
  }

  /**
   * True if the destination came as an IP address: the client resolved the name somewhere before
   * asking, which for an onion name is a leak.
   */
  public boolean isIpDestination() {
    return addressType == IPV4 || addressType == IPV6;
  }

  /** The destination as {@code host:port}. */
  public String destination() {
    return host + ":" + port;
  }
}
