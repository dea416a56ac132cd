package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;
import org.onionmx.tor.ControlPortFixture;
import org.onionmx.tor.TorHealth;

/**
 * The mailer feeds the health monitor; a stall signals NEWNYM and the stalled message is retried
 * once, on fresh circuits.
 */
class HealthRecoveryTest {
  private static final String A = "a@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.each("mx1", "mx2");
  @RegisterExtension final ControlPortFixture controlPort = new ControlPortFixture();

  @Test
  void stallOverTwoOnionsSignalsNewnymAndTheStalledMessageIsRetriedOnce() throws Exception {
    // Tor fails the first three streams with onion errors, then works again (fresh circuits).
    onion
        .proxy()
        .addRule(FaultRule.forHost(host("mx1"), Fault.reply(0xF2)).times(2))
        .addRule(FaultRule.forHost(host("mx2"), Fault.reply(0xF3)).times(1));
    TorHealth health = TorHealth.newBuilder().control(controlPort.control()).build();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).health(health).build()) {
      RecipientResult one =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b")).resultFor(A);
      RecipientResult two =
          mailer.deliver(route(target("mx2")), envelope(A), rawMessage("2", "b")).resultFor(A);
      DeliveryReport three =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("3", "b"));

      assertEquals(
          0xF2, ((Failure.Tor) assertInstanceOf(Deferred.class, one).failure()).socksCode());
      assertEquals(
          0xF3, ((Failure.Tor) assertInstanceOf(Deferred.class, two).failure()).socksCode());
      assertInstanceOf(Accepted.class, three.resultFor(A));
      assertEquals(List.of(target("mx1"), target("mx1")), three.targetsTried());
      assertEquals(1, controlPort.fake().newnyms());
      assertEquals(1, onion.server("mx1").transactions().size());
      TorHealth.Snapshot s = health.snapshot();
      assertEquals(TorHealth.State.HEALTHY, s.state());
      assertEquals(1, s.recoveries());
      assertEquals(Map.of(host("mx1"), 2L, host("mx2"), 1L), s.failuresByDestination());
      assertEquals(3, s.totalFailures());
    }
  }

  @Test
  void ttlExpiredFromAStoppedOnionCountsAsAnOnionFailure() throws Exception {
    onion.proxy().addRule(FaultRule.forHost(host("mx1"), Fault.reply(0x06)).times(2));
    TorHealth health =
        TorHealth.newBuilder()
            .control(controlPort.control())
            .stallRule(2, 1, Duration.ofMinutes(1))
            .build();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).health(health).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b"));
      DeliveryReport second =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("2", "b"));

      assertInstanceOf(Accepted.class, second.resultFor(A));
      assertEquals(1, controlPort.fake().newnyms());
    }
  }

  @Test
  void retryAfterNewnymHappensOnlyOnce() throws Exception {
    onion.proxy().script(host("mx1"), Fault.reply(0xF2));
    TorHealth health =
        TorHealth.newBuilder()
            .control(controlPort.control())
            .stallRule(1, 1, Duration.ofMinutes(1))
            .build();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).health(health).build()) {
      DeliveryReport report =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b"));

      assertInstanceOf(Deferred.class, report.resultFor(A));
      assertEquals(2, onion.proxy().connects().size(), "first try and one retry");
      assertEquals(
          2, controlPort.fake().newnyms(), "the retry's failure is a new stall, but not retried");
    }
  }

  @Test
  void withoutAMonitorNothingIsRetried() throws Exception {
    onion.proxy().addRule(FaultRule.forHost(host("mx1"), Fault.reply(0xF2)).times(1));
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).build()) {
      assertInstanceOf(
          Deferred.class,
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b")).resultFor(A));
      assertEquals(1, onion.proxy().connects().size());
    }
  }
}
