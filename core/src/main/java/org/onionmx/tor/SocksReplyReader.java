package org.onionmx.tor;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Reads the three server replies of a SOCKS5 handshake (RFC 1928, RFC 1929) from a stream and
 * checks every byte. Reads exactly the bytes of each reply and never more, so the application
 * protocol starts clean on the same stream. Kept apart from the socket so that it can be tested,
 * and fuzzed, on its own.
 *
 * <p>Failures are {@link SocksProtocolException}s for anything that is not a valid reply, and
 * {@link TorSocksException}s carrying the REP byte for a valid failure reply. Not thread-safe: one
 * reader per handshake.
 */
final class SocksReplyReader {
  static final int VERSION = 0x05;
  static final int AUTH_VERSION = 0x01;
  static final int NO_ACCEPTABLE_METHODS = 0xFF;
  static final int ATYP_IPV4 = 0x01;
  static final int ATYP_DOMAIN = 0x03;
  static final int ATYP_IPV6 = 0x04;

  /** The address and port the proxy reports in a successful CONNECT reply; Tor sends zeros. */
  record BoundAddress(int addressType, String host, int port) {}

  private final InputStream in;
  private final String proxy;
  private final String destination;

  /**
   * @param in the proxy's stream, unbuffered or buffered by the caller only if nothing follows
   * @param proxy the proxy's {@code address:port}, for messages
   * @param destination the destination's {@code host:port}, for messages
   */
  SocksReplyReader(InputStream in, String proxy, String destination) {
    this.in = in;
    this.proxy = proxy;
    this.destination = destination;
  }

  /**
   * Reads the method-selection reply ({@code VER METHOD}).
   *
   * @param offered the one method the client offered
   * @throws SocksProtocolException on a wrong version, 0xFF, another method, or end of stream
   * @throws IOException if reading fails
   */
  void readMethodChoice(int offered) throws IOException {
    byte[] reply = readExactly(2, "method-selection");
    checkVersion(reply[0] & 0xFF, VERSION, "method-selection");
    int method = reply[1] & 0xFF;
    if (method == NO_ACCEPTABLE_METHODS) {
      throw error(
          "accepted none of the offered authentication methods ("
              + methodName(offered)
              + ", method 0xFF)");
    }
    if (method != offered) {
      throw error(
          "chose authentication method "
              + SocksReply.hex(method)
              + ", which was not offered (offered "
              + methodName(offered)
              + ")");
    }
  }

  /**
   * Reads the user name/password status reply ({@code VER STATUS}, RFC 1929).
   *
   * @throws SocksProtocolException on a wrong version, a non-zero status, or end of stream
   * @throws IOException if reading fails
   */
  void readAuthStatus() throws IOException {
    byte[] reply = readExactly(2, "authentication");
    checkVersion(reply[0] & 0xFF, AUTH_VERSION, "authentication");
    int status = reply[1] & 0xFF;
    if (status != 0) {
      throw error(
          "rejected the stream-isolation user name and password (status "
              + SocksReply.hex(status)
              + ")");
    }
  }

  /**
   * Reads the CONNECT reply ({@code VER REP RSV ATYP BND.ADDR BND.PORT}) completely. RSV is not
   * checked (RFC 1928 gives it no meaning).
   *
   * @return the bound address of a successful reply
   * @throws TorSocksException with the REP byte if the reply says the CONNECT failed; a truncated
   *     rest of a failure reply is attached as suppressed, as the code is what matters
   * @throws SocksProtocolException on a wrong version, an unknown address type, or end of stream
   * @throws IOException if reading fails
   */
  BoundAddress readConnectReply() throws IOException {
    byte[] head = readExactly(2, "connect");
    checkVersion(head[0] & 0xFF, VERSION, "connect");
    int code = head[1] & 0xFF;
    if (code == 0) {
      return readBoundAddress();
    }
    TorSocksException failure =
        new TorSocksException(
            SocksReply.message(code, destination), code, SocksReply.isTemporary(code), null);
    try {
      readBoundAddress();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    throw failure;
  }

  private BoundAddress readBoundAddress() throws IOException {
    byte[] rsvAtyp = readExactly(2, "connect");
    int atyp = rsvAtyp[1] & 0xFF;
    String host;
    switch (atyp) {
      case ATYP_IPV4:
        host = InetAddress.getByAddress(readExactly(4, "connect")).getHostAddress();
        break;
      case ATYP_IPV6:
        host = InetAddress.getByAddress(readExactly(16, "connect")).getHostAddress();
        break;
      case ATYP_DOMAIN:
        int length = readExactly(1, "connect")[0] & 0xFF;
        host = new String(readExactly(length, "connect"), StandardCharsets.ISO_8859_1);
        break;
      default:
        throw error("sent an unknown address type " + SocksReply.hex(atyp) + " in its reply");
    }
    byte[] port = readExactly(2, "connect");
    return new BoundAddress(atyp, host, ((port[0] & 0xFF) << 8) | (port[1] & 0xFF));
  }

  private void checkVersion(int got, int expected, String reply) throws SocksProtocolException {
    if (got != expected) {
      throw error(
          "answered version "
              + SocksReply.hex(got)
              + " instead of "
              + SocksReply.hex(expected)
              + " in its "
              + reply
              + " reply; is it a Tor SocksPort?");
    }
  }

  private byte[] readExactly(int n, String reply) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw error(
          "closed the connection in the middle of its "
              + reply
              + " reply (expected "
              + n
              + " more bytes, got "
              + bytes.length
              + ")");
    }
    return bytes;
  }

  private SocksProtocolException error(String what) {
    return new SocksProtocolException(
        "the SOCKS proxy at " + proxy + " " + what + " for " + destination, null);
  }

  private static String methodName(int method) {
    return method == 0x02 ? "user name/password" : "no authentication";
  }
}
