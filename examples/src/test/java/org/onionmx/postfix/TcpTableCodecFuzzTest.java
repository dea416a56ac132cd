package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Fuzzes the tcp_table {@code %XX} codec: decoding any text gives a string or an {@link
 * IllegalArgumentException}; encoding any text gives printable ASCII without spaces in which {@code
 * %} only starts an escape, and decoding that gives the text back.
 *
 * <p>Seeds: {@code src/test/resources/org/onionmx/postfix/TcpTableCodecFuzzTestInputs/}.
 */
class TcpTableCodecFuzzTest {
  private static final Pattern ENCODED =
      Pattern.compile("([\\x21-\\x24\\x26-\\x7e]|%[0-9A-F]{2})*");

  @FuzzTest(maxDuration = "20s")
  void decodeAndEncodeRoundTrip(byte[] utf8) {
    String text = new String(utf8, StandardCharsets.UTF_8);
    try {
      TcpTableCodec.decode(text);
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().startsWith("bad %-escape"), expected::getMessage);
    }
    String encoded = TcpTableCodec.encode(text);
    assertTrue(ENCODED.matcher(encoded).matches(), encoded);
    assertEquals(text, TcpTableCodec.decode(encoded));
  }
}
