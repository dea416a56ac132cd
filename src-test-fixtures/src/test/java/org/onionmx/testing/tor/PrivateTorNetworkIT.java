package org.onionmx.testing.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The private Tor network from Debian's tor: an onion that leads to a banner server here. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivateTorNetworkIT {
  private static ServerSocket banner;
  private static Thread acceptor;
  private static PrivateTorNetwork net;

  @BeforeAll
  static void start() throws IOException {
    banner = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(PrivateTorNetworkIT::serveBanners, "banner");
    acceptor.setDaemon(true);
    acceptor.start();
    net = PrivateTorNetwork.newBuilder().targetPort(banner.getLocalPort()).start();
    System.out.println("private Tor network up: " + net + " " + net.timings());
  }

  @AfterAll
  static void stop() throws IOException {
    if (net != null) {
      net.close();
    }
    banner.close();
  }

  private static void serveBanners() {
    while (!banner.isClosed()) {
      try (Socket s = banner.accept()) {
        OutputStream out = s.getOutputStream();
        out.write("220 banner\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // closed, or the peer went away
      }
    }
  }

  /** Connects through the client's SOCKS port with the JDK, the name unresolved (ATYP 3). */
  /**
   * The banner of the onion's target, through the client's SocksPort (the JDK's own SOCKS client:
   * the fixture must not depend on the code it serves). A fresh circuit on the small network now
   * and then fails to build: up to three attempts.
   */
  private static String bannerThroughTor() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return bannerThroughTorOnce();
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static String bannerThroughTorOnce() throws IOException {
    Proxy socks =
        new Proxy(
            Proxy.Type.SOCKS,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), net.socksPort()));
    try (Socket s = new Socket(socks)) {
      s.setSoTimeout(30_000);
      s.connect(
          InetSocketAddress.createUnresolved(net.onionHostname(), PrivateTorNetwork.ONION_PORT),
          30_000);
      return new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  @Order(1)
  void onionPortLeadsToTheTargetPort() throws IOException {
    assertTrue(net.onionHostname().matches("[a-z2-7]{56}\\.onion"), net.onionHostname());
    assertEquals("220 banner", bannerThroughTor());
  }

  @Test
  @Order(2)
  void clientControlPortTakesTheCookie() throws IOException {
    assertEquals(32, Files.size(net.controlCookie()));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), net.controlPort())) {
      s.setSoTimeout(5000);
      String cookie = java.util.HexFormat.of().formatHex(Files.readAllBytes(net.controlCookie()));
      s.getOutputStream()
          .write(
              ("AUTHENTICATE " + cookie + "\r\nGETINFO status/bootstrap-phase\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("250 OK", in.readLine());
      assertTrue(in.readLine().contains("PROGRESS=100"));
    }
  }

  @Test
  @Order(2)
  void clientTorrcLinesNameTheTestNetworkAndItsThreeAuthorities() {
    List<String> lines = net.clientTorrcLines();

    assertTrue(lines.contains("TestingTorNetwork 1"), lines::toString);
    List<String> authorities = lines.stream().filter(l -> l.startsWith("DirAuthority ")).toList();
    assertEquals(3, authorities.size(), lines::toString);
    assertTrue(authorities.stream().allMatch(l -> l.contains(" 127.0.0.1:")), lines::toString);
  }

  @Test
  @Order(3)
  void onionServiceComesBackWithTheSameOnionAfterARestart() throws IOException {
    String onion = net.onionHostname();
    int before = net.pids().size();
    net.stopOnionService();
    assertFalse(net.onionServiceRunning());
    assertEquals(before - 1, net.pids().size());

    PrivateTorNetwork.Timings t = net.startOnionService();
    System.out.println("onion service restarted: " + t);

    assertEquals(onion, net.onionHostname());
    assertEquals("220 banner", bannerThroughTor());
  }

  @Test
  @Order(4)
  void clientComesBackOnTheSameSocksPortAfterARestart() throws IOException {
    net.stopClient();
    assertFalse(net.clientRunning());

    PrivateTorNetwork.Timings t = net.startClient();
    System.out.println("client restarted: " + t);

    assertEquals("220 banner", bannerThroughTor());
  }

  @Test
  @Order(5)
  void closeEndsItsOwnProcessesAndDeletesItsDirectory() {
    List<Long> pids = net.pids();
    Path dir = net.directory();
    assertEquals(9, pids.size());

    net.close();

    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    }
    assertFalse(Files.exists(dir), dir.toString());
  }
}
