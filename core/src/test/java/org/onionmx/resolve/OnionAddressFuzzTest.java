package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the onion name parsers {@link OnionAddress#parse} and {@link OnionTarget#parse} on one
 * input (its bytes read as UTF-8): each gives a value that reads back from its own text, or an
 * {@link InvalidOnionAddressException} with a reason; nothing else is thrown.
 *
 * <p>Seeds: {@code src/test/resources/org/onionmx/resolve/OnionAddressFuzzTestInputs/}.
 */
class OnionAddressFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void nameParsesOrIsRefusedWithAReason(byte[] utf8) {
    String text = new String(utf8, StandardCharsets.UTF_8);
    checkAddress(text);
    checkTarget(text);
  }

  private static void checkAddress(String text) {
    OnionAddress address;
    try {
      address = OnionAddress.parse(text);
    } catch (InvalidOnionAddressException e) {
      assertNotNull(e.reason());
      return;
    }
    assertTrue(OnionAddress.isOnionName(text), text);
    assertEquals(address, OnionAddress.parse(address.hostname()));
    assertEquals(address.service(), OnionAddress.parse(address.serviceId() + ".onion"));
    assertEquals(32, address.publicKey().length);
  }

  private static void checkTarget(String text) {
    OnionTarget target;
    try {
      target = OnionTarget.parse(text);
    } catch (InvalidOnionAddressException e) {
      assertNotNull(e.reason());
      return;
    }
    assertTrue(target.port() >= 1 && target.port() <= 65535, text);
    assertEquals(target, OnionTarget.parse(target.toString()));
    assertEquals(target, OnionTarget.parse("[" + target.onion() + "]:" + target.port()));
  }
}
