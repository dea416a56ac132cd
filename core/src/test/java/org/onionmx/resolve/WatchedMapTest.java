package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.testing.MutableClock;

/** A map file read once, read again when it changes on disk, and never replaced by a bad edit. */
class WatchedMapTest {
  private static final Duration EVERY = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();

  @Test
  void manyLookUpsReadTheFilesOnce() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example]\n", 1);
    WatchedMap map = WatchedMap.load(List.of(file), OnionMap.empty(), EVERY, clock);

    for (int i = 0; i < 1000; i++) {
      assertTrue(map.get().lookup("one.example").isPresent());
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(1, map.loads());
  }

  @Test
  void aChangedFileIsReadAgainOnceTheIntervalHasPassed() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example]\n", 1);
    WatchedMap map = WatchedMap.load(List.of(file), OnionMap.empty(), EVERY, clock);

    write("map.yml", "'" + Onions.B + "': [one.example, two.example]\n", 2);
    clock.advance(Duration.ofSeconds(4));
    assertEquals(Onions.A, map.get().lookup("one.example").orElseThrow().onion().hostname());

    clock.advance(Duration.ofSeconds(1));
    assertEquals(Onions.B, map.get().lookup("one.example").orElseThrow().onion().hostname());
    assertTrue(map.get().lookup("two.example").isPresent());
    assertEquals(2, map.loads());
  }

  @Test
  void aBrokenEditKeepsTheLastGoodMapAndIsNotReadAgainUntilItChanges() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example]\n", 1);
    WatchedMap map = WatchedMap.load(List.of(file), OnionMap.empty(), EVERY, clock);

    write("map.yml", "'" + Onions.B + "': [one.example\n", 2); // unclosed
    clock.advance(EVERY);
    assertTrue(map.get().lookup("one.example").isPresent());
    assertTrue(map.lastProblem().isPresent());
    String problem = map.lastProblem().get();
    assertTrue(problem.contains("map.yml"), problem);

    write("map.yml", "'" + Onions.C + "': [three.example]\n", 3);
    clock.advance(EVERY);
    assertTrue(map.get().lookup("three.example").isPresent());
    assertEquals(Optional.empty(), map.get().lookup("one.example"));
    assertEquals(Optional.empty(), map.lastProblem());
    assertEquals(2, map.loads());
  }

  @Test
  void aFileThatDisappearsKeepsTheLastGoodMap() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example]\n", 1);
    WatchedMap map = WatchedMap.load(List.of(file), OnionMap.empty(), EVERY, clock);

    Files.delete(file);
    clock.advance(EVERY);

    assertTrue(map.get().lookup("one.example").isPresent());
    assertTrue(map.lastProblem().orElseThrow().contains("map.yml"), map.lastProblem().get());
  }

  @Test
  void theFilesAreMergedOverTheBase() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example]\n", 1);
    OnionMap base = OnionMap.of(Map.of("base.example", Onions.target(Onions.B, 25)));
    WatchedMap map = WatchedMap.load(List.of(file), base, EVERY, clock);

    assertTrue(map.get().lookup("one.example").isPresent());
    assertTrue(map.get().lookup("base.example").isPresent());
  }

  @Test
  void aFirstReadThatFailsIsTheCallersError() throws Exception {
    Path file = write("map.yml", "'" + Onions.A + "': [one.example\n", 1);
    assertThrows(
        MapException.class, () -> WatchedMap.load(List.of(file), OnionMap.empty(), EVERY, clock));
    assertThrows(
        java.io.IOException.class,
        () -> WatchedMap.load(List.of(dir.resolve("none.yml")), OnionMap.empty(), EVERY, clock));
  }

  /** Writes {@code text} with a modification time {@code version} minutes after the epoch. */
  private Path write(String name, String text, int version) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.fromMillis(version * 60_000L));
    return file;
  }
}
