package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated replies: the reader either returns a bound address or throws a {@link
 * TorSocksException} that names the destination, never anything else.
 */
class SocksReplyReaderRobustnessTest {
  private static final int CASES = 5_000;
  private static final byte[] VALID =
      HexFormat.of().parseHex("05020102" + "0500000300" + "0000" + "05000004" + "00".repeat(18));

  @Test
  void randomBytesGiveAReplyOrATypedError() {
    Random random = new Random(1928);
    for (int i = 0; i < CASES; i++) {
      byte[] input = new byte[random.nextInt(40)];
      random.nextBytes(input);
      if (random.nextBoolean() && input.length > 0) {
        input[0] = 5; // get past the version check more often
      }
      check(input);
    }
  }

  @Test
  void mutatedValidHandshakesGiveAReplyOrATypedError() {
    Random random = new Random(1929);
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = VALID.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
      }
      int length = random.nextInt(4) == 0 ? random.nextInt(input.length) : input.length;
      accepted += check(Arrays.copyOf(input, length)) ? 1 : 0;
    }
    assertTrue(accepted > 0 && accepted < CASES, accepted + " of " + CASES + " accepted");
  }

  /** Runs a whole handshake's worth of reads: method choice, auth status, connect reply. */
  private static boolean check(byte[] input) {
    ByteArrayInputStream in = new ByteArrayInputStream(input);
    SocksReplyReader reader = new SocksReplyReader(in, "127.0.0.1:9050", "x.onion:25");
    try {
      reader.readMethodChoice(2);
      reader.readAuthStatus();
      reader.readConnectReply();
      reader.readConnectReply();
      return true;
    } catch (TorSocksException expected) {
      assertTrue(expected.getMessage().contains("x.onion:25"), expected.getMessage());
      return false;
    } catch (IOException | RuntimeException e) {
      return fail("input " + HexFormat.of().formatHex(input) + " gave " + e, e);
    }
  }
}
