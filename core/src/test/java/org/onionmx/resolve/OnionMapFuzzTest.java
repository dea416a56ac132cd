package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.onionmx.resolve.MapException.Problem;

/**
 * Fuzzes the map reader in both forms. Any bytes either gives a map or a {@link MapException} whose
 * problems name the source, and every domain of a map it gives is normalised. Nothing else may be
 * thrown: no {@link IOException} either, since the input is in memory and a stray one would mean a
 * limit (line length, nesting) escaped as an I/O error.
 *
 * <p>Seeds: {@code src/test/resources/org/onionmx/resolve/OnionMapFuzzTestInputs/}.
 */
class OnionMapFuzzTest {
  private static final String SOURCE = "fuzz.map";

  /** The bytes are read as {@link OnionMap#load} reads a file: strict UTF-8. */
  @FuzzTest(maxDuration = "20s")
  void bytesGiveAMapOrProblems(byte[] bytes) throws IOException {
    Reader strict =
        new InputStreamReader(
            new ByteArrayInputStream(bytes),
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    OnionMap map;
    try {
      map = OnionMap.parse(strict, SOURCE);
    } catch (MapException e) {
      assertFalse(e.problems().isEmpty());
      for (Problem p : e.problems()) {
        assertEquals(SOURCE, p.source());
        assertTrue(p.line() >= 0, p::toString);
        assertFalse(p.message().isBlank(), p::toString);
      }
      return;
    }
    for (String domain : map.entries().keySet()) {
      assertEquals(domain, DomainNames.normalize(domain));
    }
  }
}
