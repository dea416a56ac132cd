package org.onionmx.testing.dns;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;

/**
 * The {@code badsig.onionmx.test.} zone of {@link KnotDnsServer}: signed here with dnsjava (one
 * ECDSA P-256 key), then its SRV record is changed (port 25 to 26) so that its signature no longer
 * verifies. Signed in Java because {@code knotd} only serves zones it signs correctly and Debian's
 * {@code knot} package has no offline signer.
 */
final class BadSignatureZone {
  /** The zone's name. */
  static final String NAME = "badsig.onionmx.test.";

  /**
   * @param zoneText the signed, then tampered zone in master-file form
   * @param dsRdata the rdata of the DS record for the parent ({@code tag 13 2 HEX})
   */
  record Signed(String zoneText, String dsRdata) {}

  private BadSignatureZone() {}

  /** Builds the zone with signatures valid from an hour before {@code now} for 30 days. */
  static Signed create(Instant now) throws IOException {
    try {
      Name origin = Name.fromString(NAME);
      Name ns = Name.fromString("ns.onionmx.test.");
      Name onion =
          Name.fromString("25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion.");
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      DNSKEYRecord key =
          new DNSKEYRecord(
              origin,
              DClass.IN,
              3600,
              DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
              DNSKEYRecord.Protocol.DNSSEC,
              DNSSEC.Algorithm.ECDSAP256SHA256,
              kp.getPublic());
      Name srvName = Name.concatenate(Name.fromString("_onion-mx._tcp"), origin);
      List<Record> signedSets =
          List.of(
              new SOARecord(
                  origin,
                  DClass.IN,
                  3600,
                  ns,
                  Name.fromString("hostmaster.onionmx.test."),
                  1,
                  3600,
                  600,
                  86400,
                  300),
              new NSRecord(origin, DClass.IN, 3600, ns),
              key,
              new SRVRecord(srvName, DClass.IN, 3600, 0, 5, 25, onion));
      Instant inception = now.minus(Duration.ofHours(1));
      Instant expiration = now.plus(Duration.ofDays(30));
      List<String> lines = new ArrayList<>();
      for (Record r : signedSets) {
        Record served =
            r instanceof SRVRecord ? new SRVRecord(srvName, DClass.IN, 3600, 0, 5, 26, onion) : r;
        lines.add(served.toString());
        lines.add(
            DNSSEC.sign(new RRset(r), key, kp.getPrivate(), inception, expiration).toString());
      }
      DSRecord ds = new DSRecord(origin, DClass.IN, 3600, DNSSEC.Digest.SHA256, key);
      return new Signed(String.join("\n", lines) + "\n", ds.rdataToString());
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IOException("cannot sign " + NAME, e);
    }
  }
}
