package org.onionmx.resolve;

import java.io.IOException;
import java.io.StringReader;

/** Valid v3 onions (from the public map) and helpers shared by the OnionMap tests. */
final class MapSamples {
  static final String A = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  static final String B = "w5ejy7xyv4dw7jul7bycfnltircxddt7vqprcxe6uggnezlwwic72qqd.onion";
  static final String C = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";

  /** {@link #A} with its fifth character changed: the checksum no longer matches. */
  static final String A_TYPO = "aj3ntqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";

  static final String V2 = "lloiryev7cvzszsn.onion";

  private MapSamples() {}

  static OnionMap parse(String text) throws IOException, MapException {
    return OnionMap.parse(new StringReader(text), "test.map");
  }

  static OnionTarget target(String onion) {
    return OnionTarget.parse(onion);
  }
}
