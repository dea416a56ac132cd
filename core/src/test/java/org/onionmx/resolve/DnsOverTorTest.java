package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.dns.FakeDnsServerExtension;
import org.onionmx.testing.socks.ConnectRequest;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;
import org.onionmx.tor.TorSocksConnector;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** SRV look-ups over Tor: every query is a TCP stream through the SOCKS port, none goes direct. */
class DnsOverTorTest {
  static final String ONION = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";

  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();
  FakeTorProxy proxy;
  TorSocksConnector tor;

  @BeforeEach
  void start() throws Exception {
    dns.get().add("_onion-mx._tcp.example.org. 300 IN SRV 0 5 2525 " + ONION + ".");
    proxy = FakeTorProxy.start();
    proxy.route("127.0.0.1", dns.get().port()); // the "exit" reaches the DNS server
    tor =
        TorSocksConnector.newBuilder()
            .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
            .socksTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private OnionResolver resolver(DnssecPolicy dnssec) {
    return OnionResolver.newBuilder()
        .map(OnionMap.empty())
        .dnsServers(
            List.of(new DnsServer(dns.get().address(), false))) // UDP asked: over Tor it is TCP
        .dnsOverTor(tor)
        .dnssec(dnssec)
        .timeout(Duration.ofSeconds(3))
        .build();
  }

  @Test
  void srvAnswerArrivesThroughTorOverTcpOnly() {
    Resolution r = resolver(DnssecPolicy.OFF).resolve("example.org");

    Resolution.Routed routed = assertInstanceOf(Resolution.Routed.class, r);
    assertEquals(List.of(OnionTarget.parse(ONION + ":2525")), routed.targets());
    assertEquals(RouteSource.SRV, routed.source());
    assertEquals(1, dns.get().queries().size());
    assertTrue(
        dns.get().queries().stream().allMatch(q -> q.transport() == FakeDnsServer.Transport.TCP),
        dns.get().queries().toString());
    ConnectRequest connect = proxy.connects().get(0);
    assertEquals(dns.get().port(), connect.port());
    assertEquals(1, proxy.connects().size());
  }

  @Test
  void dnssecQueriesGoThroughTorToo() {
    // An unsigned zone under the root anchor: bogus under PREFER, as over UDP; what matters here is
    // that the validator's own DNSKEY and DS queries took the same way.
    Resolution r = resolver(DnssecPolicy.PREFER).resolve("example.org");

    assertInstanceOf(Resolution.CouldNotTell.class, r);
    assertTrue(dns.get().queries().size() > 1, dns.get().queries().toString());
    assertTrue(
        dns.get().queries().stream().allMatch(q -> q.transport() == FakeDnsServer.Transport.TCP),
        dns.get().queries().toString());
    assertEquals(dns.get().queries().size(), proxy.connects().size());
  }

  @Test
  void allLookUpStreamsShareOneIsolationKeyApartFromMail() {
    OnionResolver resolver = resolver(DnssecPolicy.OFF);
    resolver.resolve("example.org");
    resolver.resolve("other.example");
    List<ConnectRequest> connects = proxy.connects();
    assertEquals(2, connects.size());
    assertEquals(connects.get(0).username(), connects.get(1).username());
    assertTrue(connects.get(0).username() != null && !connects.get(0).username().isEmpty());
  }

  @Test
  void answerDrippedAByteEvery300msFailsAtTheTimeoutNotAfterTheWholeAnswer() throws Exception {
    dns.get().faultAll(DnsFault.dripTcp(Duration.ofMillis(300))); // ~130 bytes: 40 s in all
    ExecutorService pool = TorTcpResolver.newExecutor();
    TorTcpResolver resolver = new TorTcpResolver(tor, dns.get().address(), pool);
    resolver.setTimeout(Duration.ofSeconds(1));
    Message query =
        Message.newQuery(
            Record.newRecord(Name.fromString("_onion-mx._tcp.example.org."), Type.SRV, DClass.IN));

    long started = System.nanoTime();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> resolver.sendAsync(query).toCompletableFuture().get(60, TimeUnit.SECONDS));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    pool.shutdownNow();

    System.out.println("dripped DNS answer: failed after " + took.toMillis() + " ms");
    assertInstanceOf(SocketTimeoutException.class, e.getCause(), e::toString);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took); // 1 s and a margin
  }

  @Test
  void torRefusingTheStreamIsCouldNotTellNeverNoRoute() {
    proxy.script("127.0.0.1", Fault.reply(0x04)); // host unreachable
    Resolution r = resolver(DnssecPolicy.OFF).resolve("example.org");

    Resolution.CouldNotTell failed = assertInstanceOf(Resolution.CouldNotTell.class, r);
    assertEquals(Resolution.FailureReason.NETWORK, failed.reason(), failed.detail());
    assertEquals(List.of(), dns.get().queries());
  }

  @Test
  void eachQueryLeavesInOneWrite() {
    java.util.List<Integer> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.onionmx.tor.StreamOpener counting =
        (host, port, key) -> {
          java.net.Socket s = tor.open(host, port, key);
          java.io.OutputStream out = s.getOutputStream();
          return new java.net.Socket() {
            @Override
            public java.io.OutputStream getOutputStream() {
              return new java.io.FilterOutputStream(out) {
                @Override
                public void write(int b) throws java.io.IOException {
                  writes.add(1);
                  out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                  writes.add(len);
                  out.write(b, off, len);
                }
              };
            }

            @Override
            public java.io.InputStream getInputStream() throws java.io.IOException {
              return s.getInputStream();
            }

            @Override
            public void setSoTimeout(int timeout) throws java.net.SocketException {
              s.setSoTimeout(timeout);
            }

            @Override
            public synchronized void close() throws java.io.IOException {
              s.close();
            }
          };
        };
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.empty())
            .dnsServers(List.of(new DnsServer(dns.get().address(), false)))
            .dnsOverTor(counting)
            .dnssec(DnssecPolicy.OFF)
            .timeout(Duration.ofSeconds(3))
            .build();

    assertInstanceOf(Resolution.Routed.class, resolver.resolve("example.org"));

    assertEquals(1, writes.size(), "writes of the framed query: " + writes);
    assertTrue(writes.get(0) > 2, "length and query together: " + writes);
  }
}
