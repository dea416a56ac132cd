package org.onionmx.testing.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.dns.FakeDnsServer.Query;
import org.onionmx.testing.dns.FakeDnsServer.Transport;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class FakeDnsServerTest {
  private static final String SRV_NAME = "_onion-mx._tcp.example.com.";
  private static final String ONION =
      "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion.";

  private FakeDnsServer server;

  @BeforeEach
  void start() throws IOException {
    server = FakeDnsServer.start().add(SRV_NAME + " 300 IN SRV 0 5 25 " + ONION);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Message ask(String name, int type, boolean tcp, Duration timeout) throws IOException {
    SimpleResolver r = new SimpleResolver(server.address());
    r.setTCP(tcp);
    r.setTimeout(timeout);
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private Message ask(String name, int type, boolean tcp) throws IOException {
    return ask(name, type, tcp, Duration.ofSeconds(2));
  }

  @Test
  void answersFromItsRecordsOverUdpAndTcpOnOnePort() throws IOException {
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = ask(SRV_NAME, Type.SRV, tcp);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getHeader().getFlag(Flags.AA));
      List<Record> answer = m.getSection(Section.ANSWER);
      assertEquals(1, answer.size());
      assertEquals("0 5 25 " + ONION, answer.get(0).rdataToString());
    }
    assertEquals(
        List.of(
            new Query("_onion-mx._tcp.example.com", "SRV", Transport.UDP),
            new Query("_onion-mx._tcp.example.com", "SRV", Transport.TCP)),
        server.queries());
  }

  @Test
  void startsOnAGivenPortForUdpAndTcp() throws IOException {
    int port;
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (FakeDnsServer fixed = FakeDnsServer.start(port)) {
      assertEquals(port, fixed.port());
      SimpleResolver r = new SimpleResolver(fixed.address());
      r.setTCP(true);
      r.send(Message.newQuery(Record.newRecord(Name.fromString("a.example."), Type.A, DClass.IN)));
      assertEquals(List.of(new Query("a.example", "A", Transport.TCP)), fixed.queries());
    }
    assertThrows(IllegalArgumentException.class, () -> FakeDnsServer.start(0));
  }

  @Test
  void answersNodataAndNxdomainWithTheSoa() throws IOException {
    server.soa(FakeDnsServer.soaRecord(42));
    Message nodata = ask(SRV_NAME, Type.TXT, false);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    Message emptyNonTerminal = ask("_tcp.example.com.", Type.SRV, false);
    assertEquals(Rcode.NOERROR, emptyNonTerminal.getRcode());
    Message nx = ask("_onion-mx._tcp.nothing.example.", Type.SRV, false);
    assertEquals(Rcode.NXDOMAIN, nx.getRcode());
    SOARecord soa = (SOARecord) nx.getSection(Section.AUTHORITY).get(0);
    assertEquals(42, soa.getMinimum());
  }

  @Test
  void followsCnamesInTheAnswer() throws IOException {
    server.add("_onion-mx._tcp.alias.example. 300 IN CNAME " + SRV_NAME);
    List<Record> answer = ask("_onion-mx._tcp.alias.example.", Type.SRV, false).getSection(1);
    assertEquals(List.of(Type.CNAME, Type.SRV), answer.stream().map(Record::getType).toList());
  }

  @Test
  void matchesNamesCaseInsensitively() throws IOException {
    assertEquals(1, ask("_ONION-MX._tcp.Example.COM.", Type.SRV, false).getSection(1).size());
    assertEquals(1, server.queriesFor("_onion-mx._tcp.example.com").size());
  }

  @Test
  void answersTheRcodeOfAFault() throws IOException {
    server.fault("_onion-mx._tcp.example.com", DnsFault.servFail());
    assertEquals(Rcode.SERVFAIL, ask(SRV_NAME, Type.SRV, false).getRcode());
    server.fault("_onion-mx._tcp.example.com", DnsFault.refused());
    assertEquals(Rcode.REFUSED, ask(SRV_NAME, Type.SRV, true).getRcode());
    server.clearFaults().faultAll(DnsFault.nxDomain());
    assertEquals(Rcode.NXDOMAIN, ask(SRV_NAME, Type.SRV, false).getRcode());
  }

  @Test
  void truncatesOverUdpSoTheClientRetriesOverTcp() throws IOException {
    server.fault(SRV_NAME, DnsFault.truncateUdp());
    Message m = ask(SRV_NAME, Type.SRV, false);
    assertEquals(1, m.getSection(Section.ANSWER).size());
    assertFalse(m.getHeader().getFlag(Flags.TC));
    assertEquals(
        List.of(Transport.UDP, Transport.TCP),
        server.queries().stream().map(Query::transport).toList());
  }

  @Test
  void truncatesAnAnswerTooLargeForUdp() throws IOException {
    for (int i = 0; i < 100; i++) {
      server.add("_onion-mx._tcp.big.example. 300 IN SRV 0 " + i + " 25 " + ONION);
    }
    Message m = ask("_onion-mx._tcp.big.example.", Type.SRV, false);
    assertEquals(100, m.getSection(Section.ANSWER).size());
    assertEquals(
        List.of(Transport.UDP, Transport.TCP),
        server.queries().stream().map(Query::transport).toList());
  }

  @Test
  void dropRecordsTheQueryButNeverAnswers() {
    server.fault(SRV_NAME, DnsFault.drop());
    assertThrows(IOException.class, () -> ask(SRV_NAME, Type.SRV, false, Duration.ofMillis(200)));
    assertEquals(1, server.queriesFor(SRV_NAME).size());
  }

  @Test
  void delayHoldsOnlyTheDelayedName() throws IOException {
    server.add("fast.example. 300 IN A 127.0.0.1");
    server.fault(SRV_NAME, DnsFault.delay(Duration.ofMillis(300)));
    Thread slow =
        new Thread(
            () -> {
              try {
                ask(SRV_NAME, Type.SRV, false);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    long t0 = System.nanoTime();
    slow.start();
    assertEquals(1, ask("fast.example.", Type.A, false).getSection(Section.ANSWER).size());
    long fastMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(fastMs < 250, "fast answer took " + fastMs + " ms");
    assertEquals(1, ask(SRV_NAME, Type.SRV, false).getSection(Section.ANSWER).size());
    long slowMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(slowMs >= 300, "delayed answer took " + slowMs + " ms");
  }

  @Test
  void closeReleasesThePort() throws Exception {
    int port = server.port();
    server.close();
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    assertThrows(IOException.class, () -> ask(SRV_NAME, Type.SRV, false, Duration.ofMillis(200)));
  }
}
