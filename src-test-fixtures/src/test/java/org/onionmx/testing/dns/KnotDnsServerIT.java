package org.onionmx.testing.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

class KnotDnsServerIT {
  private static Message ask(KnotDnsServer knot, String label, boolean validate)
      throws IOException {
    SimpleResolver head = new SimpleResolver(knot.address());
    head.setTimeout(Duration.ofSeconds(2));
    org.xbill.DNS.Resolver r = head;
    if (validate) {
      ValidatingResolver v = new ValidatingResolver(head);
      v.loadTrustAnchors(
          new ByteArrayInputStream(knot.trustAnchorDs().getBytes(StandardCharsets.UTF_8)));
      r = v;
    }
    return r.send(
        Message.newQuery(
            Record.newRecord(Name.fromString(KnotDnsServer.srvName(label)), Type.SRV, DClass.IN)));
  }

  private static List<Record> parse(String text) throws IOException {
    List<Record> out = new ArrayList<>();
    try (Master m =
        new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root)) {
      for (Record r = m.nextRecord(); r != null; r = m.nextRecord()) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void servesTheSignedZoneWithUsableAnchorsThenStopsAndCleansUp() throws IOException {
    int port;
    long dirsBefore = knotDirs();
    try (KnotDnsServer knot = KnotDnsServer.start()) {
      port = knot.port();
      assertEquals(
          List.of(Type.DS), parse(knot.trustAnchorDs()).stream().map(Record::getType).toList());
      assertEquals(
          List.of(Type.DNSKEY),
          parse(knot.trustAnchorDnskey()).stream().map(Record::getType).toList());

      Message good = ask(knot, "good", true);
      assertEquals(Rcode.NOERROR, good.getRcode());
      assertTrue(good.getHeader().getFlag(Flags.AD));
      assertEquals(
          2, good.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.SRV).count());

      Message insecure = ask(knot, "insecure", true);
      assertEquals(Rcode.NOERROR, insecure.getRcode());
      assertFalse(insecure.getHeader().getFlag(Flags.AD));

      assertEquals(Rcode.SERVFAIL, ask(knot, "bogus", true).getRcode());
      assertEquals(Rcode.SERVFAIL, ask(knot, "badsig", true).getRcode());
      assertEquals(Rcode.NOERROR, ask(knot, "badsig", false).getRcode());
      assertEquals(Rcode.NXDOMAIN, ask(knot, "nxdomain", true).getRcode());
    }
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    assertEquals(dirsBefore, knotDirs(), "the temporary directory is deleted");
  }

  @Test
  void recordAddedByTheTestIsServedSignedAndValidates() throws IOException {
    String onion = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion.";
    try (KnotDnsServer knot =
        KnotDnsServer.newBuilder()
            .record(KnotDnsServer.srvName("added") + " 300 IN SRV 0 5 2525 " + onion)
            .start()) {
      Message added = ask(knot, "added", true);

      assertEquals(Rcode.NOERROR, added.getRcode());
      assertTrue(added.getHeader().getFlag(Flags.AD), "validated against the zone's anchor");
      List<String> srv =
          added.getSection(Section.ANSWER).stream()
              .filter(r -> r.getType() == Type.SRV)
              .map(Record::rdataToString)
              .toList();
      assertEquals(List.of("0 5 2525 " + onion), srv);
      Message good = ask(knot, "good", true);
      assertTrue(good.getHeader().getFlag(Flags.AD), "the fixed records are still there");
    }
  }

  private static long knotDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("knot-dns-")).count();
    }
  }
}
