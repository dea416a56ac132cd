package org.onionmx.resolve;

import static org.onionmx.resolve.InvalidOnionAddressException.Reason;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A validated Tor v3 onion service address, such as {@code
 * 25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion}, optionally with subdomain labels
 * before the service id ({@code mx.<id>.onion}, which reaches the same service).
 *
 * <p>{@link #parse} accepts upper or lower case and one trailing dot, and checks everything Tor
 * checks in the name itself: 56 base32 characters, version byte 3, and the checksum {@code
 * SHA3-256(".onion checksum" | pubkey | 0x03)[0..2]}. It refuses v2 names with their own reason,
 * because v2 services stopped working in Tor in 2021, and look-alikes such as {@code mail.myonion.}
 * or {@code x.onion.example.com}. It does not check that the key is a valid Ed25519 point; Tor
 * refuses such an address itself (SOCKS code 0xF6).
 *
 * @param serviceId the 56-character lower-case base32 service id, without {@code .onion}
 * @param subdomain the labels before the service id, lower case, without a final dot; empty if none
 */
public record OnionAddress(String serviceId, String subdomain) {
  private static final int V3_LENGTH = 56;
  private static final int V2_LENGTH = 16;
  private static final int MAX_NAME = 253;
  private static final int VERSION = 3;
  private static final byte[] CHECKSUM_PREFIX =
      ".onion checksum".getBytes(StandardCharsets.US_ASCII);
  private static final String SUFFIX = ".onion";

  /**
   * Validates the components as given (lower case, no dots in {@code serviceId}).
   *
   * @throws InvalidOnionAddressException if either part is not valid
   */
  public OnionAddress {
    if (serviceId == null || serviceId.isEmpty()) {
      throw new InvalidOnionAddressException(serviceId, Reason.EMPTY);
    }
    subdomain = subdomain == null ? "" : subdomain;
    String host = hostname(serviceId, subdomain);
    checkServiceId(host, serviceId);
    if (!subdomain.isEmpty()) {
      for (String label : subdomain.split("\\.", -1)) {
        if (!isDnsLabel(label)) {
          throw new InvalidOnionAddressException(host, Reason.BAD_SUBDOMAIN);
        }
      }
    }
  }

  /**
   * Parses a host name such as {@code Mx.25NJQ…SID.onion.}: case-insensitive, one trailing dot
   * allowed, no port.
   *
   * @throws InvalidOnionAddressException with the reason the name is not a v3 onion address
   */
  public static OnionAddress parse(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidOnionAddressException(name, Reason.EMPTY);
    }
    if (name.length() > MAX_NAME + 1) {
      throw new InvalidOnionAddressException(name, Reason.TOO_LONG);
    }
    String host = lowerAscii(name);
    if (host == null) {
      throw new InvalidOnionAddressException(name, Reason.BAD_CHARACTER);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.length() > MAX_NAME) {
      throw new InvalidOnionAddressException(name, Reason.TOO_LONG);
    }
    if (host.equals("onion") || host.isEmpty()) {
      throw new InvalidOnionAddressException(name, Reason.MISSING_SERVICE_ID);
    }
    if (!host.endsWith(SUFFIX)) {
      throw new InvalidOnionAddressException(name, Reason.NOT_ONION);
    }
    String rest = host.substring(0, host.length() - SUFFIX.length());
    if (rest.isEmpty() || rest.endsWith(".")) {
      throw new InvalidOnionAddressException(name, Reason.MISSING_SERVICE_ID);
    }
    int dot = rest.lastIndexOf('.');
    String id = rest.substring(dot + 1);
    String sub = dot < 0 ? "" : rest.substring(0, dot);
    checkServiceId(name, id);
    try {
      return new OnionAddress(id, sub);
    } catch (InvalidOnionAddressException e) {
      throw new InvalidOnionAddressException(name, e.reason());
    }
  }

  /**
   * True if {@code name} is in the {@code .onion} special-use domain (RFC 7686), valid or not: such
   * a name must never be sent to a DNS resolver.
   */
  public static boolean isOnionName(String name) {
    if (name == null) {
      return false;
    }
    int end = name.length();
    if (end > 0 && name.charAt(end - 1) == '.') {
      end--;
    }
    int start = end - 5;
    if (start < 0 || !name.regionMatches(true, start, "onion", 0, 5)) {
      return false;
    }
    return start == 0 || name.charAt(start - 1) == '.';
  }

  /** The host name to hand to Tor: {@code [subdomain.]serviceId.onion}, lower case. */
  public String hostname() {
    return hostname(serviceId, subdomain);
  }

  /** The service's own name, without subdomain labels: {@code serviceId.onion}. */
  public OnionAddress service() {
    return subdomain.isEmpty() ? this : new OnionAddress(serviceId, "");
  }

  /** The 32-byte Ed25519 public key of the service. */
  public byte[] publicKey() {
    return Arrays.copyOf(Base32.decode(serviceId), 32);
  }

  @Override
  public String toString() {
    return hostname();
  }

  private static String hostname(String serviceId, String subdomain) {
    return (subdomain.isEmpty() ? "" : subdomain + ".") + serviceId + SUFFIX;
  }

  private static void checkServiceId(String input, String id) {
    if (id.length() == V2_LENGTH && Base32.isBase32(id)) {
      throw new InvalidOnionAddressException(input, Reason.V2);
    }
    if (id.length() != V3_LENGTH) {
      for (int i = 0; i < id.length(); i++) {
        if (!isHostChar(id.charAt(i))) {
          throw new InvalidOnionAddressException(input, Reason.BAD_CHARACTER);
        }
      }
      throw new InvalidOnionAddressException(input, Reason.BAD_LENGTH);
    }
    if (!Base32.isBase32(id)) {
      throw new InvalidOnionAddressException(input, Reason.NOT_BASE32);
    }
    byte[] raw = Base32.decode(id); // 35 bytes: pubkey(32) | checksum(2) | version(1)
    if ((raw[34] & 0xff) != VERSION) {
      throw new InvalidOnionAddressException(input, Reason.BAD_VERSION);
    }
    byte[] digest = sha3(raw);
    if (digest[0] != raw[32] || digest[1] != raw[33]) {
      throw new InvalidOnionAddressException(input, Reason.BAD_CHECKSUM);
    }
  }

  private static byte[] sha3(byte[] raw) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA3-256");
      md.update(CHECKSUM_PREFIX);
      md.update(raw, 0, 32);
      md.update((byte) VERSION);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA3-256", e);
    }
  }

  private static boolean isHostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }

  private static boolean isDnsLabel(String label) {
    if (label.isEmpty() || label.length() > 63) {
      return false;
    }
    if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
      return false;
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!isHostChar(c) && c != '_') {
        return false;
      }
    }
    return true;
  }

  /** Lower-cases ASCII letters; returns null if a character is outside letters, digits, - . _ */
  private static String lowerAscii(String s) {
    char[] out = new char[s.length()];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      } else if (!isHostChar(c) && c != '.' && c != '_') {
        return null;
      }
      out[i] = c;
    }
    return new String(out);
  }
}
