package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServerExtension;

class TcpTableServerTest {
  static final String RISEUP = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  static final String OTHER = "llqiiswupgezsco4ux47cco3bxsaihbss5c3piefv6bhvpgfofyk7kad.onion";

  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();
  TcpTableServer server;

  @BeforeEach
  void start() throws IOException {
    dns.get().add("_onion-mx._tcp.srv.example. 300 IN SRV 10 5 2525 " + OTHER + ".");
    dns.get().fault("_onion-mx._tcp.broken.example.", DnsFault.servFail());
    dns.get().fault("_onion-mx._tcp.slow.example.", DnsFault.drop());
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(java.util.Map.of("pinned.example", OnionTarget.parse(RISEUP))))
            .dnsServers(List.of(new DnsServer(dns.get().address(), false)))
            .dnssec(DnssecPolicy.OFF)
            .timeout(Duration.ofMillis(300))
            .ownDomains(Set.of("mine.example"))
            .build();
    server =
        TcpTableServer.newBuilder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .resolver(resolver)
            .maxClients(64)
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** A client connection that asks one line at a time, like Postfix's tcp_table client. */
  final class Client implements AutoCloseable {
    final Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    final BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    final OutputStream out = socket.getOutputStream();

    Client() throws IOException {
      socket.setSoTimeout(5000);
    }

    String ask(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void pinnedDomainAnswersItsOnionWithPortAndNoDnsQuery() throws IOException {
    try (Client c = new Client()) {
      assertEquals("200 smtptor:[" + RISEUP + "]:25", c.ask("get pinned.example"));
      assertEquals("200 smtptor:[" + RISEUP + "]:25", c.ask("get PINNED.example."));
    }
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void addressKeysArePercentDecodedAndUseTheirDomain() throws IOException {
    try (Client c = new Client()) {
      assertEquals("200 smtptor:[" + RISEUP + "]:25", c.ask("get someone%40pinned.example"));
      assertEquals("200 smtptor:[" + RISEUP + "]:25", c.ask("get someone@pinned.example\r"));
    }
  }

  @Test
  void srvRouteKeepsItsPort() throws IOException {
    try (Client c = new Client()) {
      assertEquals("200 smtptor:[" + OTHER + "]:2525", c.ask("get srv.example"));
    }
  }

  @Test
  void onionDomainIsRoutedToItself() throws IOException {
    try (Client c = new Client()) {
      assertEquals("200 smtptor:[" + OTHER + "]:25", c.ask("get user@" + OTHER));
    }
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void invalidOnionDomainBouncesThroughTheErrorTransportAndAsksNoOne() throws IOException {
    try (Client c = new Client()) {
      String v2 = c.ask("get user@wy6zk3pmcwiyhiao.onion");
      assertTrue(v2.startsWith("200 error:5.1.2%20"), v2);
      assertTrue(v2.contains("v2%20onion"), v2);
      String typo = c.ask("get " + RISEUP.replace("aj3n", "aj3m"));
      assertTrue(typo.startsWith("200 error:5.1.2%20"), typo);
    }
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void ownDomainGetsTheDefaultTransport() throws IOException {
    try (Client c = new Client()) {
      assertEquals("200 :", c.ask("get mine.example"));
    }
  }

  @Test
  void noRouteIs500AndParentDomainProbesToo() throws IOException {
    try (Client c = new Client()) {
      assertTrue(c.ask("get nothing.example").startsWith("500 no%20onion%20route"));
      assertTrue(c.ask("get .pinned.example").startsWith("500 "));
      assertTrue(c.ask("get bad..domain").startsWith("500 "));
    }
  }

  @Test
  void serverFailureAndTimeoutAre400NeverA500() throws IOException {
    try (Client c = new Client()) {
      assertTrue(c.ask("get broken.example").startsWith("400 "));
      assertTrue(c.ask("get slow.example").startsWith("400 "));
      // the connection is still usable afterwards
      assertEquals("200 :", c.ask("get mine.example"));
    }
  }

  @Test
  void unsupportedRequestsAndBadEscapesAreAnsweredNotDropped() throws IOException {
    try (Client c = new Client()) {
      assertTrue(c.ask("put a b").startsWith("500 unsupported"));
      assertTrue(c.ask("get abc%zz").startsWith("500 malformed"));
      assertEquals("200 :", c.ask("get mine.example"));
    }
  }

  @Test
  void overlongLineIsRefusedAndTheConnectionClosed() throws IOException {
    try (Client c = new Client()) {
      String reply = c.ask("get " + "a".repeat(TcpTableServer.MAX_LINE + 10));
      assertTrue(reply.startsWith("500 request longer than"), reply);
      assertEquals(null, c.in.readLine());
    }
  }

  @Test
  void manyClientsAtOnceAllGetTheirOwnAnswers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        int id = i;
        results.add(
            pool.submit(
                () -> {
                  int good = 0;
                  try (Client c = new Client()) {
                    for (int q = 0; q < 200; q++) {
                      String key = (q + id) % 2 == 0 ? "pinned.example" : "mine.example";
                      String expected =
                          key.equals("mine.example") ? "200 :" : "200 smtptor:[" + RISEUP + "]:25";
                      if (expected.equals(c.ask("get " + key))) {
                        good++;
                      }
                    }
                  }
                  return good;
                }));
      }
      for (Future<Integer> result : results) {
        assertEquals(200, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void clientsBeyondTheLimitAreToldAndClosed() throws Exception {
    server.close();
    server =
        TcpTableServer.newBuilder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .resolver(OnionResolver.newBuilder().map(OnionMap.empty()).srv(false).build())
            .maxClients(1)
            .start();
    try (Client first = new Client();
        Client second = new Client()) {
      assertTrue(first.ask("get x.example").startsWith("500 "));
      assertEquals("400 too many clients", second.in.readLine());
    }
  }
}
