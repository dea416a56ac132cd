package org.onionmx.postfix;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code %XX} encoding of Postfix's tcp_table(5) protocol: requests and replies are one line,
 * and whitespace, {@code %} and non-printable bytes in keys and values travel as {@code %XX}.
 * Written by hand because it is Postfix's own small variant of URL encoding: {@code +} is a plain
 * character and only the bytes above need escaping, so {@link java.net.URLDecoder} would be wrong.
 */
final class TcpTableCodec {
  private TcpTableCodec() {}

  /**
   * Decodes {@code %XX} sequences into bytes and reads the result as UTF-8.
   *
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits
   */
  static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '%') {
        bytes.write(raw[i]);
        continue;
      }
      int high = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int low = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
      if (high < 0 || low < 0) {
        throw new IllegalArgumentException("bad %-escape at position " + i);
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Encodes bytes at or below space, {@code %}, DEL and above as {@code %XX}. */
  static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= ' ' || c == '%' || c >= 0x7f) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }
}
