package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the tcp_table {@code %XX} codec: decoding any text gives a string or an {@link
 * IllegalArgumentException}; encoding any text gives printable ASCII without spaces in which {@code
 * %} only starts an escape, and decoding that gives the text back.
 *
 * <p>Seeds: {@code src/test/resources/org/onionmx/postfix/TcpTableCodecFuzzTestInputs/}.
 */
class TcpTableCodecFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void decodeAndEncodeRoundTrip(byte[] utf8) {
    String text = new String(utf8, StandardCharsets.UTF_8);
    try {
      TcpTableCodec.decode(text);
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().startsWith("bad %-escape"), expected::getMessage);
    }
    String encoded = TcpTableCodec.encode(text);
    assertEncoded(encoded);
    assertEquals(text, TcpTableCodec.decode(encoded));
  }

  /**
   * Printable ASCII but space, with {@code %} only before two upper-case hex digits. (A loop: the
   * regular expression for this recurses once per character and overflowed the stack on a long fuzz
   * input.)
   */
  private static void assertEncoded(String encoded) {
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        assertTrue(
            i + 2 < encoded.length()
                && isHex(encoded.charAt(i + 1))
                && isHex(encoded.charAt(i + 2)),
            encoded);
        i += 2;
      } else {
        assertTrue(c > ' ' && c < 0x7f, encoded);
      }
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }
}
