package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.resolve.MapSamples.A;
import static org.onionmx.resolve.MapSamples.B;
import static org.onionmx.resolve.MapSamples.C;
import static org.onionmx.resolve.MapSamples.V2;
import static org.onionmx.resolve.MapSamples.parse;
import static org.onionmx.resolve.MapSamples.target;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;
import org.onionmx.resolve.MapException.Problem;
import org.onionmx.resolve.OnionMap.DeadEntry;

class OnionMapPostfixTest {

  private static List<Problem> problems(String text) {
    return assertThrows(MapException.class, () -> parse(text)).problems();
  }

  @Test
  void readsNextHopsWithAndWithoutBracketsAndPort() throws Exception {
    OnionMap map =
        parse(
            "a.org smtptor:["
                + A
                + "]\n"
                + "b.org\tsmtptor:["
                + A
                + "]:2525\n"
                + "c.org smtptor:"
                + B
                + "\n"
                + "d.org   smtptor:"
                + B
                + ":587\n"
                + "e.org relay:[mx."
                + C
                + "]\n");
    assertEquals(target(A), map.lookup("a.org").orElseThrow());
    assertEquals(new OnionTarget(OnionAddress.parse(A), 2525), map.lookup("b.org").orElseThrow());
    assertEquals(target(B), map.lookup("c.org").orElseThrow());
    assertEquals(587, map.lookup("d.org").orElseThrow().port());
    assertEquals("mx." + C, map.lookup("e.org").orElseThrow().onion().hostname());
  }

  @Test
  void skipsCommentsBlankLinesAndCarriageReturns() throws Exception {
    OnionMap map =
        parse("# transport\r\n\r\n   # indented comment\r\na.org smtptor:[" + A + "]\r\n\r\n");
    assertEquals(1, map.size());
    assertEquals(target(A), map.lookup("a.org").orElseThrow());
  }

  @Test
  void lineStartingWithWhitespaceContinuesTheEntry() throws Exception {
    OnionMap map =
        parse("a.org\n  # a comment inside\n    smtptor:[" + A + "]\nb.org smtptor:" + B);
    assertEquals(target(A), map.lookup("a.org").orElseThrow());
    assertEquals(target(B), map.lookup("b.org").orElseThrow());
  }

  @Test
  void readsTheOnionmxTransportFileWithItsOnionWildcardLine() throws Exception {
    OnionMap map =
        parse(
            ".onion              smtptor:\n"
                + "riseup.net          smtptor:["
                + A
                + "]\n"
                + "espiv.net           smtptor:["
                + V2
                + "]\n"
                + "lists.espiv.net     smtptor:["
                + V2
                + "]\n");
    assertEquals(1, map.size());
    assertEquals(
        List.of(
            new DeadEntry(
                "test.map", 3, "[" + V2 + "]", List.of("espiv.net", "lists.espiv.net"), Reason.V2)),
        map.deadEntries());
    assertFalse(map.lookup("espiv.net").isPresent());
  }

  @Test
  void nextHopThatIsNoOnionIsADeadEntry() throws Exception {
    OnionMap map = parse("a.org smtp:[mail.example.org]\nb.org smtptor:[mail.myonion.]\n");
    assertEquals(0, map.size());
    assertEquals(Reason.NOT_ONION, map.deadEntries().get(0).reason());
    assertEquals(Reason.NOT_ONION, map.deadEntries().get(1).reason());
    assertEquals(2, map.deadEntries().get(1).line());
  }

  @Test
  void garbageLinesAreProblemsWithTheirLineNumbers() {
    List<Problem> problems =
        problems(
            "a.org smtptor:["
                + A
                + "]\n"
                + "just-one-field\n"
                + "b.org smtptor:["
                + A
                + "] trailing\n"
                + "c.org no-colon\n"
                + ".example.org smtptor:["
                + A
                + "]\n"
                + "d.org smtptor:\n"
                + "user@e.org smtptor:["
                + A
                + "]\n"
                + "\u00e9\u0000.org smtptor:["
                + A
                + "]\n"
                + "f.org smtptor:[unclosed\n");
    assertEquals(
        List.of(2, 3, 4, 5, 6, 7, 8),
        problems.stream().map(Problem::line).toList(),
        problems.toString());
    assertTrue(problems.get(0).message().startsWith("expected 'domain transport:[onion]'"));
    assertTrue(problems.get(3).message().contains("parent-domain entries"));
    assertTrue(problems.get(4).message().startsWith("no onion"));
    assertTrue(problems.get(5).message().contains("user@e.org"));
    assertTrue(problems.stream().allMatch(p -> p.source().equals("test.map")));
  }

  @Test
  void continuationWithoutAnEntryIsAProblem() {
    List<Problem> leading = problems("  leading smtptor:[" + A + "]\n");
    assertEquals(1, leading.get(0).line());
  }

  @Test
  void overlongLineIsReportedAndSkipped() {
    String huge = "a".repeat(PostfixMapReader.MAX_LINE * 5);
    List<Problem> problems =
        problems("a.org smtptor:[" + A + "]\n" + huge + " smtptor:[" + A + "]\n  more\nb.org x\n");
    assertEquals(2, problems.size(), problems.toString());
    assertEquals(2, problems.get(0).line());
    assertEquals("line longer than 4096 characters", problems.get(0).message());
    assertEquals(4, problems.get(1).line());
  }

  @Test
  void inputOverTheCharacterLimitIsRefused() throws Exception {
    MapCollector out = new MapCollector();
    String text = ("a.org smtptor:[" + A + "]\n").repeat(1000);
    OnionMap.read(new StringReader(text), "big", 10_000, out);
    MapException e = assertThrows(MapException.class, out::build);
    assertTrue(e.problems().get(0).message().contains("larger than the limit"), e.getMessage());
  }

  @Test
  void domainsAreCaseInsensitive() throws Exception {
    OnionMap map = parse("RiseUp.NET. smtptor:[" + A.toUpperCase() + "]\nriseup.net smtptor:" + A);
    assertEquals(1, map.size());
    assertEquals(target(A), map.lookup("riseup.net").orElseThrow());
  }

  @Test
  void conflictInOneFileNamesBothOnionsTheDomainAndTheLine() {
    List<Problem> problems =
        problems("a.org smtptor:[" + A + "]\n# x\nA.org smtptor:[" + B + "]\n");
    assertEquals(1, problems.size());
    Problem p = problems.get(0);
    assertEquals(3, p.line());
    assertTrue(p.message().contains("'a.org'"), p.message());
    assertTrue(p.message().contains(A) && p.message().contains(B), p.message());
  }

  @Test
  void samePortlessAndPort25EntryIsNoConflict() throws Exception {
    assertEquals(1, parse("a.org smtptor:[" + A + "]\na.org smtptor:[" + A + "]:25\n").size());
  }
}
