package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;
import org.onionmx.testing.tor.FakeControlPort;
import org.onionmx.tor.TorControl;
import org.onionmx.tor.TorHealth;

/**
 * The mailer feeds the health monitor; a stall signals NEWNYM and the stalled message is retried
 * once, on fresh circuits.
 */
class HealthRecoveryTest {
  private static final String A = "a@example.org";

  private ScriptedSmtpServer first;
  private ScriptedSmtpServer second;
  private FakeTorProxy proxy;
  private FakeControlPort port;
  private TorControl control;

  @BeforeEach
  void start() throws Exception {
    first = ScriptedSmtpServer.start();
    second = ScriptedSmtpServer.start();
    proxy = FakeTorProxy.start();
    proxy.route(host("mx1"), first.port()).route(host("mx2"), second.port());
    port = FakeControlPort.start();
    control =
        TorControl.newBuilder()
            .address(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port.port())
            .connect();
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
    port.close();
    proxy.close();
    first.close();
    second.close();
  }

  @Test
  void stallOverTwoOnionsSignalsNewnymAndTheStalledMessageIsRetriedOnce() throws Exception {
    // Tor fails the first three streams with onion errors, then works again (fresh circuits).
    proxy
        .addRule(FaultRule.forHost(host("mx1"), Fault.reply(0xF2)).times(2))
        .addRule(FaultRule.forHost(host("mx2"), Fault.reply(0xF3)).times(1));
    TorHealth health = TorHealth.newBuilder().control(control).build();
    try (OnionMailer mailer = Fixtures.mailer(proxy).health(health).build()) {
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
      assertEquals(1, port.newnyms());
      assertEquals(1, first.transactions().size());
      TorHealth.Snapshot s = health.snapshot();
      assertEquals(TorHealth.State.HEALTHY, s.state());
      assertEquals(1, s.recoveries());
      assertEquals(Map.of(host("mx1"), 2L, host("mx2"), 1L), s.failuresByDestination());
      assertEquals(3, s.totalFailures());
    }
  }

  @Test
  void ttlExpiredFromAStoppedOnionCountsAsAnOnionFailure() throws Exception {
    proxy.addRule(FaultRule.forHost(host("mx1"), Fault.reply(0x06)).times(2));
    TorHealth health =
        TorHealth.newBuilder().control(control).stallRule(2, 1, Duration.ofMinutes(1)).build();
    try (OnionMailer mailer = Fixtures.mailer(proxy).health(health).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b"));
      DeliveryReport second =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("2", "b"));

      assertInstanceOf(Accepted.class, second.resultFor(A));
      assertEquals(1, port.newnyms());
    }
  }

  @Test
  void retryAfterNewnymHappensOnlyOnce() throws Exception {
    proxy.script(host("mx1"), Fault.reply(0xF2));
    TorHealth health =
        TorHealth.newBuilder().control(control).stallRule(1, 1, Duration.ofMinutes(1)).build();
    try (OnionMailer mailer = Fixtures.mailer(proxy).health(health).build()) {
      DeliveryReport report =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b"));

      assertInstanceOf(Deferred.class, report.resultFor(A));
      assertEquals(2, proxy.connects().size(), "first try and one retry");
      assertEquals(2, port.newnyms(), "the retry's failure is a new stall, but not retried");
    }
  }

  @Test
  void withoutAMonitorNothingIsRetried() throws Exception {
    proxy.addRule(FaultRule.forHost(host("mx1"), Fault.reply(0xF2)).times(1));
    try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
      assertInstanceOf(
          Deferred.class,
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "b")).resultFor(A));
      assertEquals(1, proxy.connects().size());
    }
  }
}
