package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;

class OnionTargetTest {
  static final String HOST = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";

  @ParameterizedTest
  @CsvSource({
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion, 25",
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:2525, 2525",
    "[25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion], 25",
    "[25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion]:587, 587",
    "25NJQAMCWEFLPVKL73J4SZAHHIHOC4XT3KTCGJNPAINGR5YHKENL5SID.ONION.:26, 26",
  })
  void parsesHostAndOptionalPort(String text, int port) {
    OnionTarget t = OnionTarget.parse(text);
    assertEquals(HOST, t.onion().hostname());
    assertEquals(port, t.port());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:0",
        "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:65536",
        "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:2x",
        "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:",
        "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion:99999999999",
      })
  void refusesBadPorts(String text) {
    assertEquals(
        Reason.BAD_PORT,
        assertThrows(InvalidOnionAddressException.class, () -> OnionTarget.parse(text)).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"wy6zk3pmcwiyhiao.onion:25", "[wy6zk3pmcwiyhiao.onion]"})
  void refusesV2WithPort(String text) {
    assertEquals(
        Reason.V2,
        assertThrows(InvalidOnionAddressException.class, () -> OnionTarget.parse(text)).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[" + HOST, "[" + HOST + "]x"})
  void refusesBrokenBrackets(String text) {
    assertThrows(InvalidOnionAddressException.class, () -> OnionTarget.parse(text));
  }
}
