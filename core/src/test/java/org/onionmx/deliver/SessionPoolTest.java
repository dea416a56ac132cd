package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.MutableClock;
import org.onionmx.testing.socks.ConnectRequest;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;
import org.onionmx.tor.IsolationMode;

/** Many messages to one onion ride few sessions; stale and idle sessions are replaced. */
class SessionPoolTest {
  private static final String A = "a@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx1", "mx2");

  @Test
  void manyMessagesToOneOnionRideOneSession() throws Exception {
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).build()) {
      for (int i = 0; i < 20; i++) {
        assertTrue(
            mailer
                .deliver(route(target("mx1")), envelope(A), rawMessage("m" + i, "b"))
                .allAccepted());
      }
    }
    assertEquals(1, onion.proxy().connects().size());
    assertEquals(1, onion.server().connections());
    assertEquals(20, onion.server().transactions().size());
    assertEquals(1, onion.server().ehloNames().size());
  }

  @Test
  void sessionOlderThanTheMaxAgeIsClosedAfterItsMessageAndReplaced() throws Exception {
    MutableClock clock = new MutableClock();
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy())
            .clock(clock)
            .maxSessionAge(Duration.ofSeconds(300))
            .healthCheckAfter(Duration.ofHours(1))
            .idleTimeout(Duration.ofHours(1))
            .build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      clock.advance(Duration.ofSeconds(299));
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b"));
      assertEquals(1, onion.server().connections(), "still young: reused");

      clock.advance(Duration.ofSeconds(2)); // 301 s old: this message is its last
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("three", "b"));
      waitFor(() -> onion.server().commands().contains("QUIT"));
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("four", "b"));
    }
    assertEquals(4, onion.server().transactions().size());
    assertEquals(2, onion.server().connections());
    assertEquals(2, onion.proxy().connects().size());
  }

  @Test
  void concurrentSendersShareAtMostTheBoundOfSessions() throws Exception {
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).maxSessionsPerDestination(2).build()) {
      onion.proxy().route(host("gm"), greenMail.getSmtp().getPort());
      List<Future<DeliveryReport>> reports = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        for (int i = 0; i < 10; i++) {
          String subject = "t" + t + "m" + i;
          reports.add(
              threads.submit(
                  () ->
                      mailer.deliver(route(target("gm")), envelope(A), rawMessage(subject, "b"))));
        }
      }
      for (Future<DeliveryReport> r : reports) {
        assertTrue(r.get().allAccepted(), r.get().toString());
      }
      assertEquals(80, greenMail.getReceivedMessages().length);
    } finally {
      threads.shutdownNow();
      greenMail.stop();
    }
    int connects = onion.proxy().connects().size();
    assertTrue(connects >= 1 && connects <= 2, connects + " SOCKS CONNECTs");
  }

  @Test
  void sessionDroppedByTheServerIsReplacedWithoutLosingTheMessage() throws Exception {
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).healthCheckAfter(Duration.ofHours(1)).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      onion.server().dropConnections();

      DeliveryReport second =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b"));

      assertTrue(second.allAccepted(), second.toString());
    }
    assertEquals(2, onion.server().transactions().size());
    assertEquals(2, onion.proxy().connects().size());
  }

  @Test
  void afterAllPooledSessionsDiedTheRetryGoesToAFreshSessionNotAnotherStaleOne() throws Exception {
    // two sessions open at once: each CONNECT waits long enough for the other sender to start
    onion
        .proxy()
        .addRule(
            FaultRule.when(r -> true, Fault.delayed(Duration.ofMillis(300), Fault.pass()))
                .times(2));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).healthCheckAfter(Duration.ofHours(1)).build()) {
      List<Future<DeliveryReport>> first = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String subject = "first" + i;
        first.add(
            threads.submit(
                () -> mailer.deliver(route(target("mx1")), envelope(A), rawMessage(subject, "b"))));
      }
      for (Future<DeliveryReport> f : first) {
        assertTrue(f.get().allAccepted(), f.get().toString());
      }
      assertEquals(2, onion.server().connections(), "two pooled sessions");
      onion.server().dropConnections(); // a server restart, or a collapsed circuit: both are dead

      DeliveryReport next = mailer.deliver(route(target("mx1")), envelope(A), rawMessage("n", "b"));

      assertTrue(next.allAccepted(), next.toString());
    } finally {
      threads.shutdownNow();
    }
    assertEquals(3, onion.server().transactions().size());
  }

  @Test
  void sessionIdleLongerThanTheHealthCheckAnswersNoopFirst() throws Exception {
    MutableClock clock = new MutableClock();
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy())
            .clock(clock)
            .healthCheckAfter(Duration.ofSeconds(5))
            .build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b"));
      assertEquals(0, onion.server().commands().stream().filter("NOOP"::equals).count());

      clock.advance(Duration.ofSeconds(6));
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("three", "b"));
    }
    assertEquals(1, onion.server().commands().stream().filter("NOOP"::equals).count());
    assertEquals(1, onion.server().connections());
  }

  @Test
  void idleSessionIsClosedAfterTheIdleTimeout() throws Exception {
    MutableClock clock = new MutableClock();
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).clock(clock).idleTimeout(Duration.ofSeconds(30)).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      clock.advance(Duration.ofSeconds(31));
      mailer.evictIdle();
      waitFor(() -> onion.server().commands().contains("QUIT"));

      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b"));
    }
    assertEquals(2, onion.server().connections());
  }

  @Test
  void destinationsWithoutSessionsAreForgotten() throws Exception {
    MutableClock clock = new MutableClock();
    onion.proxy().defaultRoute(onion.server().port());
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).clock(clock).idleTimeout(Duration.ofSeconds(30)).build()) {
      for (int i = 0; i < 20; i++) {
        assertTrue(
            mailer
                .deliver(route(target("d" + i)), envelope(A), rawMessage("m", "b"))
                .allAccepted());
      }
      assertEquals(20, mailer.destinationsKept());

      clock.advance(Duration.ofSeconds(31));
      mailer.evictIdle();

      assertEquals(0, mailer.destinationsKept());
      onion
          .proxy()
          .script(host("down"), Fault.reply(0xF2)); // an unreachable onion leaves nothing behind
      mailer.deliver(route(target("down")), envelope(A), rawMessage("m", "b"));
      assertEquals(0, mailer.destinationsKept());
    }
  }

  @Test
  void closingTheMailerQuitsItsSessions() throws Exception {
    OnionMailer mailer = Fixtures.mailer(onion.proxy()).build();
    mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));

    mailer.close();

    waitFor(() -> onion.server().commands().contains("QUIT"));
    assertThrows(
        IllegalStateException.class,
        () -> mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b")));
  }

  @Test
  void eachOnionGetsItsOwnCircuitCredentials() throws Exception {
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      mailer.deliver(route(target("mx2")), envelope(A), rawMessage("two", "b"));
    }
    List<ConnectRequest> connects = onion.proxy().connects();
    assertEquals(2, connects.size());
    assertNotEquals(connects.get(0).username(), connects.get(1).username());
    onion.proxy().assertNoOsLoginAsUser();
  }

  @Test
  void perMessageIsolationOpensASessionPerMessageOnItsOwnCircuit() throws Exception {
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).isolation(IsolationMode.PER_MESSAGE).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("one", "b"));
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("two", "b"));
    }
    List<ConnectRequest> connects = onion.proxy().connects();
    assertEquals(2, connects.size());
    assertNotEquals(connects.get(0).username(), connects.get(1).username());
    assertEquals(2, onion.server().transactions().size());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }
}
