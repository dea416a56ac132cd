package org.onionmx.testing.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed EC (P-256) certificate and its key, made by running the JDK's {@code keytool}
 * (from {@code java.home/bin}) into a temporary PKCS#12 file that is deleted at once. Immutable.
 */
public final class TestCertificate {
  private static final char[] PASSWORD = "test-only".toCharArray();
  private static final String ALIAS = "server";

  private final KeyStore keyStore;
  private final X509Certificate certificate;

  private TestCertificate(KeyStore keyStore) throws GeneralSecurityException {
    this.keyStore = keyStore;
    this.certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
  }

  /**
   * Makes a certificate whose subject is {@code CN=<first name>} and whose subjectAltName lists
   * every name as a DNS name, valid for two days.
   *
   * @throws IOException if keytool fails or is missing
   */
  public static TestCertificate generate(String... dnsNames) throws IOException {
    if (dnsNames.length == 0) {
      throw new IllegalArgumentException("a certificate needs at least one name");
    }
    Path dir = Files.createTempDirectory("onionmx-cert");
    Path file = dir.resolve("server.p12");
    try {
      StringBuilder san = new StringBuilder("SAN=");
      for (int i = 0; i < dnsNames.length; i++) {
        san.append(i == 0 ? "" : ",").append("dns:").append(dnsNames[i]);
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      command.addAll(
          List.of(
              "-genkeypair", "-noprompt",
              "-alias", ALIAS,
              "-keyalg", "EC", "-groupname", "secp256r1",
              "-dname", "CN=" + dnsNames[0],
              "-ext", san.toString(),
              "-validity", "2",
              "-storetype", "PKCS12",
              "-keystore", file.toString(),
              "-storepass", new String(PASSWORD),
              "-keypass", new String(PASSWORD)));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        ks.load(in, PASSWORD);
      }
      return new TestCertificate(ks);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the keystore keytool wrote", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** A TLS server context presenting this certificate. */
  public SSLContext serverContext() {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key store holding only this certificate, as a trust anchor. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("anchor", certificate);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256/<Base64 of SHA-256 of the SubjectPublicKeyInfo>}, the pin of this key. */
  public String spkiPin() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return "sha256/" + Base64.getEncoder().encodeToString(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
