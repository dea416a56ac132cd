package org.onionmx.resolve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Checks DNSSEC trust-anchor text before dnsjava's {@code ValidatingResolver} loads it. */
final class TrustAnchors {
  private TrustAnchors() {}

  /**
   * @throws IllegalArgumentException if {@code text} is not master-file records, or has a record
   *     that is neither DS nor DNSKEY, or none at all
   */
  static void check(String text) {
    if (text == null) {
      throw new IllegalArgumentException("trust anchors: null");
    }
    int anchors = 0;
    try (Master m =
        new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 0)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        if (r.getType() != Type.DS && r.getType() != Type.DNSKEY) {
          throw new IllegalArgumentException(
              "trust anchors: "
                  + r.getName()
                  + " "
                  + Type.string(r.getType())
                  + " is neither DS nor DNSKEY");
        }
        anchors++;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("trust anchors: " + e.getMessage(), e);
    }
    if (anchors == 0) {
      throw new IllegalArgumentException("trust anchors: no DS or DNSKEY record");
    }
  }
}
