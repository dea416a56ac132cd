package org.onionmx.deliver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The {@code mail.smtp.ssl.socketFactory} for STARTTLS on the onion hop. Angus calls {@link
 * #createSocket(Socket, String, int, boolean)} with the onion name as host; this factory ignores it
 * and layers TLS for the recipient domain's name instead: that name is the SNI, the peer host the
 * JDK verifies the certificate against, and the key for pins ({@link DomainTrustManager}). The
 * endpoint identification it sets (HTTPS) is replaced by Angus before the handshake, with LDAPS
 * when {@code mail.smtp.ssl.checkserveridentity} is true (the mailer always sets it) and with none
 * otherwise, which {@link DomainTrustManager} refuses. It only layers over an existing socket: it
 * never opens a connection (which would resolve a name).
 */
final class DomainSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory tls;
  private final String name;

  private DomainSocketFactory(SSLSocketFactory tls, String name) {
    this.tls = tls;
    this.name = name;
  }

  /**
   * A factory verifying {@code name}: by {@code pins} if not empty, else by PKIX against {@code
   * trustStore} (null for the JDK's default anchors).
   */
  static DomainSocketFactory create(String name, Set<String> pins, KeyStore trustStore) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore);
      X509ExtendedTrustManager pkix = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          pkix = x;
        }
      }
      if (pkix == null) {
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new DomainTrustManager(name, pins, pkix)}, null);
      return new DomainSocketFactory(context.getSocketFactory(), name);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Socket createSocket(Socket socket, String ignoredOnion, int port, boolean autoClose)
      throws IOException {
    SSLSocket ssl = (SSLSocket) tls.createSocket(socket, name, port, autoClose);
    SSLParameters params = ssl.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(name)));
    params.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(params);
    return ssl;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw refuse();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw refuse();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw refuse();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw refuse();
  }

  private SocketException refuse() {
    return new SocketException(
        "TLS for " + name + " only layers over a Tor stream; it opens no connection");
  }
}
