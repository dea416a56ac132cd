package org.onionmx.resolve;

/**
 * RFC 4648 base32 decoding of lower-case service ids, without padding. Hand-written because the JDK
 * has no base32 codec and one 20-line decoder is not worth a dependency.
 */
final class Base32 {
  private Base32() {}

  static boolean isBase32(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (value(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes {@code s} (length a multiple of 8, characters already checked) to bytes. */
  static byte[] decode(String s) {
    byte[] out = new byte[s.length() * 5 / 8];
    long buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      buffer = (buffer << 5) | value(s.charAt(i));
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (buffer >>> bits);
      }
    }
    return out;
  }

  private static int value(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    return -1;
  }
}
