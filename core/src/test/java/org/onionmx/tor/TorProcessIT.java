package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.TorRetries;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.tor.PrivateTorNetwork;

/**
 * A {@link TorProcess} launched by the library as one more client of a private Tor network on
 * loopback, whose onion service leads to GreenMail. The network starts once for the class.
 */
class TorProcessIT {
  private static final String DOMAIN = "launched-tor.test";

  private static GreenMail greenMail;
  private static PrivateTorNetwork net;

  @TempDir Path dir;

  @BeforeAll
  static void startNetwork() throws IOException {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    net = PrivateTorNetwork.newBuilder().targetPort(greenMail.getSmtp().getPort()).start();
    System.out.println("[TorProcessIT] private Tor network ready: " + net.timings());
  }

  @AfterAll
  static void stopNetwork() {
    if (net != null) {
      net.close();
    }
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  @BeforeEach
  void emptyMailboxes() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  private TorProcess.Builder clientOfTheNetwork() {
    TorProcess.Builder builder =
        TorProcess.newBuilder()
            .dataDirectory(dir.resolve("tor"))
            .startupTimeout(Duration.ofSeconds(120));
    net.clientTorrcLines().forEach(builder::extraConfig);
    return builder;
  }

  private TorProcess start(TorProcess.Builder builder) throws IOException {
    long t0 = System.nanoTime();
    TorProcess tor = builder.start();
    System.out.printf(
        "[TorProcessIT] launched tor bootstrapped in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    return tor;
  }

  @Test
  void launchedTorBootstrapsDeliversToTheOnionAndCloseEndsIt() throws Exception {
    List<BootstrapStatus> progress = new ArrayList<>();
    TorProcess tor = start(clientOfTheNetwork().onProgress(progress::add));
    long pid = tor.pid();
    InetSocketAddress socks = tor.socksAddress();
    try {
      assertTrue(progress.get(progress.size() - 1).done(), progress::toString);
      assertInstanceOf(Inet4Address.class, socks.getAddress());
      assertEquals("127.0.0.1", socks.getAddress().getHostAddress());
      assertNotEquals(net.socksPort(), socks.getPort(), "its own SOCKS port, not the fixture's");
      assertEquals(List.of(), tor.control().socksPortsWithoutExtendedErrors());

      DeliveryReport report = deliverThrough(socks);

      assertTrue(report.allAccepted(), report::toString);
      MimeMessage received = greenMail.getReceivedMessages()[0];
      assertEquals("through a launched tor", received.getSubject());
    } finally {
      long t0 = System.nanoTime();
      tor.close();
      System.out.printf("[TorProcessIT] close took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
    assertFalse(alive(pid), "tor " + pid + " is gone");
    assertThrows(ConnectException.class, () -> new Socket(socks.getAddress(), socks.getPort()));
    tor.close(); // idempotent
  }

  @Test
  void torExitsWhenItsOwningControlConnectionClosesAndCloseIsThenClean() throws Exception {
    TorProcess tor = start(clientOfTheNetwork());
    ProcessHandle process = ProcessHandle.of(tor.pid()).orElseThrow();

    tor.control().close();

    process.onExit().get(5, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    tor.close();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(millis < 1000, millis + " ms");
  }

  @Test
  void closeAfterTorWasKilledIsClean() throws Exception {
    TorProcess tor = start(clientOfTheNetwork());
    ProcessHandle process = ProcessHandle.of(tor.pid()).orElseThrow();

    assertTrue(process.destroyForcibly());
    process.onExit().get(5, TimeUnit.SECONDS);

    long t0 = System.nanoTime();
    tor.close();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(millis < 1000, millis + " ms");
    assertFalse(alive(tor.pid()));
  }

  @Test
  void unknownTorrcOptionMakesTorExitAndTheErrorCarriesItsComplaint() {
    TorProcess.Builder builder = clientOfTheNetwork().extraConfig("NoSuchOption 1");

    TorProcessException e = assertThrows(TorProcessException.class, builder::start);

    assertEquals(TorProcessException.Kind.EXITED, e.kind(), e::toString);
    assertTrue(e.logTail().contains("NoSuchOption"), e::logTail);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * One message to the network's onion through {@code socks}, attempted up to twice more while Tor
   * fails it temporarily (a fresh circuit on the small test network now and then fails to build).
   */
  private static DeliveryReport deliverThrough(InetSocketAddress socks) throws IOException {
    OnionTarget target = new OnionTarget(OnionAddress.parse(net.onionHostname()), 25);
    Resolution.Routed route =
        new Resolution.Routed(DOMAIN, List.of(target), RouteSource.MAP, Instant.MAX);
    byte[] message =
        ("From: alice@sender.example\r\nTo: bob@"
                + DOMAIN
                + "\r\nSubject: through a launched tor\r\n\r\nhello\r\n")
            .getBytes(StandardCharsets.UTF_8);
    try (OnionMailer mailer =
        OnionMailer.newBuilder()
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(socks.getAddress(), socks.getPort())
                    .connectTimeout(Duration.ofSeconds(5))
                    .socksTimeout(Duration.ofSeconds(60))
                    .build())
            .readTimeout(Duration.ofSeconds(60))
            .build()) {
      Envelope envelope = Envelope.of("alice@sender.example", "bob@" + DOMAIN);
      return TorRetries.retryingTor("TorProcessIT", () -> mailer.deliver(route, envelope, message));
    }
  }
}
