package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.MutableClock;
import org.onionmx.tor.TorHealth.Snapshot;
import org.onionmx.tor.TorHealth.State;

/** The stall rule, recovery through the control port, counting and reporting. */
class TorHealthTest {
  private static final String A = "a.onion";
  private static final String B = "b.onion";
  private static final int INTRO_FAILED = 0xF2;
  private static final int RENDEZVOUS_FAILED = 0xF3;
  private static final int TTL_EXPIRED = 0x06;

  private final MutableClock clock = new MutableClock();
  private final List<Snapshot> heard = new CopyOnWriteArrayList<>();
  @RegisterExtension final ControlPortFixture controlPort = new ControlPortFixture();

  private TorHealth.Builder monitor() {
    return TorHealth.newBuilder().clock(clock).listener(heard::add);
  }

  @Test
  void temporaryFailuresOverTwoOnionsMakeAStallThatSignalsNewnymOnce() throws IOException {
    TorHealth health = monitor().control(controlPort.control()).build();

    assertFalse(health.streamFailed(A, INTRO_FAILED, true));
    assertFalse(health.streamFailed(B, RENDEZVOUS_FAILED, true));
    assertTrue(health.streamFailed(A, TTL_EXPIRED, true));

    assertEquals(1, controlPort.fake().newnyms());
    Snapshot s = health.snapshot();
    assertEquals(State.RECOVERING, s.state());
    assertEquals(1, s.recoveries());
    assertEquals(0, s.recentFailures(), "the run starts over after a recovery");
    assertEquals(3, s.totalFailures());
    assertEquals(Map.of(A, 2L, B, 1L), s.failuresByDestination());
    assertEquals(
        List.of(State.FAILING, State.RECOVERING), heard.stream().map(Snapshot::state).toList());
  }

  @Test
  void failuresToOneOnionAreNoStallUnderTheDefaultRule() throws IOException {
    TorHealth health = monitor().control(controlPort.control()).build();

    for (int i = 0; i < 5; i++) {
      assertFalse(health.streamFailed(A, INTRO_FAILED, true));
    }

    assertEquals(0, controlPort.fake().newnyms());
    assertEquals(State.FAILING, health.snapshot().state());
    assertEquals(5, health.snapshot().recentFailures());
  }

  @Test
  void oneDestinationRuleMakesOneDeadOnionAStall() throws IOException {
    TorHealth health =
        monitor().control(controlPort.control()).stallRule(2, 1, Duration.ofMinutes(1)).build();

    assertFalse(health.streamFailed(A, TTL_EXPIRED, true));
    assertTrue(health.streamFailed(A, TTL_EXPIRED, true));

    assertEquals(1, controlPort.fake().newnyms());
  }

  @Test
  void anOpenedStreamEndsTheRun() throws IOException {
    TorHealth health = monitor().control(controlPort.control()).build();

    health.streamFailed(A, INTRO_FAILED, true);
    health.streamFailed(B, INTRO_FAILED, true);
    clock.advance(Duration.ofSeconds(3));
    health.streamOpened(B);
    assertFalse(health.streamFailed(A, INTRO_FAILED, true));

    Snapshot s = health.snapshot();
    assertEquals(0, controlPort.fake().newnyms());
    assertEquals(1, s.recentFailures());
    assertEquals(Optional.of(clock.instant()), s.lastSuccess());
    assertEquals(
        List.of(State.FAILING, State.HEALTHY, State.FAILING),
        heard.stream().map(Snapshot::state).toList());
  }

  @Test
  void failuresOlderThanTheWindowDropOutOfTheRun() throws IOException {
    TorHealth health =
        monitor().control(controlPort.control()).stallRule(3, 2, Duration.ofMinutes(1)).build();

    health.streamFailed(A, INTRO_FAILED, true);
    health.streamFailed(B, INTRO_FAILED, true);
    clock.advance(Duration.ofSeconds(61));
    assertFalse(health.streamFailed(A, INTRO_FAILED, true));

    assertEquals(1, health.snapshot().recentFailures());
    assertEquals(0, controlPort.fake().newnyms());
  }

