package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.resolve.MapSamples.A;
import static org.onionmx.resolve.MapSamples.B;
import static org.onionmx.resolve.MapSamples.C;
import static org.onionmx.resolve.MapSamples.V2;
import static org.onionmx.resolve.MapSamples.parse;
import static org.onionmx.resolve.MapSamples.target;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.resolve.MapException.Problem;

/** Loading several files, merging maps, conflicts and the builder. */
class OnionMapMergeTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void loadMergesFilesOfBothForms() throws Exception {
    Path yaml = write("map.yml", "'" + A + "': [a.org, b.org]\n'" + V2 + "': [old.org]\n");
    Path postfix = write("transport", "# extra\nc.org smtptor:[" + B + "]\n");
    OnionMap map = OnionMap.load(yaml, postfix);
    assertEquals(3, map.size());
    assertEquals(target(B), map.lookup("c.org").orElseThrow());
    assertEquals(yaml.toString(), map.deadEntries().get(0).source());
    assertEquals(map.entries(), OnionMap.load(List.of(yaml, postfix)).entries());
  }

  @Test
  void sameEntryInTwoFilesIsFine() throws Exception {
    Path one = write("one.yml", "'" + A + "': [a.org]\n");
    Path two = write("two", "A.ORG smtptor:[" + A + "]\n");
    assertEquals(1, OnionMap.load(one, two).size());
  }

  @Test
  void conflictAcrossFilesNamesBothOnionsTheDomainAndBothFiles() throws Exception {
    Path one = write("one.yml", "'" + A + "':\n  - shared.org\n");
    Path two = write("two.yml", "# x\n'" + B + "':\n  - other.org\n  - Shared.Org\n");
    MapException e = assertThrows(MapException.class, () -> OnionMap.load(one, two));
    Problem p = e.problems().get(0);
    assertEquals(two.toString(), p.source());
    assertEquals(4, p.line());
    assertTrue(p.message().contains("'shared.org'"), p.message());
    assertTrue(p.message().contains(A) && p.message().contains(B), p.message());
    assertTrue(p.message().contains(one.toString()), p.message());
  }

  @Test
  void differentPortsOfOneOnionConflict() {
    assertThrows(
        MapException.class, () -> parse("'" + A + "': [a.org]\n'" + A + ":2525': [a.org]\n"));
  }

  @Test
  void problemsOfEveryFileAreReported() throws Exception {
    Path one = write("one.yml", "- not a map\n");
    Path two = write("two", "a.org garbage\n");
    MapException e = assertThrows(MapException.class, () -> OnionMap.load(one, two));
    assertEquals(
        List.of(one.toString(), two.toString()),
        e.problems().stream().map(Problem::source).toList());
  }

  @Test
  void invalidUtf8IsAProblemNotACrash() throws Exception {
    byte[] bad =
        ("'" + A + "':\n  - a.org\n  - b\u00e9.org\n").getBytes(StandardCharsets.ISO_8859_1);
    Path yaml = Files.write(dir.resolve("latin1.yml"), bad);
    Problem p = assertThrows(MapException.class, () -> OnionMap.load(yaml)).problems().get(0);
    assertEquals("not valid UTF-8 text", p.message());
    Path postfix =
        Files.write(
            dir.resolve("latin1"), "b\u00e9.org smtptor:x\n".getBytes(StandardCharsets.ISO_8859_1));
    p = assertThrows(MapException.class, () -> OnionMap.load(postfix)).problems().get(0);
    assertEquals("not valid UTF-8 text", p.message());
  }

  @Test
  void missingFileIsAnIOException() {
    assertThrows(NoSuchFileException.class, () -> OnionMap.load(dir.resolve("absent.yml")));
  }

  @Test
  void noFilesGiveTheEmptyMap() throws Exception {
    assertSame(0, OnionMap.load(List.of()).size());
  }

  @Test
  void mergeCombinesEntriesAndDeadEntries() throws Exception {
    OnionMap one = parse("'" + A + "': [a.org]\n'" + V2 + "': [old.org]\n");
    OnionMap two = parse("b.org smtptor:[" + B + "]\na.org smtptor:[" + A + "]\n");
    OnionMap both = one.merge(two);
    assertEquals(Map.of("a.org", target(A), "b.org", target(B)), both.entries());
    assertEquals(one.deadEntries(), both.deadEntries());
    assertEquals(both.entries(), two.merge(one).entries());
  }

  @Test
  void mergeConflictNamesBothOnionsAndTheDomain() throws Exception {
    OnionMap one = parse("'" + A + "': [a.org]\n");
    OnionMap two = parse("'" + B + "': [a.org]\n");
    MapException e = assertThrows(MapException.class, () -> one.merge(two));
    String message = e.problems().get(0).message();
    assertTrue(message.contains("'a.org'") && message.contains(A) && message.contains(B), message);
  }

  @Test
  void builderNormalisesDomainsAndRefusesConflicts() {
    OnionMap map =
        OnionMap.newBuilder().put("Example.ORG.", target(A)).put("example.org", target(A)).build();
    assertEquals(Map.of("example.org", target(A)), map.entries());
    OnionMap.Builder b = OnionMap.newBuilder().put("a.org", target(A));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.put("A.org", target(C)));
    assertTrue(e.getMessage().contains(A) && e.getMessage().contains(C), e.getMessage());
    assertThrows(InvalidDomainException.class, () -> b.put("not a domain", target(A)));
  }

  @Test
  void ofRefusesKeysThatNormaliseToOneDomainWithDifferentTargets() {
    assertThrows(
        IllegalArgumentException.class,
        () -> OnionMap.of(Map.of("a.org", target(A), "A.ORG", target(B))));
    assertEquals(1, OnionMap.of(Map.of("a.org", target(A), "A.ORG", target(A))).size());
  }
}
