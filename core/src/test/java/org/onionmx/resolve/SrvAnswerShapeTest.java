package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.resolve.Resolution.CouldNotTell;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoOnionRoute;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServerExtension;

/**
 * Answers whose shape says nothing definite about the domain are "could not tell" (the mail waits
 * and is retried), never a definite "no onion route": CNAME loops, a name that is its own CNAME, a
 * CNAME to a name that does not exist, and a message without the QR bit, which is no response.
 */
class SrvAnswerShapeTest {
  private static final String QNAME = "_onion-mx._tcp.example.com.";

  @RegisterExtension final FakeDnsServerExtension dns = new FakeDnsServerExtension();

  private Resolution resolve() {
    return OnionResolver.newBuilder()
        .dnsServers(List.of(new DnsServer(dns.get().address(), false)))
        .dnssec(DnssecPolicy.OFF)
        .timeout(Duration.ofSeconds(2))
        .cacheSize(0)
        .random(new Random(1))
        .build()
        .resolve("example.com");
  }

  private CouldNotTell couldNotTell(String detail) {
    Resolution r = resolve();
    CouldNotTell c = assertInstanceOf(CouldNotTell.class, r, r::toString);
    assertEquals(FailureReason.MALFORMED, c.reason(), c::toString);
    assertTrue(c.detail().contains(detail), c::detail);
    return c;
  }

  @Test
  void selfCnameCouldNotTell() {
    dns.get().add(QNAME + " 300 IN CNAME " + QNAME);

    couldNotTell("CNAME loop");
  }

  @Test
  void cnameLoopCouldNotTell() {
    dns.get()
        .add(
            QNAME + " 300 IN CNAME _onion-mx._tcp.a.example.",
            "_onion-mx._tcp.a.example. 300 IN CNAME _onion-mx._tcp.b.example.",
            "_onion-mx._tcp.b.example. 300 IN CNAME " + QNAME);

    couldNotTell("CNAME loop");
  }

  @Test
  void cnameToANameThatDoesNotExistCouldNotTell() {
    dns.get().add(QNAME + " 300 IN CNAME _onion-mx._tcp.gone.example.");

    couldNotTell("dangling CNAME");
  }

  @Test
  void cnameToANameWithoutSrvRecordsIsStillNoRoute() {
    dns.get()
        .add(
            QNAME + " 300 IN CNAME _onion-mx._tcp.hoster.example.",
            "_onion-mx._tcp.hoster.example. 300 IN TXT \"no mail here\"");

    Resolution r = resolve();
    NoOnionRoute none = assertInstanceOf(NoOnionRoute.class, r, r::toString);
    assertEquals(NoRouteReason.NO_SRV_RECORD, none.reason());
  }

  @Test
  void answerWithoutTheQrBitCouldNotTell() {
    dns.get().add(QNAME + " 300 IN SRV 0 0 25 " + Onions.A + ".");
    dns.get().faultAll(DnsFault.noQrBit());

    couldNotTell("QR");
  }
}
