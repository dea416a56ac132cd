package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * UTS 46 non-transitional processing, the cases that decide whether mail for one domain can reach
 * another domain's onion: each internationalised name either keeps its own A-label or is refused.
 */
class DomainNamesTest {
  static final String ONION = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";

  private static String refusal(String name) {
    return assertThrows(InvalidDomainException.class, () -> DomainNames.normalize(name))
        .getMessage();
  }

  @Test
  void sharpSIsItsOwnALabelNotSs() {
    assertEquals("xn--fa-hia.example", DomainNames.normalize("faß.example"));
    assertEquals("xn--fa-hia.example", DomainNames.normalize("FAß.Example."));
  }

  @Test
  void finalSigmaIsKeptApartFromSigma() {
    assertEquals("xn--wxaijb9b.example", DomainNames.normalize("σόλος.example"));
    assertEquals("xn--wxaikc6b.example", DomainNames.normalize("σόλοσ.example"));
  }

  @Test
  void zeroWidthJoinerOutsideItsContextIsRefused() {
    assertTrue(refusal("fa\u200Dss.example").contains("zero-width joiner"));
    assertTrue(refusal("fa\u200Css.example").contains("zero-width joiner"));
  }

  @Test
  void zeroWidthNonJoinerAfterAViramaIsAllowed() {
    // Devanagari KA, VIRAMA, ZWNJ, SSA: the context RFC 5892 allows; it keeps its own A-label
    String withZwnj = DomainNames.normalize("\u0915\u094D\u200C\u0937.example");
    String without = DomainNames.normalize("\u0915\u094D\u0937.example");
    assertTrue(withZwnj.startsWith("xn--"), withZwnj);
    assertTrue(!withZwnj.equals(without), withZwnj);
  }

  @Test
  void softHyphenIsRefusedNotDropped() {
    assertTrue(refusal("fa\u00ADss.example").contains("spell the name as registered"));
  }

  @Test
  void zeroWidthSpaceIsRefusedNotDropped() {
    refusal("fa\u200Bss.example");
  }

  @Test
  void fullWidthLettersAreRefusedNotFolded() {
    assertTrue(refusal("\uFF46\uFF41\uFF53\uFF53.example").contains("full-width"));
  }

  @Test
  void capitalSharpSIsSharpS() {
    assertEquals("xn--fa-hia.example", DomainNames.normalize("FA\u1E9E.example"));
  }

  @Test
  void upperCaseAndTrailingDotAreStillTheSameName() {
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("BÜCHER.EXAMPLE."));
    assertEquals("riseup.net", DomainNames.normalize("RiseUp.NET."));
  }

  @Test
  void decomposedFormIsTheSameNameAsComposed() {
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("bu\u0308cher.example"));
  }

  @Test
  void ideographicFullStopSeparatesLabels() {
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("bücher\u3002example"));
  }

  @Test
  void invalidALabelIsRefused() {
    assertTrue(refusal("xn--zz.example").contains("xn--"));
    assertEquals("xn--fa-hia.example", DomainNames.normalize("XN--FA-HIA.example"));
  }

  @Test
  void bidiRuleViolationIsRefused() {
    // Hebrew ALEF then a Latin letter in one label
    assertTrue(refusal("\u05D0a.example").contains("bidi"));
  }

  @Test
  void doubleTrailingDotIsRefused() {
    refusal("faß.example..");
  }

  @Test
  void noSpellingOfAnotherNameReachesTheOnionPinnedForSs() {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(Map.of("fass.example", OnionTarget.parse(ONION))))
            .srv(false)
            .build();
    assertTrue(resolver.resolve("fass.example") instanceof Resolution.Routed);
    assertTrue(resolver.resolve("faß.example") instanceof Resolution.NoOnionRoute);
    for (String lookalike :
        new String[] {
          "fa\u00ADss.example", "\uFF46\uFF41\uFF53\uFF53.example", "fa\u200Bss.example"
        }) {
      assertThrows(InvalidDomainException.class, () -> resolver.resolve(lookalike), lookalike);
    }
  }
}
