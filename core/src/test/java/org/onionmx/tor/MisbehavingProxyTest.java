package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.LoopbackServer;

/** Proxies that answer something other than SOCKS5, over real loopback sockets. */
class MisbehavingProxyTest {
  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  /** Reads the greeting, and the auth request if the client sent one. */
  private static void readGreeting(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    d.readUnsignedByte();
    d.readNBytes(d.readUnsignedByte());
  }

  private static void readAuth(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    d.readUnsignedByte();
    d.readNBytes(d.readUnsignedByte());
    d.readNBytes(d.readUnsignedByte());
  }

  private static void readConnect(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    d.readNBytes(4);
    d.readNBytes(d.readUnsignedByte() + 2);
  }

  private static SocksProtocolException protocolError(LoopbackServer.Script script, String key)
      throws Exception {
    try (LoopbackServer server = LoopbackServer.start(script)) {
      TorSocksConnector c = connectorFor(server.port()).build();
      SocksProtocolException e =
          assertThrows(SocksProtocolException.class, () -> c.open(ONION, 25, key));
      assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
      assertTrue(e.getMessage().contains(ONION + ":25"), e.getMessage());
      assertTrue(e.isTemporary());
      return e;
    }
  }

  @Test
  void httpServerInsteadOfSocksIsAProtocolError() throws Exception {
    SocksProtocolException e =
        protocolError(
            (in, out) -> {
              readGreeting(in);
              out.write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes("US-ASCII"));
            },
            null);
    assertTrue(e.getMessage().contains("answered version 0x48"), e.getMessage());
  }

  @Test
  void noAcceptableMethodsIsAProtocolError() throws Exception {
    SocksProtocolException e =
        protocolError(
            (in, out) -> {
              readGreeting(in);
              out.write(hex("05 ff"));
            },
            "key");
    assertTrue(e.getMessage().contains("none of the offered"), e.getMessage());
  }

  @Test
  void rejectedCredentialsAreAProtocolError() throws Exception {
    SocksProtocolException e =
        protocolError(
            (in, out) -> {
              readGreeting(in);
              out.write(hex("05 02"));
              readAuth(in);
              out.write(hex("01 01"));
            },
            "key");
    assertTrue(e.getMessage().contains("rejected the stream-isolation"), e.getMessage());
  }

  @Test
  void closingInTheMiddleOfTheConnectReplyIsAProtocolError() throws Exception {
    SocksProtocolException e =
        protocolError(
            (in, out) -> {
              readGreeting(in);
              out.write(hex("05 00"));
              readConnect(in);
              out.write(hex("05 00 00 01 7f"));
            },
            null);
    assertTrue(e.getMessage().contains("in the middle of its connect reply"), e.getMessage());
  }

  @Test
  void closingWithoutAnyReplyIsAProtocolError() throws Exception {
    protocolError((in, out) -> readGreeting(in), null);
  }

  @Test
  void unknownAddressTypeInTheReplyIsAProtocolError() throws Exception {
    SocksProtocolException e =
        protocolError(
            (in, out) -> {
              readGreeting(in);
              out.write(hex("05 00"));
              readConnect(in);
              out.write(hex("05 00 00 07 00000000 0000"));
            },
            null);
    assertTrue(e.getMessage().contains("unknown address type 0x07"), e.getMessage());
  }

  @Test
  void connectRequestOnTheWireIsDomainNameWithPort() throws Exception {
    byte[][] seen = new byte[1][];
    try (LoopbackServer server =
        LoopbackServer.start(
            (in, out) -> {
              readGreeting(in);
              out.write(hex("05 00"));
              seen[0] = in.readNBytes(4 + 1 + ONION.length() + 2);
              out.write(hex("05 00 00 01 00000000 0000"));
            })) {
      connectorFor(server.port()).build().open(ONION, 2525, null).close();
    }
    String expected =
        "05010003"
            + String.format("%02x", ONION.length())
            + HexFormat.of().formatHex(ONION.getBytes("US-ASCII"))
            + "09dd";
    assertEquals(expected, HexFormat.of().formatHex(seen[0]));
  }
}
