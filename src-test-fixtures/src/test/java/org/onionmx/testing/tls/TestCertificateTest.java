package org.onionmx.testing.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestCertificateTest {
  @Test
  void certificateCarriesEveryNameAndItsPinIsTheSpkiHash() throws Exception {
    TestCertificate c = TestCertificate.generate("mx.example.org", "example.org");

    assertEquals("CN=mx.example.org", c.certificate().getSubjectX500Principal().getName());
    List<String> names =
        c.certificate().getSubjectAlternativeNames().stream()
            .map(n -> (String) n.get(1))
            .toList();
    assertEquals(List.of("mx.example.org", "example.org"), names);
    byte[] spki =
        MessageDigest.getInstance("SHA-256").digest(c.certificate().getPublicKey().getEncoded());
    assertEquals("sha256/" + Base64.getEncoder().encodeToString(spki), c.spkiPin());
    assertTrue(c.trustStore().isCertificateEntry("anchor"));
    assertEquals("TLS", c.serverContext().getProtocol());
  }
}