  @Test
  void withoutAControlPortAStallIsReportedButNotRecovered() throws IOException {
    TorHealth health = monitor().build();

    health.streamFailed(A, INTRO_FAILED, true);
    health.streamFailed(B, INTRO_FAILED, true);
    assertFalse(health.streamFailed(B, RENDEZVOUS_FAILED, true));
    health.streamOpened(A);

    assertFalse(health.hasControl());
    assertEquals(Optional.empty(), health.snapshot().bootstrap());
    assertEquals(0, health.snapshot().recoveries());
    assertEquals(
        List.of(State.FAILING, State.STALLED, State.HEALTHY),
        heard.stream().map(Snapshot::state).toList());
  }

  @Test
  void noReplyAndPermanentFailuresAreCountedButMakeNoStall() throws IOException {
    TorHealth health =
        monitor().control(controlPort.control()).stallRule(1, 1, Duration.ofMinutes(1)).build();

    assertFalse(health.streamFailed(A, TorSocksException.NO_REPLY, true));
    assertFalse(health.streamFailed(A, 0xF6, false));

    Snapshot s = health.snapshot();
    assertEquals(State.HEALTHY, s.state());
    assertEquals(2, s.totalFailures());
    assertEquals(Map.of(A, 2L), s.failuresByDestination());
    assertEquals(0, controlPort.fake().newnyms());
  }

  @Test
  void torsEventsUpdateBootstrapAndFailedCircuits() throws Exception {
    controlPort
        .fake()
        .bootstrapPhase("NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY=\"Loading\"");
    TorHealth health = monitor().control(controlPort.control()).build();
    assertEquals(50, health.snapshot().bootstrap().orElseThrow().progress());
    assertTrue(
        controlPort.fake().commands().contains("SETEVENTS STATUS_CLIENT CIRC"),
        controlPort.fake().commands().toString());

    controlPort
        .fake()
        .emit("CIRC 12 FAILED BUILD_FLAGS=NEED_CAPACITY PURPOSE=GENERAL REASON=TIMEOUT");
    controlPort
        .fake()
        .emit("STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"");

    awaitTrue(() -> health.snapshot().bootstrap().orElseThrow().done());
    assertEquals(1, health.snapshot().circuitFailures());
    assertTrue(
        heard.stream().anyMatch(s -> s.bootstrap().map(BootstrapStatus::done).orElse(false)));
  }

  @Test
  void newnymThatFailsIsNoRecoveryAndNoRetry() throws IOException {
    TorHealth health =
        monitor().control(controlPort.control()).stallRule(1, 1, Duration.ofMinutes(1)).build();
    controlPort.control().close();

    assertFalse(health.streamFailed(A, INTRO_FAILED, true));

    assertEquals(0, health.snapshot().recoveries());
  }

  @Test
  void concurrentFailuresAreAllCountedAndEachStallRecoversOnce() throws Exception {
    TorHealth health = monitor().control(controlPort.control()).build();
    int threads = 8;
    int perThread = 30;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger retries = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String onion = t % 2 == 0 ? A : B;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    if (health.streamFailed(onion, INTRO_FAILED, true)) {
                      retries.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Snapshot s = health.snapshot();
    assertEquals(threads * perThread, s.totalFailures());
    assertEquals(retries.get(), s.recoveries());
    assertEquals(s.recoveries(), controlPort.fake().newnyms());
    assertTrue(s.recoveries() >= 1 && s.recoveries() <= threads * perThread / 3, s.toString());
  }

  @Test
  void stallRuleRefusesNonsense() {
    TorHealth.Builder b = TorHealth.newBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.stallRule(0, 1, Duration.ofMinutes(1)));
    assertThrows(IllegalArgumentException.class, () -> b.stallRule(2, 3, Duration.ofMinutes(1)));
    assertThrows(IllegalArgumentException.class, () -> b.stallRule(3, 2, Duration.ZERO));
  }

  private static void awaitTrue(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }
}
