package org.onionmx.deliver;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides whether the server certificate on the onion hop belongs to the recipient domain.
 *
 * <p>With pins for the domain, the leaf certificate's public key must match one of them (SHA-256
 * of its SubjectPublicKeyInfo); nothing else is checked, so self-signed certificates work, which
 * is the common case on onion MX hosts. Without pins, the JDK's PKIX trust manager checks the
 * chain against the trust anchors and the name against the socket's peer host, which {@link
 * DomainSocketFactory} set to the domain (never the onion). The JDK performs that name check only
 * when the socket has an endpoint identification algorithm (Angus sets one when {@code
 * mail.smtp.ssl.checkserveridentity} is true); a socket without one is refused here rather than
 * accepted unchecked.
 */
final class DomainTrustManager extends X509ExtendedTrustManager {
  private final String name;
  private final Set<String> pins;
  private final X509ExtendedTrustManager pkix;

  DomainTrustManager(String name, Set<String> pins, X509ExtendedTrustManager pkix) {
    this.name = name;
    this.pins = Set.copyOf(pins);
    this.pkix = pkix;
  }

  /** {@code sha256/<base64>} of the certificate's SubjectPublicKeyInfo. */
  static String pinOf(X509Certificate certificate) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return "sha256/" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK must provide SHA-256", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (checkPins(chain)) {
      return;
    }
    if (!(socket instanceof SSLSocket ssl)
        || ssl.getSSLParameters().getEndpointIdentificationAlgorithm() == null
        || ssl.getSSLParameters().getEndpointIdentificationAlgorithm().isEmpty()) {
      throw new CertificateException(
          "refusing the certificate for " + name + ": no host name verification is configured");
    }
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("TLS on the onion hop runs on sockets only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the certificate for " + name + " needs a socket to verify");
  }

  /** True if pinned and matching; throws if pinned and not matching; false if not pinned. */
  private boolean checkPins(X509Certificate[] chain) throws CertificateException {
    if (pins.isEmpty()) {
      return false;
    }
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server for " + name + " sent no certificate");
    }
    String actual = pinOf(chain[0]);
    if (!pins.contains(actual)) {
      throw new CertificateException(
          "the certificate key for " + name + " (" + actual + ") matches none of its pins");
    }
    return true;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("client certificates are not checked here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("client certificates are not checked here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client certificates are not checked here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pins.isEmpty() ? pkix.getAcceptedIssuers() : new X509Certificate[0];
  }
}
