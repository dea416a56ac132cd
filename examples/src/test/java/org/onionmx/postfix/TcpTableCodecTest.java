package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TcpTableCodecTest {
  @Test
  void decodesPercentEscapesAsUtf8Bytes() {
    assertEquals("user@riseup.net", TcpTableCodec.decode("user%40riseup.net"));
    assertEquals("a b%c", TcpTableCodec.decode("a%20b%25c"));
    assertEquals("bücher.example", TcpTableCodec.decode("b%C3%BCcher.example"));
    assertEquals("a+b", TcpTableCodec.decode("a+b"));
  }

  @Test
  void refusesTruncatedOrNonHexEscapes() {
    assertThrows(IllegalArgumentException.class, () -> TcpTableCodec.decode("abc%4"));
    assertThrows(IllegalArgumentException.class, () -> TcpTableCodec.decode("abc%zz"));
    assertThrows(IllegalArgumentException.class, () -> TcpTableCodec.decode("%"));
  }

  @Test
  void encodesWhitespacePercentAndNonAscii() {
    assertEquals("no%20route%25", TcpTableCodec.encode("no route%"));
    assertEquals("smtptor:[x.onion]:25", TcpTableCodec.encode("smtptor:[x.onion]:25"));
    assertEquals("%C3%BC%0A", TcpTableCodec.encode("ü\n"));
  }

  @Test
  void encodeThenDecodeIsIdentity() {
    String text = "weird key\twith %, ü and \u0001";
    assertEquals(text, TcpTableCodec.decode(TcpTableCodec.encode(text)));
  }
}
