package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionTarget;

class MapWriterTest {
  private static final String A = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  private static final String B = "w5ejy7xyv4dw7jul7bycfnltircxddt7vqprcxe6uggnezlwwic72qqd.onion";
  private static final String C = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  private static final String V2 = "lloiryev7cvzszsn.onion";

  private static final OnionMap MIXED =
      OnionMap.newBuilder()
          .put("b.org", OnionTarget.parse(B))
          .put("a.org", OnionTarget.parse(B))
          .put("xn--bcher-kva.example", OnionTarget.parse(A))
          .put("port.org", OnionTarget.parse(A + ":2525"))
          .put("sub.org", OnionTarget.parse("mx." + C))
          .build();

  @Test
  void postfixIsGroupedByOnionSortedByNameAndPaddedLikeTheConversionScript() {
    assertEquals(
        "xn--bcher-kva.example smtptor:["
            + A
            + "]\n"
            + "port.org              smtptor:["
            + A
            + "]:2525\n"
            + "sub.org               smtptor:[mx."
            + C
            + "]\n"
            + "a.org                 smtptor:["
            + B
            + "]\n"
            + "b.org                 smtptor:["
            + B
            + "]\n",
        MapWriter.postfix(MIXED));
  }

  @Test
  void yamlIsTheOnionmxFormWithPortsInKeys() {
    assertEquals(
        "---\n'"
            + A
            + "':\n  - 'xn--bcher-kva.example'\n'"
            + A
            + ":2525':\n  - 'port.org'\n"
            + "'mx."
            + C
            + "':\n  - 'sub.org'\n'"
            + B
            + "':\n  - 'a.org'\n  - 'b.org'\n",
        MapWriter.yaml(MIXED));
  }

  @Test
  void bothFormsRoundTrip() throws Exception {
    assertEquals(MIXED.entries(), parse(MapWriter.postfix(MIXED)).entries());
    assertEquals(MIXED.entries(), parse(MapWriter.yaml(MIXED)).entries());
  }

  @Test
  void bundledMapRoundTripsWithoutItsDeadEntries() throws Exception {
    OnionMap bundled = OnionMap.bundled();
    String postfix = MapWriter.postfix(bundled);
    OnionMap fromPostfix = parse(postfix);
    OnionMap fromYaml = parse(MapWriter.yaml(bundled));
    assertEquals(bundled.entries(), fromPostfix.entries());
    assertEquals(bundled.entries(), fromYaml.entries());
    assertEquals(0, fromYaml.deadEntries().size());
    assertFalse(postfix.contains(V2));
    assertEquals(
        "koumbit.org        "
            + " smtptor:[abupq2yypwtojgupttylrbwnabmpmydsf4evb2onasmib2go23jyyhqd.onion]",
        postfix.lines().filter(l -> l.startsWith("koumbit")).findFirst().orElseThrow());
  }

  @Test
  void emptyMapExportsToAnEmptyYamlMap() throws Exception {
    assertEquals(0, parse(MapWriter.yaml(OnionMap.empty())).size());
    assertEquals("", MapWriter.postfix(OnionMap.empty()));
  }

  private static OnionMap parse(String text) throws IOException, MapException {
    return OnionMap.parse(new StringReader(text), "test.map");
  }
}
