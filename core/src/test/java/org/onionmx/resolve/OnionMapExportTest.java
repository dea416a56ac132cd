package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.onionmx.resolve.MapSamples.A;
import static org.onionmx.resolve.MapSamples.B;
import static org.onionmx.resolve.MapSamples.C;
import static org.onionmx.resolve.MapSamples.V2;
import static org.onionmx.resolve.MapSamples.parse;

import org.junit.jupiter.api.Test;

class OnionMapExportTest {
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
        MIXED.toPostfix());
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
        MIXED.toYaml());
  }

  @Test
  void bothFormsRoundTrip() throws Exception {
    assertEquals(MIXED.entries(), parse(MIXED.toPostfix()).entries());
    assertEquals(MIXED.entries(), parse(MIXED.toYaml()).entries());
  }

  @Test
  void bundledMapRoundTripsWithoutItsDeadEntries() throws Exception {
    OnionMap bundled = OnionMap.bundled();
    OnionMap fromPostfix = parse(bundled.toPostfix());
    OnionMap fromYaml = parse(bundled.toYaml());
    assertEquals(bundled.entries(), fromPostfix.entries());
    assertEquals(bundled.entries(), fromYaml.entries());
    assertEquals(0, fromYaml.deadEntries().size());
    assertFalse(bundled.toPostfix().contains(V2));
    assertEquals(
        "koumbit.org        "
            + " smtptor:[abupq2yypwtojgupttylrbwnabmpmydsf4evb2onasmib2go23jyyhqd.onion]",
        bundled.toPostfix().lines().filter(l -> l.startsWith("koumbit")).findFirst().orElseThrow());
  }

  @Test
  void emptyMapExportsToAnEmptyYamlMap() throws Exception {
    assertEquals(0, parse(OnionMap.empty().toYaml()).size());
    assertEquals("", OnionMap.empty().toPostfix());
  }
}
