package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.tor.TorControlException.Kind;

/** TorControl against a scripted control port on loopback: the dialogue and every typed error. */
class TorControlTest {
  private static final String OK = "250 OK\r\n";
  private final List<String> received = new CopyOnWriteArrayList<>();
  private LoopbackServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /**
   * A control port answering each line with {@code replies}' text; null leaves the line (and all
   * later ones) unanswered, "CLOSE" ends the connection.
   */
  private TorControl.Builder scripted(Function<String, String> replies) throws IOException {
    server =
        LoopbackServer.start(
            (in, out) -> {
              BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
              boolean silent = false;
              for (String line = r.readLine(); line != null; line = r.readLine()) {
                received.add(line);
                String reply = silent ? null : replies.apply(line);
                if (reply == null) {
                  silent = true;
                } else if (reply.equals("CLOSE")) {
                  return;
                } else {
                  out.write(reply.getBytes(StandardCharsets.UTF_8));
                  out.flush();
                }
              }
            });
    return TorControl.newBuilder()
        .address(loopback(), server.port())
        // generous: only the silent-Tor test waits for it, the others must not race it under load
        .replyTimeout(Duration.ofSeconds(10));
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
  }

  private static Function<String, String> authThen(Function<String, String> rest) {
    return line -> line.startsWith("AUTHENTICATE") ? OK : rest.apply(line);
  }

