package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.onionmx.tor.IsolationCredentials.Credentials;

/**
 * Fuzzes the client side of the SOCKS5 handshake: the input is everything the proxy sends, fed to
 * {@link SocksHandshake#run} through an in-memory socket. The handshake either succeeds (having
 * read exactly the three replies, no byte more) or fails with a {@link TorSocksException} that
 * names the destination and carries a valid reply code; nothing else is thrown.
 *
 * <p>Input: the proxy's bytes, then one byte whose lowest bit says whether the client offers user
 * name/password authentication (1) or none (0). Seeds: {@code
 * src/test/resources/org/onionmx/tor/SocksHandshakeFuzzTestInputs/}.
 */
class SocksHandshakeFuzzTest {
  private static final String PROXY = "127.0.0.1:9050";
  private static final String ONION =
      "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  private static final Credentials CREDENTIALS =
      new Credentials("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210");

  @FuzzTest(maxDuration = "20s")
  void proxyBytesGiveAStreamOrATypedError(FuzzedDataProvider data) {
    Credentials credentials = data.consumeBoolean() ? CREDENTIALS : null;
    byte[] proxySends = data.consumeRemainingAsBytes();
    MemorySocket socket = new MemorySocket(proxySends);
    try {
      SocksHandshake.run(socket, PROXY, ONION, 25, credentials, Duration.ofSeconds(5));
    } catch (TorSocksException e) {
      assertTrue(e.getMessage().contains(ONION + ":25"), e.getMessage());
      int code = e.replyCode();
      assertTrue(code == TorSocksException.NO_REPLY || (code >= 1 && code <= 255), e::getMessage);
      return;
    } catch (Exception e) {
      throw new AssertionError("undeclared exception " + e, e);
    }
    assertEquals(repliesLength(proxySends, credentials != null), socket.consumed());
  }

  /** The length of the three replies at the start of a handshake the client accepted. */
  private static int repliesLength(byte[] proxySends, boolean auth) {
    int connect = auth ? 4 : 2;
    int atyp = proxySends[connect + 3];
    int address =
        atyp == SocksReplyReader.ATYP_IPV4
            ? 4
            : atyp == SocksReplyReader.ATYP_IPV6 ? 16 : 1 + (proxySends[connect + 4] & 0xFF);
    return connect + 4 + address + 2;
  }

  /** A socket whose peer has already sent {@code fromProxy}; what the client writes is dropped. */
  private static final class MemorySocket extends Socket {
    private final ByteArrayInputStream in;
    private final int length;

    MemorySocket(byte[] fromProxy) {
      this.in = new ByteArrayInputStream(fromProxy);
      this.length = fromProxy.length;
    }

    int consumed() {
      return length - in.available();
    }

    @Override
    public InputStream getInputStream() {
      return in;
    }

    @Override
    public OutputStream getOutputStream() {
      return new ByteArrayOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) {
      // nothing blocks in memory
    }
  }
}
