package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;

/**
 * Fuzzes the tcp_table request handling: any request line (the input bytes read as UTF-8, as the
 * server reads them) gets exactly one reply line, {@code 200}, {@code 400} or {@code 500} followed
 * by a space and printable ASCII, never a newline or an exception. The resolver behind it has a
 * pin, an own domain and a DNS server on loopback with an SRV record and a SERVFAIL, so all three
 * codes are reachable.
 *
 * <p>Seeds: {@code src/test/resources/org/onionmx/postfix/TransportTableFuzzTestInputs/}.
 */
class TransportTableFuzzTest {
  private static final String PINNED =
      "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  private static final String SRV =
      "llqiiswupgezsco4ux47cco3bxsaihbss5c3piefv6bhvpgfofyk7kad.onion";
  private static final Pattern REPLY = Pattern.compile("(200|400|500) [\\x21-\\x7e]*");

  private static FakeDnsServer dns;
  private static TransportTable table;

  /**
   * Where the code under test may connect while fuzzing (Jazzer's SSRF detector): loopback. Set
   * inside the fuzz test, as Jazzer's agent is only there once the test runs.
   */
  private static final Set<String> LOOPBACK =
      Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");

  @BeforeAll
  static void start() throws IOException {
    dns = FakeDnsServer.start();
    dns.add("_onion-mx._tcp.srv.example. 300 IN SRV 10 5 2525 " + SRV + ".");
    dns.fault("_onion-mx._tcp.broken.example.", DnsFault.servFail());
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(Map.of("pinned.example", OnionTarget.parse(PINNED))))
            .dnsServers(List.of(new DnsServer(dns.address(), false)))
            .dnssec(DnssecPolicy.OFF)
            .timeout(Duration.ofMillis(300))
            .ownDomains(Set.of("mine.example"))
            .build();
    table = new TransportTable(resolver, "smtptor");
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @FuzzTest(maxDuration = "20s")
  @SuppressWarnings("try") // the resource is a scope: connections off loopback are bugs within it
  void everyRequestGetsOneReplyLine(byte[] line) {
    String request = new String(line, StandardCharsets.UTF_8);
    String reply;
    try (SilentCloseable loopbackOnly =
        BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host))) {
      reply = table.answer(request);
    }
    assertTrue(REPLY.matcher(reply).matches(), () -> "reply " + reply + " to " + request);
  }
}
