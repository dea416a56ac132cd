package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;

/** Repeated YAML keys are warnings (errors with --strict); map text is escaped in messages. */
class MapCheckWarningsTest {
  @Test
  void repeatedKeyIsAWarningNamingBothLines(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("map.yml");
    Files.writeString(
        map,
        "'"
            + RISEUP
            + "': [a.example]\n'"
            + MapCommandTest.OTHER
            + "': [c.example]\n'"
            + RISEUP
            + "': [b.example]\n");
    Run run = run("map", "check", map.toString());
    assertEquals(0, run.exit(), run.out());
    assertTrue(
        run.out()
            .contains(
                "warning: " + map + ":3: the key '" + RISEUP + "' appears again (first on line 1)"),
        run.out());
    assertTrue(run.out().contains("3 domains routed"), run.out());
    assertTrue(run.out().contains("0 errors, 1 warning"), run.out());
  }

  @Test
  void repeatedKeyIsAnErrorWithStrict(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("map.yml");
    Files.writeString(map, "'" + RISEUP + "': [a.example]\n'" + RISEUP + "': [b.example]\n");
    Run run = run("map", "check", "--strict", map.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("error: " + map + ":2: the key"), run.out());
  }

  @Test
  void repeatedDeadKeyIsAWarningToo(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("map.yml");
    Files.writeString(
        map, "'wy6zk3pmcwiyhiao.onion': [a.example]\n'wy6zk3pmcwiyhiao.onion': [b.example]\n");
    Run run = run("map", "check", map.toString());
    assertTrue(
        run.out().contains(map + ":2: the key 'wy6zk3pmcwiyhiao.onion' appears again"), run.out());
  }

  @Test
  void controlBytesFromAMapAreEscapedInMessages(@TempDir Path dir) throws Exception {
    Path map = dir.resolve("map.yml");
    Files.writeString(map, "'" + RISEUP + "': [\"a\\x1b[2Jb.example\", \"c\\rforged.example\"]\n");
    Run run = run("map", "check", map.toString());
    assertEquals(1, run.exit(), run.out());
    for (char c : run.out().toCharArray()) {
      assertTrue(c == '\n' || c >= 0x20, "raw control byte " + (int) c + " in " + run.out());
    }
    assertEquals(3, run.out().split("\n").length, run.out()); // two problems and the summary
  }
}