  @Test
  void nothingListeningIsTypedWithTheAddress() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
      port = s.getLocalPort();
    }
    TorControlException e =
        assertThrows(
            TorControlException.class,
            () -> TorControl.newBuilder().address(loopback(), port).connect());
    assertEquals(Kind.NOTHING_LISTENING, e.kind());
    assertEquals("127.0.0.1:" + port, e.controlPort());
  }

  @Test
  @SuppressWarnings("try") // the connection is opened for what it sends
  void cookieIsSentInHex(@TempDir Path dir) throws IOException {
    Path cookie = dir.resolve("control_auth_cookie");
    Files.write(cookie, new byte[] {1, 2, (byte) 0xAB});
    try (TorControl c = scripted(line -> OK).cookieFile(cookie).connect()) {
      assertEquals(List.of("AUTHENTICATE 0102AB"), received);
    }
  }

  @Test
  @SuppressWarnings("try") // the connection is opened for what it sends
  void passwordIsSentInHex() throws IOException {
    try (TorControl c = scripted(line -> OK).password("pw\"").connect()) {
      assertEquals(List.of("AUTHENTICATE 707722"), received);
    }
  }

  @Test
  void unreadableCookieIsTypedBeforeConnecting(@TempDir Path dir) throws IOException {
    TorControl.Builder b = scripted(line -> OK).cookieFile(dir.resolve("missing"));
    TorControlException e = assertThrows(TorControlException.class, b::connect);
    assertEquals(Kind.COOKIE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    assertEquals(List.of(), received);
  }

  @Test
  void refusedCookieIsAuthenticationRefusedWithTorsReason(@TempDir Path dir) throws IOException {
    Path cookie = Files.write(dir.resolve("c"), new byte[32]);
    TorControl.Builder b =
        scripted(
                line ->
                    "515 Authentication failed: Authentication cookie did not match expected"
                        + " value.\r\n")
            .cookieFile(cookie);
    TorControlException e = assertThrows(TorControlException.class, b::connect);
    assertEquals(Kind.AUTHENTICATION_REFUSED, e.kind());
    assertTrue(e.getMessage().contains("did not match"), e.getMessage());
  }

  @Test
  void bothCookieAndPasswordAreRefused(@TempDir Path dir) {
    TorControl.Builder b = TorControl.newBuilder().cookieFile(dir.resolve("c")).password("x");
    assertThrows(IllegalStateException.class, b::connect);
  }

  @Test
  void silentTorIsNoReplyAndTheConnectionIsClosed() throws IOException {
    try (TorControl c =
        scripted(authThen(line -> null)).replyTimeout(Duration.ofMillis(300)).connect()) {
      TorControlException e = assertThrows(TorControlException.class, c::version);
      assertEquals(Kind.NO_REPLY, e.kind());
      TorControlException later = assertThrows(TorControlException.class, c::newnym);
      assertEquals(Kind.CONNECTION_LOST, later.kind());
    }
  }

  @Test
  void connectionEndedByTorIsConnectionLost() throws IOException {
    try (TorControl c = scripted(authThen(line -> "CLOSE")).connect()) {
      TorControlException e = assertThrows(TorControlException.class, c::newnym);
      assertEquals(Kind.CONNECTION_LOST, e.kind());
    }
  }

  @Test
  void errorReplyIsCommandRefused() throws IOException {
    try (TorControl c =
        scripted(authThen(line -> "552 Unrecognized signal code \"NEWNYM\"\r\n")).connect()) {
      TorControlException e = assertThrows(TorControlException.class, c::newnym);
      assertEquals(Kind.COMMAND_REFUSED, e.kind());
      assertTrue(e.getMessage().contains("Unrecognized signal"), e.getMessage());
      assertEquals("SIGNAL NEWNYM", received.get(1));
    }
  }

  private static Function<String, String> bootstrapSequence(String... phases) {
    Iterator<String> it = List.of(phases).iterator();
    return authThen(
        line -> {
          String phase = it.hasNext() ? it.next() : phases[phases.length - 1];
          return "250-status/bootstrap-phase=" + phase + "\r\n" + OK;
        });
  }

  @Test
  void waitForBootstrapReportsEachChangeUntilDone() throws IOException {
    List<BootstrapStatus> seen = new ArrayList<>();
    try (TorControl c =
        scripted(
                bootstrapSequence(
                    "NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY=\"Connected to a relay\"",
                    "NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY=\"Connected to a relay\"",
                    "NOTICE BOOTSTRAP PROGRESS=75 TAG=enough_dirinfo SUMMARY=\"Loaded enough\"",
                    "NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\""))
            .connect()) {
      BootstrapStatus done = c.waitForBootstrap(Duration.ofSeconds(5), seen::add);

      assertTrue(done.done());
      assertEquals(List.of(10, 75, 100), seen.stream().map(BootstrapStatus::progress).toList());
      assertEquals("Connected to a relay", seen.get(0).summary());
    }
  }

  @Test
  void stuckBootstrapIsNotBootstrappedWithTorsWarning() throws IOException {
    try (TorControl c =
        scripted(
                bootstrapSequence(
                    "WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY=\"Connecting to a relay\""
                        + " WARNING=\"Connection refused\" REASON=CONNECTREFUSED COUNT=3"))
            .connect()) {
      TorControlException e =
          assertThrows(
              TorControlException.class, () -> c.waitForBootstrap(Duration.ofMillis(300), s -> {}));
      assertEquals(Kind.NOT_BOOTSTRAPPED, e.kind());
      assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }
  }

  @Test
  void socksListenersAreTheIpListenersInTorsOrder() throws IOException {
    try (TorControl c =
        scripted(
                authThen(
                    line ->
                        "250-net/listeners/socks=\"127.0.0.1:9050\" \"unix:/run/tor/socks\""
                            + " \"[::1]:9150\"\r\n"
                            + OK))
            .connect()) {
      assertEquals(
          List.of(
              new InetSocketAddress(loopback(), 9050),
              new InetSocketAddress(InetAddress.getByName("::1"), 9150)),
          c.socksListeners());
    }
  }

  @Test
  void noSocksPortIsNoListeners() throws IOException {
    try (TorControl c = scripted(authThen(line -> "250-net/listeners/socks=\r\n" + OK)).connect()) {
      assertEquals(List.of(), c.socksListeners());
    }
  }

  @Test
  void socksPortWithoutExtendedErrorsIsReported() throws IOException {
    try (TorControl c =
        scripted(
                authThen(
                    line ->
                        "250-SocksPort=\"127.0.0.1:9050 IsolateSOCKSAuth\"\r\n"
                            + "250 SocksPort=\"127.0.0.1:9150 ExtendedErrors\"\r\n"))
            .connect()) {
      assertEquals(List.of("127.0.0.1:9050 IsolateSOCKSAuth"), c.socksPortsWithoutExtendedErrors());
      assertEquals("GETCONF SocksPort", received.get(1));
    }
  }

  @Test
  void defaultSocksPortLacksExtendedErrors() throws IOException {
    try (TorControl c = scripted(authThen(line -> "250 SocksPort\r\n")).connect()) {
      assertEquals(List.of("9050"), c.socksPortsWithoutExtendedErrors());
    }
  }

  @Test
  void disabledSocksPortLacksNothing() throws IOException {
    try (TorControl c = scripted(authThen(line -> "250 SocksPort=0\r\n")).connect()) {
      assertEquals(List.of(), c.socksPortsWithoutExtendedErrors());
    }
  }

  @Test
  void listenerNamedByHostNameIsRefusedWithoutALookUp() {
    assertThrows(IllegalArgumentException.class, () -> Listeners.parse("\"localhost:9050\""));
    assertThrows(IllegalArgumentException.class, () -> Listeners.parse("\"127.0.0.1\""));
  }

  @Test
  void bootstrapPhaseWithEscapedQuoteIsRead() {
    BootstrapStatus s =
        BootstrapStatus.parse("NOTICE BOOTSTRAP PROGRESS=50 TAG=x SUMMARY=\"say \\\"hi\\\"\"");
    assertEquals(50, s.progress());
    assertEquals("say \"hi\"", s.summary());
    assertTrue(s.warning().isEmpty());
  }
}
