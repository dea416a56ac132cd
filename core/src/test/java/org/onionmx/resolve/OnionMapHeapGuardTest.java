package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A map too large for the heap is refused before it is read, with the heap it would need. */
class OnionMapHeapGuardTest {
  @Test
  void mapThatNeedsMoreHeapThanTheJvmHasIsRefusedWithTheNumbers(@TempDir Path dir)
      throws Exception {
    Path map = dir.resolve("big.yml");
    StringBuilder yaml = new StringBuilder("'" + Onions.A + "':\n");
    for (int i = 0; i < 100_000; i++) {
      yaml.append("  - d").append(i).append(".example.org\n");
    }
    Files.writeString(map, yaml);
    long size = Files.size(map);
    MapException e = assertThrows(MapException.class, () -> OnionMap.load(List.of(map), 8_000_000));
    String message = e.problems().get(0).message();
    assertTrue(
        message.contains("needs about " + OnionMap.heapNeeded(size) / 1_000_000 + " MB"), message);
    assertTrue(message.contains("at most 8 MB (-Xmx)"), message);
    assertEquals(map.toString(), e.problems().get(0).source());
  }

  @Test
  void mapThatFitsIsLoaded(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("small.yml");
    Files.writeString(map, "'" + Onions.A + "': [a.example, b.example]\n");
    assertEquals(2, OnionMap.load(List.of(map), 64_000_000).size());
  }

  @Test
  void heapEstimateCoversTheMeasuredLoads() {
    // smallest -Xmx that loaded each measured map (JDK 17, G1); the estimate must not be below it
    assertTrue(OnionMap.heapNeeded(8_888_890) >= 48L << 20);
    assertTrue(OnionMap.heapNeeded(89_888_890) >= 320L << 20);
    assertTrue(OnionMap.heapNeeded(30_488_890) >= 128L << 20);
  }
}
