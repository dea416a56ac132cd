package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;
import org.onionmx.deliver.RecipientResult.Rejected;
import org.onionmx.deliver.RecipientResult.StatusUnknown;
import org.onionmx.testing.socks.Fault;
import org.onionmx.tor.SocksReply;
import org.onionmx.tor.TorSocksConnector;

/** Tor replies, timeouts and cuts: temporary ones defer or fail over, nothing is lost. */
class TorAndConnectionFailuresTest {
  private static final String A = "a@example.org";

  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.each("mx1", "mx2");

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
        0xF7
      })
  void torReplyOnTheOnlyTargetDefersOrRejectsAsTorMeansIt(int code) {
    onion.proxy().script(host("mx1"), Fault.reply(code));

    RecipientResult result =
        onion
            .mailer()
            .deliver(route(target("mx1")), envelope(A), rawMessage("s", "b"))
            .resultFor(A);

    boolean temporary = SocksReply.of(code).orElseThrow().isTemporary();
    Failure failure =
        temporary
            ? assertInstanceOf(Deferred.class, result).failure()
            : assertInstanceOf(Rejected.class, result).failure();
    Failure.Tor tor = assertInstanceOf(Failure.Tor.class, failure);
    assertEquals(code, tor.socksCode());
    assertEquals(temporary, tor.temporary());
    assertEquals(0, onion.server("mx1").connections());
  }

  @ParameterizedTest
  @ValueSource(ints = {0xF0, 0xF2, 0xF6})
  void torFailureOnTheFirstTargetFailsOverToTheSecond(int code) {
    onion.proxy().script(host("mx1"), Fault.reply(code));

    DeliveryReport report =
        onion
            .mailer()
            .deliver(route(target("mx1"), target("mx2")), envelope(A), rawMessage("s", "b"));

    assertEquals(target("mx2"), assertInstanceOf(Accepted.class, report.resultFor(A)).target());
    assertEquals(1, onion.server("mx2").transactions().size());
  }

  @Test
  void temporaryFailureWinsOverAPermanentOneWhenAllTargetsFail() {
    onion.proxy().script(host("mx1"), Fault.reply(0xF2)).script(host("mx2"), Fault.reply(0xF6));

    Deferred d =
        assertInstanceOf(
            Deferred.class,
            onion
                .mailer()
                .deliver(route(target("mx1"), target("mx2")), envelope(A), rawMessage("s", "b"))
                .resultFor(A));

    assertEquals(0xF2, ((Failure.Tor) d.failure()).socksCode());
    assertEquals(target("mx1"), d.target());
  }

  @Test
  void noTorListeningDefers() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (OnionMailer m =
        OnionMailer.newBuilder()
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), closed)
                    .build())
            .build()) {
      Deferred d =
          assertInstanceOf(
              Deferred.class,
              m.deliver(route(target("mx1")), envelope(A), rawMessage("s", "b")).resultFor(A));
      assertEquals(-1, ((Failure.Tor) d.failure()).socksCode());
    }
  }

  @Test
  void silentServerTimesOutAndDefers() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnionMailer m =
            Fixtures.mailer(onion.proxy()).readTimeout(Duration.ofMillis(300)).build()) {
      onion.proxy().route(host("mx3"), silent.getLocalPort());

      Deferred d =
          assertInstanceOf(
              Deferred.class,
              m.deliver(route(target("mx3")), envelope(A), rawMessage("s", "b")).resultFor(A));

      assertEquals(Kind.TIMEOUT, ((Failure.Connection) d.failure()).kind());
    }
  }

  @Test
  void cutInTheMiddleOfDataDefersAndTriesTheNextTarget() {
    onion.proxy().script(host("mx1"), Fault.cutAfterClientBytes(64 * 1024));

    DeliveryReport report =
        onion.mailer().deliver(route(target("mx1"), target("mx2")), envelope(A), bigMessage());

    assertEquals(target("mx2"), assertInstanceOf(Accepted.class, report.resultFor(A)).target());
    assertTrue(onion.server("mx1").transactions().isEmpty());
  }

  @Test
  void cutInTheMiddleOfDataOnTheOnlyTargetDefers() {
    onion.proxy().script(host("mx1"), Fault.cutAfterClientBytes(64 * 1024));

    Deferred d =
        assertInstanceOf(
            Deferred.class,
            onion.mailer().deliver(route(target("mx1")), envelope(A), bigMessage()).resultFor(A));

    assertEquals(Kind.CUT, ((Failure.Connection) d.failure()).kind());
  }

  /**
   * A message larger than the loopback socket buffers (a few MB), so that writing it cannot
   * complete once the onion.proxy() has cut the stream: a cut that lands while the client is still
   * writing is known not to have delivered. (Had the whole message and its "." fitted into the
   * buffers, the client could not tell, and the result would rightly be StatusUnknown.)
   */
  private static byte[] bigMessage() {
    return rawMessage("big", ("x".repeat(998) + "\r\n").repeat(16 * 1024));
  }

  @Test
  void cutAfterTheFinalDotLeavesTheStatusUnknownAndTriesNoOtherTarget() {
    onion.proxy().script(host("mx1"), Fault.cutAfterEndOfData());

    DeliveryReport report =
        onion
            .mailer()
            .deliver(route(target("mx1"), target("mx2")), envelope(A), rawMessage("s", "b"));

    StatusUnknown u = assertInstanceOf(StatusUnknown.class, report.resultFor(A));
    assertEquals(target("mx1"), u.target());
    assertEquals(0, onion.server("mx2").connections());
    assertEquals(List.of(target("mx1")), report.targetsTried());
  }

  @Test
  void recipientRefusedBeforeACutKeepsItsRefusal() {
    onion.server("mx1").replyToRecipient("b@example.org", "550 5.1.1 unknown");
    onion.proxy().script(host("mx1"), Fault.cutAfterEndOfData());

    DeliveryReport report =
        onion
            .mailer()
            .deliver(route(target("mx1")), envelope(A, "b@example.org"), rawMessage("s", "b"));

    assertInstanceOf(StatusUnknown.class, report.resultFor(A));
    assertInstanceOf(Rejected.class, report.resultFor("b@example.org"));
  }
}
