package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;
import org.onionmx.resolve.OnionMap.DeadEntry;

/**
 * The public onionmx map as bundled (a copy of {@code shared/seeds/map.yml}): 16 keys, of which 9
 * are valid v3 onions with 29 domains and 7 are v2 names with 12 domains, one of them with a null
 * list.
 */
class OnionMapBundledTest {
  static final String RISEUP = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  static final String IMMERDA = "w5ejy7xyv4dw7jul7bycfnltircxddt7vqprcxe6uggnezlwwic72qqd.onion";

  private final OnionMap map = OnionMap.bundled();

  @Test
  void routesTheTwentyNineDomainsOfTheNineValidV3Keys() {
    assertEquals(29, map.size());
    Set<OnionTarget> targets = new HashSet<>(map.entries().values());
    assertEquals(9, targets.size());
    for (OnionTarget t : targets) {
      assertEquals(25, t.port());
      assertEquals(t.onion(), OnionAddress.parse(t.onion().hostname()));
    }
  }

  @Test
  void reportsTheSevenV2KeysAsDeadWithTheirTwelveDomains() {
    List<DeadEntry> dead = map.deadEntries();
    assertEquals(7, dead.size());
    assertTrue(dead.stream().allMatch(d -> d.reason() == Reason.V2));
    assertEquals(12, dead.stream().mapToInt(d -> d.domains().size()).sum());
    assertEquals(
        Set.of(
            "blackhost5xlrhev.onion",
            "4my2dd2okjr75aho.onion",
            "cssj56utefk3wxsv.onion",
            "lloiryev7cvzszsn.onion",
            "mssatgg2rwa4aytk.onion",
            "tyiw2fzn3uckv2my.onion",
            "zq36q5rfxd3cnvd5.onion"),
        dead.stream().map(DeadEntry::onion).collect(Collectors.toSet()));
  }

  @Test
  void keyWithNullListIsADeadEntryWithNoDomainsAndItsLine() {
    DeadEntry blackhost = map.deadEntries().get(0);
    assertEquals("blackhost5xlrhev.onion", blackhost.onion());
    assertEquals(List.of(), blackhost.domains());
    assertEquals(21, blackhost.line());
    assertTrue(blackhost.source().contains("onionmx-map.yml"));
  }

  @Test
  void deadDomainsAreNeverRouted() {
    for (DeadEntry d : map.deadEntries()) {
      for (String domain : d.domains()) {
        assertFalse(map.lookup(domain).isPresent(), domain);
      }
    }
    assertFalse(map.lookup("boum.org").isPresent());
    assertEquals(List.of("calyx.com", "calyxinstitute.org"), map.deadEntries().get(1).domains());
  }

  @Test
  void routesRiseupAndTheListsSubdomainToDifferentOnions() {
    assertEquals(RISEUP, map.lookup("riseup.net").orElseThrow().onion().hostname());
    assertEquals(
        "7sbw6jufrirhyltzkslhcmkik4z7yrsmbpnptyritvz5nhbk35hncsqd.onion",
        map.lookup("lists.riseup.net").orElseThrow().onion().hostname());
    assertEquals(
        20,
        map.entries().values().stream().filter(t -> t.onion().hostname().equals(IMMERDA)).count());
  }

  @Test
  void isReadOnce() {
    assertSame(map, OnionMap.bundled());
  }
}
