package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.DOMAIN;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.socks.Fault;
import org.onionmx.testing.socks.FaultRule;
import org.onionmx.testing.tor.FakeControlPort;
import org.onionmx.tor.TorControl;
import org.onionmx.tor.TorHealth;

/**
 * The delivery event seam: what a metrics or queue listener is told, and that it cannot break a
 * delivery.
 */
class DeliveryListenerTest {
  private static final String A = "a@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx1", "mx2");
  private final Recorder events = new Recorder();

  @Test
  void aNewStreamThenAReusedSessionThenEachRecipientsResult() throws Exception {
    onion.server().replyToRecipient("b@example.org", "550 5.1.1 no such user");
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).listener(events).build()) {
      mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "x"));
      mailer.deliver(route(target("mx1")), envelope(A, "b@example.org"), rawMessage("2", "x"));
    }

    assertEquals(
        List.of(
            "deliveryStarted example.org",
            "streamOpened example.org " + host("mx1"),
            "recipientResult example.org Accepted",
            "deliveryEnded 1",
            "deliveryStarted example.org",
            "sessionReused example.org " + host("mx1"),
            "recipientResult example.org Accepted",
            "recipientResult example.org Rejected",
            "deliveryEnded 2"),
        events.names());
  }

  @Test
  void aTorFailureOnOneTargetIsToldWithItsCodeBeforeTheNextTarget() throws Exception {
    onion.proxy().script(host("mx1"), Fault.reply(0xF2));
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).listener(events).build()) {
      mailer.deliver(route(target("mx1"), target("mx2")), envelope(A), rawMessage("1", "x"));
    }

    assertEquals("targetFailed example.org " + host("mx1") + " Tor 0xf2", events.names().get(1));
    assertEquals("streamOpened example.org " + host("mx2"), events.names().get(2));
  }

  @Test
  void aListenerThatThrowsChangesNothing() throws Exception {
    DeliveryListener broken =
        new DeliveryListener() {
          @Override
          public void recipientResult(String domain, RecipientResult result) {
            throw new IllegalStateException("a bug in a metrics listener");
          }
        };
    try (OnionMailer mailer =
        Fixtures.mailer(onion.proxy()).listener(broken).listener(events).build()) {
      DeliveryReport report =
          mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "x"));
      assertTrue(report.allAccepted());
    }
    assertTrue(
        events.names().contains("recipientResult example.org Accepted"), events.names()::toString);
  }

  @Test
  void theSenderTellsOfEachLookUp() throws Exception {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(Map.of(DOMAIN, target("mx1"))))
            .srv(false)
            .build();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).listener(events).build()) {
      OnionSender.of(resolver, mailer)
          .send("s@sender.example", List.of(A, "z@other.example"), rawMessage("1", "x"));
    }
    assertTrue(events.names().contains("resolved example.org Routed"), events.names()::toString);
    assertTrue(
        events.names().contains("resolved other.example NoOnionRoute"), events.names()::toString);
  }

  @Test
  void theHealthMonitorsChangesReachTheListeners() throws Exception {
    onion.proxy().addRule(FaultRule.forHost(host("mx1"), Fault.reply(0xF2)).times(1));
    try (FakeControlPort port = FakeControlPort.start();
        TorControl control =
            TorControl.newBuilder()
                .address(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port.port())
                .connect()) {
      TorHealth health =
          TorHealth.newBuilder().control(control).stallRule(1, 1, Duration.ofMinutes(1)).build();
      try (OnionMailer mailer =
          Fixtures.mailer(onion.proxy()).health(health).listener(events).build()) {
        DeliveryReport report =
            mailer.deliver(route(target("mx1")), envelope(A), rawMessage("1", "x"));
        assertTrue(report.allAccepted(), report.toString()); // retried once after NEWNYM
      }
    }
    assertTrue(
        events.names().stream().anyMatch(n -> n.startsWith("torHealthChanged RECOVERING")),
        events.names()::toString);
  }

  /** Writes each event as one line. */
  private static final class Recorder implements DeliveryListener {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    List<String> names() {
      return List.copyOf(lines);
    }

    private static String onion(OnionTarget t) {
      return t.onion().hostname();
    }

    @Override
    public void resolved(String domain, Resolution resolution, Duration took) {
      lines.add("resolved " + domain + " " + resolution.getClass().getSimpleName());
    }

    @Override
    public void deliveryStarted(Resolution.Routed route, Envelope envelope) {
      lines.add("deliveryStarted " + route.domain());
    }

    @Override
    public void streamOpened(String domain, OnionTarget target, Duration took) {
      assertTrue(!took.isNegative());
      lines.add("streamOpened " + domain + " " + onion(target));
    }

    @Override
    public void sessionReused(String domain, OnionTarget target) {
      lines.add("sessionReused " + domain + " " + onion(target));
    }

    @Override
    public void targetFailed(String domain, OnionTarget target, Failure failure) {
      Failure.Tor tor = assertInstanceOf(Failure.Tor.class, failure);
      lines.add(
          "targetFailed "
              + domain
              + " "
              + onion(target)
              + " Tor 0x"
              + Integer.toHexString(tor.socksCode()));
    }

    @Override
    public void recipientResult(String domain, RecipientResult result) {
      lines.add("recipientResult " + domain + " " + result.getClass().getSimpleName());
    }

    @Override
    public void deliveryEnded(DeliveryReport report, Duration took) {
      lines.add("deliveryEnded " + report.results().size());
    }

    @Override
    public void torHealthChanged(TorHealth.Snapshot snapshot) {
      lines.add("torHealthChanged " + snapshot.state());
    }
  }
}
