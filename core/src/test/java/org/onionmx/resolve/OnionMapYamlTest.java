package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.resolve.MapSamples.A;
import static org.onionmx.resolve.MapSamples.A_TYPO;
import static org.onionmx.resolve.MapSamples.B;
import static org.onionmx.resolve.MapSamples.V2;
import static org.onionmx.resolve.MapSamples.parse;
import static org.onionmx.resolve.MapSamples.target;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;
import org.onionmx.resolve.MapException.Problem;
import org.onionmx.resolve.OnionMap.DeadEntry;

class OnionMapYamlTest {

  private static Problem onlyProblem(String yaml) {
    MapException e = assertThrows(MapException.class, () -> parse(yaml));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void readsQuotedPlainAndFlowForms() throws Exception {
    OnionMap map = parse("'" + A + "':\n  - 'a.org'\n  - b.org\n" + B + ": [c.org, \"d.org\"]\n");
    assertEquals(4, map.size());
    assertEquals(target(A), map.lookup("b.org").orElseThrow());
    assertEquals(target(B), map.lookup("d.org").orElseThrow());
  }

  @Test
  void nullListIsAKeyWithNoDomains() throws Exception {
    OnionMap map = parse("'" + A + "':\n'" + B + "': ~\n'" + V2 + "':\n");
    assertEquals(0, map.size());
    assertEquals(1, map.deadEntries().size());
    assertEquals(List.of(), map.deadEntries().get(0).domains());
  }

  @Test
  void emptyFlowListIsAKeyWithNoDomains() throws Exception {
    assertEquals(0, parse("'" + A + "': []\n").size());
  }

  @Test
  void singleStringIsOneDomainAsTheConversionScriptReadsIt() throws Exception {
    assertEquals(target(A), parse(A + ": a.org\n").lookup("a.org").orElseThrow());
  }

  @Test
  void keyWithPortRoutesToThatPort() throws Exception {
    OnionTarget t = parse("'" + A + ":2525': [a.org]\n").lookup("a.org").orElseThrow();
    assertEquals(2525, t.port());
  }

  @Test
  void subdomainKeyKeepsItsSubdomain() throws Exception {
    OnionTarget t = parse("'mx." + A + "': [a.org]\n").lookup("a.org").orElseThrow();
    assertEquals("mx." + A, t.onion().hostname());
  }

  @Test
  void v2KeyIsDeadWithLineAndDomainsAndNotRouted() throws Exception {
    OnionMap map = parse("# c\n'" + A + "': [a.org]\n'" + V2 + "':\n  - Espiv.net\n");
    assertEquals(
        List.of(new DeadEntry("test.map", 3, V2, List.of("espiv.net"), Reason.V2)),
        map.deadEntries());
    assertFalse(map.lookup("espiv.net").isPresent());
    assertEquals(1, map.size());
  }

  @Test
  void mistypedKeyIsDeadWithChecksumReason() throws Exception {
    OnionMap map = parse("'" + A_TYPO + "': [a.org]\n'mail.myonion.': [b.org]\n");
    assertEquals(0, map.size());
    assertEquals(Reason.BAD_CHECKSUM, map.deadEntries().get(0).reason());
    assertEquals(Reason.NOT_ONION, map.deadEntries().get(1).reason());
    assertEquals("mail.myonion.", map.deadEntries().get(1).onion());
  }

  @Test
  void syntaxErrorCarriesItsLineNumber() {
    Problem p = onlyProblem("'" + A + "':\n  - a.org\n  - 'b.org\n  - c.org\n");
    assertEquals("test.map", p.source());
    assertTrue(p.line() >= 3, p.toString());
    assertTrue(p.message().startsWith("YAML syntax error"), p.message());
  }

  @Test
  void badIndentationIsASyntaxErrorWithLine() {
    Problem p = onlyProblem("'" + A + "':\n  - a.org\n - b.org\n");
    assertEquals(3, p.line(), p.toString());
  }

  @Test
  void invalidDomainIsAProblemWithItsLineAndTheRestIsChecked() {
    MapException e =
        assertThrows(
            MapException.class,
            () -> parse("'" + A + "':\n  - a.org\n  - 'bad domain.org'\n  - 'x@y.org'\n  -\n"));
    assertEquals(List.of(3, 4, 5), e.problems().stream().map(Problem::line).toList());
    assertTrue(e.problems().get(0).message().contains("'bad domain.org'"));
    assertEquals("empty domain", e.problems().get(2).message());
  }

  @Test
  void emptyFileIsAnError() {
    assertEquals("the file is empty: no map entries in it", onlyProblem("").message());
    assertEquals(0, onlyProblem("\n  \n# only a comment\n").line());
  }

  @Test
  void emptyDocumentIsAnError() {
    assertTrue(onlyProblem("---\n").message().contains("empty"));
  }

  @Test
  void emptyMappingIsAnEmptyMap() throws Exception {
    assertEquals(0, parse("--- {}\n").size());
  }

  @Test
  void topLevelListIsAnErrorWithLine() {
    Problem p = onlyProblem("# header\n- " + A + "\n- a.org\n");
    assertEquals(2, p.line());
    assertTrue(p.message().contains("not a list"), p.message());
  }

  @Test
  void topLevelStringIsAnError() {
    assertTrue(onlyProblem("just words\n").message().contains("not a single string"));
  }

  @Test
  void secondDocumentIsAnError() {
    Problem p = onlyProblem("'" + A + "': [a.org]\n---\n'" + B + "': [b.org]\n");
    assertEquals(2, p.line());
  }

  @Test
  void nonStringKeysAndValuesAreProblems() {
    MapException e =
        assertThrows(
            MapException.class,
            () -> parse("? [x, y]\n: [a.org]\n'" + A + "': {b.org: c}\n'" + B + "': [[c.org]]\n"));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).message().startsWith("a key must be an onion name"));
    assertTrue(e.problems().get(1).message().contains("must be a list of domains, not a map"));
    assertTrue(e.problems().get(2).message().contains("a domain must be a string, not a list"));
  }

  @Test
  void aliasesAreRefusedSoBillionLaughsCannotExpand() {
    StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      y.append(c).append(": &").append(c).append(" [*").append(p);
      y.append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
    }
    Problem p = onlyProblem(y.toString());
    assertEquals(2, p.line());
    assertTrue(p.message().contains("aliases"), p.message());
  }

  @Test
  void explicitTagsConstructNothing() throws Exception {
    OnionMap map =
        parse("'" + A + "':\n  - !!python/object/apply:os.system a.org\n  - !!int b.org\n");
    assertEquals(2, map.size());
    assertTrue(map.lookup("a.org").isPresent());
  }

  @Test
  void deeplyNestedInputIsAnErrorNotAStackOverflow() {
    String deep = "[\n".repeat(100_000) + "]\n".repeat(100_000);
    MapException e = assertThrows(MapException.class, () -> parse(deep));
    assertTrue(e.problems().get(0).message().contains("not a list"), e.getMessage());
    assertTrue(e.problems().get(1).message().contains("nested deeper"), e.getMessage());
    String deepValue = "'" + A + "':\n  - " + deep;
    e = assertThrows(MapException.class, () -> parse(deepValue));
    assertEquals(List.of(2, 22), e.problems().stream().map(Problem::line).toList());
    assertTrue(e.problems().get(1).message().contains("nested deeper"), e.getMessage());
  }

  @Test
  void inputOverTheCharacterLimitIsRefused() throws Exception {
    MapCollector out = new MapCollector();
    String yaml = "'" + A + "':\n" + "  - a.org\n".repeat(1000);
    OnionMap.read(new StringReader(yaml), "big.yml", 5000, out);
    MapException e = assertThrows(MapException.class, out::build);
    assertTrue(e.problems().get(0).message().contains("exceeds the limit"), e.getMessage());
  }

  @Test
  void hugeDomainIsAProblemWithAShortMessage() {
    String huge = ("a".repeat(60) + ".").repeat(1_000) + "org";
    Problem p = onlyProblem("'" + A + "':\n  - '" + huge + "'\n");
    assertEquals(2, p.line());
    assertTrue(p.message().contains("longer than 253"), p.message());
    assertTrue(p.message().length() < 200, p.message());
  }

  @Test
  void hugeLineIsRefusedBeforeTheScannerSlowsDown() {
    String huge = ("a".repeat(60) + ".").repeat(40_000) + "org";
    Problem p = onlyProblem("'" + A + "':\n  - '" + huge + "'\n");
    assertEquals(2, p.line());
    assertEquals("line longer than 65536 characters", p.message());
  }

  @Test
  void bigMapWithCarriageReturnLineEndsIsNotOneLongLine() throws Exception {
    for (String end : List.of("\r", "\r\n", "\u2028")) {
      StringBuilder yaml = new StringBuilder("'" + A + "':" + end);
      for (int i = 0; i < 5_000; i++) {
        yaml.append("  - d").append(i).append(".example").append(end);
      }
      assertTrue(yaml.length() > YamlMapReader.MAX_LINE);
      assertEquals(5_000, parse(yaml.toString()).size(), "line end " + end.codePointAt(0));
    }
  }

  @Test
  void hugeLineAfterCarriageReturnsCarriesItsLineNumber() {
    String huge = ("a".repeat(60) + ".").repeat(40_000) + "org";
    Problem p = onlyProblem("'" + A + "':\r\r\n  - '" + huge + "'\r");
    assertEquals(3, p.line());
    assertEquals("line longer than 65536 characters", p.message());
  }

  @Test
  void hugeKeyIsASyntaxErrorBeyondTheSimpleKeyLimit() {
    MapException e =
        assertThrows(
            MapException.class, () -> parse("'" + "x".repeat(50_000) + ".onion': [a.org]\n"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.message().startsWith("YAML syntax error")),
        e.getMessage());
    assertTrue(e.problems().stream().allMatch(p -> p.message().length() < 200), e.getMessage());
  }

  @Test
  void hugeKeyIsADeadEntryTooLong() throws Exception {
    OnionMap map = parse("? '" + "x".repeat(5_000) + ".onion'\n: [a.org]\n");
    assertEquals(Reason.TOO_LONG, map.deadEntries().get(0).reason());
    assertEquals(1, map.deadEntries().get(0).line());
  }

  @Test
  void nonAsciiDomainsAreStoredAsALabels() throws Exception {
    OnionMap map = parse("'" + A + "': ['bücher.example', 'ÉCOLE.fr']\n");
    assertTrue(map.lookup("xn--bcher-kva.example").isPresent());
    assertTrue(map.lookup("xn--cole-9oa.fr").isPresent(), map.entries().toString());
  }

  @Test
  void nonAsciiNonsenseIsAProblem() {
    Problem p = onlyProblem("'" + A + "':\n  - \"\\u2028x\\u0000.org\"\n");
    assertEquals(2, p.line());
  }

  @Test
  void tooManyProblemsStopReading() {
    String yaml = "'" + A + "':\n" + "  - 'a b'\n".repeat(1000);
    MapException e = assertThrows(MapException.class, () -> parse(yaml));
    assertEquals(MapCollector.MAX_PROBLEMS, e.problems().size());
    assertTrue(e.problems().get(99).message().contains("stopped reading"));
    assertTrue(e.getMessage().contains("and 90 more"), e.getMessage());
  }

  @Test
  void byteOrderMarkIsSkipped() throws Exception {
    assertEquals(1, parse("\uFEFF'" + A + "': [a.org]\n").size());
  }
}
