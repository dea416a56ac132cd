package org.onionmx.tor;

import java.util.Optional;

/**
 * The SOCKS5 failure replies (RFC 1928 section 6) and Tor's extended onion-service replies (sent
 * when the SocksPort has the {@code ExtendedErrors} flag), with what each means for mail delivery.
 *
 * <p>{@link #isTemporary()} answers one question: may a later attempt, or another target of the
 * same domain, succeed? A temporary failure defers the message; a permanent one means retrying the
 * same destination with the same configuration cannot help. The choices follow the replies Tor
 * 0.4.9 was seen to give (see the tornet README): an unknown or unpublished onion is 0xF0, a
 * mistyped one 0xF6, an onion port that is not configured 0x05, a configured port whose server is
 * down 0x01, and an onion service that stopped answering 0x06 after Tor's SocksTimeout.
 *
 * <p>Immutable and thread-safe.
 */
public enum SocksReply {
  /**
   * 0x01, general failure. Temporary: Tor answers it for an onion port whose server is down and for
   * many transient circuit failures.
   */
  GENERAL_FAILURE(
      0x01, "general SOCKS server failure", "Tor reported a general failure for %s", true),
  /**
   * 0x02, not allowed by ruleset. Permanent: the local Tor's policy (for example an exit or
   * SocksPolicy rule) forbids the stream; only the operator can change that.
   */
  NOT_ALLOWED(
      0x02,
      "connection not allowed by ruleset",
      "Tor's policy does not allow a connection to %s",
      false),
  /** 0x03, network unreachable. Temporary: Tor has no usable circuit right now. */
  NETWORK_UNREACHABLE(0x03, "network unreachable", "Tor could not reach the network for %s", true),
  /**
   * 0x04, host unreachable. Temporary: the destination could not be reached this time; a Tor
   * without {@code ExtendedErrors} also folds onion-service failures into this and 0x01.
   */
  HOST_UNREACHABLE(0x04, "host unreachable", "Tor could not reach %s", true),
  /**
   * 0x05, connection refused. Temporary: for an onion, Tor answers it when the service does not
   * offer this port; mail practice defers on refused connections, as the operator may be moving the
   * service or fixing its configuration.
   */
  CONNECTION_REFUSED(
      0x05, "connection refused", "the destination refused the connection to %s", true),
  /**
   * 0x06, TTL expired. Temporary: Tor answers it when the stream timed out (after its SocksTimeout,
   * 120 s by default), for example when the onion service's Tor is down.
   */
  TTL_EXPIRED(0x06, "TTL expired (Tor stream timed out)", "Tor timed out connecting to %s", true),
  /**
   * 0x07, command not supported. Permanent: a configuration error (the port is not a Tor SOCKS port
   * that accepts CONNECT); retrying cannot help until the operator fixes it.
   */
  COMMAND_NOT_SUPPORTED(
      0x07, "command not supported", "the SOCKS proxy does not support CONNECT for %s", false),
  /**
   * 0x08, address type not supported. Permanent: a configuration error (the proxy does not take
   * host names, so it is not Tor or Tor is configured against it).
   */
  ADDRESS_TYPE_NOT_SUPPORTED(
      0x08,
      "address type not supported",
      "the SOCKS proxy does not accept a host name for %s",
      false),
  /**
   * 0xF0, onion service descriptor not found. Temporary: the service may be down, not yet
   * published, or its descriptor not yet reachable on the HSDirs.
   */
  ONION_DESCRIPTOR_NOT_FOUND(
      0xF0,
      "onion service descriptor not found",
      "Tor could not find the onion service descriptor for %s",
      true),
  /**
   * 0xF1, onion service descriptor invalid. Temporary: descriptors are republished regularly and a
   * later one may parse; a broken descriptor is the remote operator's fault, not the address's.
   */
  ONION_DESCRIPTOR_INVALID(
      0xF1,
      "onion service descriptor invalid",
      "Tor found an invalid onion service descriptor for %s",
      true),
  /**
   * 0xF2, introduction failed. Temporary: introduction points come and go; a new circuit may work.
   */
  ONION_INTRODUCTION_FAILED(
      0xF2,
      "onion service introduction failed",
      "Tor could not introduce itself to the onion service %s",
      true),
  /** 0xF3, rendezvous failed. Temporary: the rendezvous circuit failed; a new one may work. */
  ONION_RENDEZVOUS_FAILED(
      0xF3,
      "onion service rendezvous failed",
      "Tor could not complete the rendezvous with the onion service %s",
      true),
  /**
   * 0xF4, client authorization missing. Permanent: the service requires client authorization that
   * this Tor does not have; an operator must add the key.
   */
  ONION_CLIENT_AUTH_MISSING(
      0xF4,
      "onion service client authorization missing",
      "the onion service %s requires client authorization that Tor does not have",
      false),
  /**
   * 0xF5, client authorization wrong. Permanent: the configured client authorization key is
   * rejected; an operator must replace it.
   */
  ONION_CLIENT_AUTH_WRONG(
      0xF5,
      "onion service client authorization wrong",
      "the onion service %s rejected Tor's client authorization",
      false),
  /**
   * 0xF6, bad onion address. Permanent: the name is not a valid onion address (bad checksum or
   * length); it will never work.
   */
  ONION_BAD_ADDRESS(
      0xF6, "invalid onion address", "Tor refused %s as an invalid onion address", false),
  /** 0xF7, introduction timed out. Temporary: the service or its introduction points were slow. */
  ONION_INTRODUCTION_TIMED_OUT(
      0xF7,
      "onion service introduction timed out",
      "Tor timed out introducing itself to the onion service %s",
      true);

  private final int code;
  private final String description;
  private final String template;
  private final boolean temporary;

  SocksReply(int code, String description, String template, boolean temporary) {
    this.code = code;
    this.description = description;
    this.template = template;
    this.temporary = temporary;
  }

  /** The REP byte, 0x01-0x08 or 0xF0-0xF7. */
  public int code() {
    return code;
  }

  /** A short name for the reply, as in RFC 1928 or Tor's socks-extensions. */
  public String description() {
    return description;
  }

  /** True if a later attempt, or another target, may succeed. */
  public boolean isTemporary() {
    return temporary;
  }

  /**
   * The reply for a REP byte.
   *
   * @param code the REP byte of a SOCKS5 reply
   * @return the reply, or empty for 0x00 (success) and for codes neither RFC 1928 nor Tor defines
   */
  public static Optional<SocksReply> of(int code) {
    for (SocksReply r : values()) {
      if (r.code == code) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Describes a failure reply in words, naming the destination and the code, for example {@code
   * "Tor could not find the onion service descriptor for x.onion:25 (SOCKS 0xF0)"}. An unknown code
   * reads as a general failure with the code in the text.
   *
   * @param code the REP byte (not 0x00)
   * @param destination {@code host:port}
   */
  static String message(int code, String destination) {
    String text =
        of(code)
            .map(r -> String.format(r.template, destination))
            .orElse("Tor reported an unknown failure for " + destination);
    return text + " (SOCKS " + hex(code) + ")";
  }

  /** Temporary unless the code is a known permanent reply. */
  static boolean isTemporary(int code) {
    return of(code).map(SocksReply::isTemporary).orElse(true);
  }

  /** {@code 0xF0}-style hex for a byte. */
  static String hex(int b) {
    return String.format("0x%02X", b & 0xFF);
  }
}
