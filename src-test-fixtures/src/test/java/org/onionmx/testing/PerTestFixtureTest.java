package org.onionmx.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** A fixture starts before each test and is closed after it, also when the test fails. */
class PerTestFixtureTest {
  private static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  private static volatile boolean launching;

  /** A fixture that records its start and its close. */
  static final class Recorded implements AutoCloseable {
    Recorded() {
      EVENTS.add("start");
    }

    @Override
    public void close() {
      EVENTS.add("close");
    }
  }

  /** Run only by {@link #fixtureIsClosedAfterEachTestEvenWhenItFails}. */
  @EnabledIf("org.onionmx.testing.PerTestFixtureTest#launching")
  static class TwoTestsOneFailing {
    @RegisterExtension final PerTestFixture<Recorded> fixture = PerTestFixture.of(Recorded::new);

    @Test
    void passes() {
      EVENTS.add("passes with " + fixture.get().getClass().getSimpleName());
    }

    @Test
    void fails() {
      EVENTS.add("fails with " + fixture.get().getClass().getSimpleName());
      throw new AssertionError("fails on purpose");
    }
  }

  static boolean launching() {
    return launching;
  }

  @Test
  void fixtureIsClosedAfterEachTestEvenWhenItFails() {
    EVENTS.clear();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launching = true;
    try {
      LauncherFactory.create()
          .execute(
              LauncherDiscoveryRequestBuilder.request()
                  .selectors(selectClass(TwoTestsOneFailing.class))
                  .build(),
              listener);
    } finally {
      launching = false;
    }

    assertEquals(2, listener.getSummary().getTestsStartedCount());
    assertEquals(1, listener.getSummary().getTestsFailedCount());
    List<String> events = List.copyOf(EVENTS);
    assertEquals(6, events.size(), events.toString());
    for (int i = 0; i < 6; i += 3) {
      assertEquals("start", events.get(i), events.toString());
      assertTrue(events.get(i + 1).endsWith(" with Recorded"), events.toString());
      assertEquals("close", events.get(i + 2), events.toString());
    }
  }

  @Test
  void outsideATestTheFixtureIsRefusedWithHowToRegisterIt() {
    PerTestFixture<Recorded> unregistered = PerTestFixture.of(Recorded::new);
    IllegalStateException e = assertThrows(IllegalStateException.class, unregistered::get);
    assertTrue(e.getMessage().contains("instance field"), e.getMessage());
  }
}
