package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.tor.SocksReplyReader.BoundAddress;

class SocksReplyReaderTest {
  private static final String PROXY = "127.0.0.1:9050";
  private static final String DEST = "x.onion:25";

  private static InputStream bytes(String hex) {
    return new ByteArrayInputStream(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  private static SocksReplyReader reader(InputStream in) {
    return new SocksReplyReader(in, PROXY, DEST);
  }

  private static SocksProtocolException protocolError(String hex, Step step) {
    SocksProtocolException e =
        assertThrows(SocksProtocolException.class, () -> step.run(reader(bytes(hex))));
    assertTrue(e.getMessage().contains(PROXY) && e.getMessage().contains(DEST), e.getMessage());
    assertTrue(e.isTemporary());
    assertEquals(TorSocksException.NO_REPLY, e.replyCode());
    return e;
  }

  @FunctionalInterface
  interface Step {
    void run(SocksReplyReader r) throws IOException;
  }

  @Test
  void successWithIpv4BoundAddressLeavesTheApplicationBytesUnread() throws Exception {
    InputStream in = bytes("05 00 00 01 7f000001 0019 32 32 30");
    BoundAddress bound = reader(in).readConnectReply();
    assertEquals(new BoundAddress(1, "127.0.0.1", 25), bound);
    assertEquals("220", new String(in.readAllBytes(), "US-ASCII"));
  }

  @Test
  void successWithIpv6BoundAddressIsReadFully() throws Exception {
    InputStream in = bytes("05 00 00 04 00000000000000000000000000000001 1f90 ff");
    assertEquals(new BoundAddress(4, "0:0:0:0:0:0:0:1", 8080), reader(in).readConnectReply());
    assertEquals(0xFF, in.read());
  }

  @Test
  void successWithDomainBoundAddressIsReadFully() throws Exception {
    InputStream in = bytes("05 00 00 03 07 782e6f6e696f6e 0000 41");
    assertEquals(new BoundAddress(3, "x.onion", 0), reader(in).readConnectReply());
    assertEquals('A', in.read());
  }

  @Test
  void failureReplyCarriesItsCodeAndLeavesNothingUnread() throws Exception {
    InputStream in = bytes("05 f0 00 01 00000000 0000");
    TorSocksException e =
        assertThrows(TorSocksException.class, () -> reader(in).readConnectReply());
    assertEquals(0xF0, e.replyCode());
    assertEquals(-1, in.read());
    assertEquals(0, e.getSuppressed().length);
  }

  @Test
  void truncatedFailureReplyStillReportsTheCode() {
    TorSocksException e =
        assertThrows(TorSocksException.class, () -> reader(bytes("05 06 00")).readConnectReply());
    assertEquals(0x06, e.replyCode());
    assertInstanceOf(SocksProtocolException.class, e.getSuppressed()[0]);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "05",
        "05 00",
        "05 00 00",
        "05 00 00 01 7f00",
        "05 00 00 01 7f000001 00",
        "05 00 00 03",
        "05 00 00 03 05 6162",
        "05 00 00 04 0000"
      })
  void endOfStreamInTheConnectReplyIsAProtocolError(String hex) {
    SocksProtocolException e = protocolError(hex, SocksReplyReader::readConnectReply);
    assertTrue(e.getMessage().contains("in the middle of its connect reply"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"04 00 00 01 00000000 0000", "48 54 54 50", "00 00"})
  void wrongVersionInTheConnectReplyIsAProtocolError(String hex) {
    SocksProtocolException e = protocolError(hex, SocksReplyReader::readConnectReply);
    assertTrue(e.getMessage().contains("instead of 0x05"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "02", "05", "ff"})
  void unknownAddressTypeInTheReplyIsAProtocolError(String atyp) {
    SocksProtocolException e =
        protocolError("05 00 00 " + atyp + " 00000000 0000", SocksReplyReader::readConnectReply);
    assertTrue(
        e.getMessage().contains("unknown address type 0x" + atyp.toUpperCase()), e.getMessage());
  }

  @Test
  void noAcceptableMethodsIsAProtocolError() {
    SocksProtocolException e = protocolError("05 ff", r -> r.readMethodChoice(2));
    assertTrue(e.getMessage().contains("none of the offered"), e.getMessage());
  }

  @Test
  void aMethodThatWasNotOfferedIsAProtocolError() {
    SocksProtocolException e = protocolError("05 00", r -> r.readMethodChoice(2));
    assertTrue(e.getMessage().contains("which was not offered"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "05", "04 00", "01 00"})
  void brokenMethodReplyIsAProtocolError(String hex) {
    protocolError(hex, r -> r.readMethodChoice(0));
  }

  @Test
  void offeredMethodIsAccepted() throws Exception {
    reader(bytes("05 02")).readMethodChoice(2);
    reader(bytes("05 00")).readMethodChoice(0);
  }

  @Test
  void authenticationFailureIsAProtocolError() {
    SocksProtocolException e = protocolError("01 01", SocksReplyReader::readAuthStatus);
    assertTrue(e.getMessage().contains("rejected the stream-isolation user name"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "01", "05 00", "00 00"})
  void brokenAuthenticationReplyIsAProtocolError(String hex) {
    protocolError(hex, SocksReplyReader::readAuthStatus);
  }

  @Test
  void authenticationSuccessIsAccepted() throws Exception {
    InputStream in = bytes("01 00 05");
    reader(in).readAuthStatus();
    assertEquals(5, in.read());
  }
}
