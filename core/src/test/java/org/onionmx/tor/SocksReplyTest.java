package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;

/** Every failure reply, as Tor sends it through a real socket, becomes the right exception. */
class SocksReplyTest {
  private FakeTorProxy proxy;
  private TorSocksConnector connector;

  @BeforeEach
  void start() throws Exception {
    proxy = FakeTorProxy.start();
    connector = connectorFor(proxy.port()).build();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private TorSocksException failWith(int code) {
    proxy.script(ONION, Fault.reply(code));
    return assertThrows(TorSocksException.class, () -> connector.open(ONION, 25, "key"));
  }

  @ParameterizedTest
  @CsvSource({
    "0x01, true, Tor reported a general failure for",
    "0x02, false, Tor's policy does not allow a connection to",
    "0x03, true, Tor could not reach the network for",
    "0x04, true, Tor could not reach",
    "0x05, true, the destination refused the connection to",
    "0x06, true, Tor timed out connecting to",
    "0x07, false, the SOCKS proxy does not support CONNECT for",
    "0x08, false, the SOCKS proxy does not accept a host name for",
    "0xF0, true, Tor could not find the onion service descriptor for",
    "0xF1, true, Tor found an invalid onion service descriptor for",
    "0xF2, true, Tor could not introduce itself to the onion service",
    "0xF3, true, Tor could not complete the rendezvous with the onion service",
    "0xF4, false, the onion service",
    "0xF5, false, the onion service",
    "0xF6, false, Tor refused",
    "0xF7, true, Tor timed out introducing itself to the onion service",
  })
  void replyCodeBecomesWordsDestinationAndTemporaryFlag(
      String hex, boolean temporary, String words) {
    int code = Integer.decode(hex);
    TorSocksException e = failWith(code);
    assertEquals(code, e.replyCode());
    assertEquals(temporary, e.isTemporary(), e.getMessage());
    assertTrue(e.getMessage().startsWith(words), e.getMessage());
    assertTrue(e.getMessage().contains(ONION + ":25"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(SOCKS " + hex + ")"), e.getMessage());
    assertFalse(e instanceof SocksProtocolException);
    assertEquals(SocksReply.of(code), e.reply());
  }

  @Test
  void descriptorNotFoundReadsAsTorSaysIt() {
    assertEquals(
        "Tor could not find the onion service descriptor for " + ONION + ":25 (SOCKS 0xF0)",
        failWith(0xF0).getMessage());
  }

  @ParameterizedTest
  @CsvSource({"0x09", "0x42", "0xEF", "0xF8", "0xFF"})
  void unknownCodeIsTemporaryGeneralFailureWithTheCode(String hex) {
    TorSocksException e = failWith(Integer.decode(hex));
    assertTrue(e.isTemporary());
    assertEquals(Optional.empty(), e.reply());
    assertEquals(
        "Tor reported an unknown failure for " + ONION + ":25 (SOCKS " + hex + ")", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(SocksReply.class)
  void everyReplyIsFoundByItsCode(SocksReply reply) {
    assertSame(reply, SocksReply.of(reply.code()).orElseThrow());
    assertFalse(reply.description().isBlank());
  }

  @Test
  void successIsNoFailureReply() {
    assertEquals(Optional.empty(), SocksReply.of(0x00));
  }
}
