package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;

class OnionAddressTest {
  static final String ID = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid";

  @Test
  void parsesKnownGoodVectorAndExposesItsKey() {
    OnionAddress a = OnionAddress.parse(ID + ".onion");
    assertEquals(ID, a.serviceId());
    assertEquals("", a.subdomain());
    assertEquals(ID + ".onion", a.hostname());
    assertArrayEquals(
        HexFormat.of().parseHex("d75a980182b10ab7"), java.util.Arrays.copyOf(a.publicKey(), 8));
    assertEquals(32, a.publicKey().length);
  }

  @Test
  void normalisesCaseAndOneTrailingDot() {
    OnionAddress a = OnionAddress.parse(ID.toUpperCase() + ".ONION.");
    assertEquals(OnionAddress.parse(ID + ".onion"), a);
  }

  @Test
  void keepsSubdomainButNamesTheSameService() {
    OnionAddress a = OnionAddress.parse("MX." + ID + ".onion");
    assertEquals("mx", a.subdomain());
    assertEquals("mx." + ID + ".onion", a.hostname());
    assertEquals(OnionAddress.parse(ID + ".onion"), a.service());
  }

  @ParameterizedTest
  @CsvSource({
    "wy6zk3pmcwiyhiao.onion, V2",
    "WY6ZK3PMCWIYHIAO.onion., V2",
    "mail.myonion., NOT_ONION",
    "onion., MISSING_SERVICE_ID",
    ".onion, MISSING_SERVICE_ID",
    "onion, MISSING_SERVICE_ID",
    "x.onion.example.com, NOT_ONION",
    "example.com, NOT_ONION",
    "abc.onion, BAD_LENGTH",
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5si1.onion, NOT_BASE32",
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sia.onion, BAD_VERSION",
    "35njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion, BAD_CHECKSUM",
    "-mx.25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion, BAD_SUBDOMAIN",
    "a..25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion, BAD_SUBDOMAIN",
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:25, BAD_CHARACTER",
    "ünïcode.onion, BAD_CHARACTER",
  })
  void refusesWithAReason(String input, Reason reason) {
    InvalidOnionAddressException e =
        assertThrows(InvalidOnionAddressException.class, () -> OnionAddress.parse(input));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(input.substring(0, Math.min(20, input.length()))));
  }

  @Test
  void v2HasItsOwnMessage() {
    InvalidOnionAddressException e =
        assertThrows(
            InvalidOnionAddressException.class, () -> OnionAddress.parse("wy6zk3pmcwiyhiao.onion"));
    assertTrue(e.getMessage().contains("v2 onion services no longer work in Tor"), e.getMessage());
  }

  @Test
  void refusesHugeAndEmptyInput() {
    assertEquals(
        Reason.TOO_LONG,
        assertThrows(
                InvalidOnionAddressException.class,
                () -> OnionAddress.parse("a.".repeat(200) + ID + ".onion"))
            .reason());
    assertEquals(
        Reason.EMPTY,
        assertThrows(InvalidOnionAddressException.class, () -> OnionAddress.parse(" ")).reason());
    assertEquals(
        Reason.EMPTY,
        assertThrows(InvalidOnionAddressException.class, () -> OnionAddress.parse(null)).reason());
  }

  @Test
  void controlCharactersAreEscapedInTheMessage() {
    InvalidOnionAddressException e =
        assertThrows(InvalidOnionAddressException.class, () -> OnionAddress.parse("a\nb.onion"));
    assertFalse(e.getMessage().contains("\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x.onion", "X.ONION.", "onion", "a.b.onion", "wy6zk3pmcwiyhiao.onion"})
  void recognisesOnionNamesThatMustNeverGoToDns(String name) {
    assertTrue(OnionAddress.isOnionName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"myonion", "mail.myonion.", "x.onion.example.com", "", "onion.net"})
  void doesNotMistakeOtherNamesForOnionNames(String name) {
    assertFalse(OnionAddress.isOnionName(name));
  }

  @Test
  void componentConstructorValidatesToo() {
    assertThrows(InvalidOnionAddressException.class, () -> new OnionAddress("abc", ""));
    assertThrows(InvalidOnionAddressException.class, () -> new OnionAddress(ID, "bad label!"));
    assertEquals(ID, new OnionAddress(ID, null).serviceId());
  }
}
