package org.onionmx.tor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import org.onionmx.internal.Checks;
import org.onionmx.internal.HostPort;
import org.onionmx.tor.IsolationCredentials.Credentials;

/**
 * Opens streams through the local Tor daemon's SOCKS5 port (RFC 1928, with RFC 1929 user
 * name/password for stream isolation). The destination always goes to Tor as a host name (address
 * type 3) and is never resolved on this machine; the proxy is given as an IP address, so not even
 * the proxy needs a look-up.
 *
 * <p>Why hand-written: the JDK's own SOCKS support and Angus Mail's {@code mail.smtp.socks.host}
 * build {@code new InetSocketAddress(host, port)}, which resolves the name locally before the proxy
 * sees it, so a {@code .onion} name leaks to the system resolver; and the JDK offers SOCKS
 * credentials only through the global {@link java.net.Authenticator}, sending the OS login as user
 * name otherwise, so it can neither isolate streams nor keep the user's name out of Tor.
 *
 * <p>Isolation: a non-null isolation key becomes a user name and password derived from a hash of
 * the key and a salt that is random per connector (see {@link IsolationMode}); equal keys share a
 * circuit, different keys never do (Tor's {@code IsolateSOCKSAuth}). A null key offers only "no
 * authentication".
 *
 * <p>Failures are {@link TorSocksException}s: a SOCKS or Tor failure reply carries its code (see
 * {@link SocksReply}); a malformed reply is a {@link SocksProtocolException}; no listener, a
 * connect timeout or a reply timeout is temporary with {@link TorSocksException#NO_REPLY}.
 *
 * <p>Immutable and thread-safe; build with {@link #newBuilder()}.
 */
public final class TorSocksConnector implements StreamOpener {
  /** Tor's default SocksPort. */
  public static final int DEFAULT_PORT = 9050;

  /** Default time to connect to the proxy: it is local, so a few seconds is generous. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Default time for the whole SOCKS handshake: 130 s. A first contact with an onion service can
   * take tens of seconds, and Tor gives up after its own SocksTimeout (120 s) with reply 0x06; we
   * wait a little longer so that Tor's answer, not ours, decides.
   */
  public static final Duration DEFAULT_SOCKS_TIMEOUT = Duration.ofSeconds(130);

  /** Default read timeout once the stream is open: 5 minutes, RFC 5321's SMTP reply timeout. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  private final InetAddress proxyAddress;
  private final int proxyPort;
  private final String proxyText;
  private final int connectTimeoutMillis;
  private final Duration socksTimeout;
  private final int readTimeoutMillis;
  private final IsolationCredentials credentials;

  private TorSocksConnector(Builder b) {
    this.proxyAddress = b.proxyAddress;
    this.proxyPort = b.proxyPort;
    this.proxyText = HostPort.format(proxyAddress, proxyPort);
    this.connectTimeoutMillis = millis(b.connectTimeout);
    this.socksTimeout = b.socksTimeout;
    this.readTimeoutMillis = millis(b.readTimeout);
    byte[] salt = new byte[32];
    b.random.nextBytes(salt);
    this.credentials = new IsolationCredentials(salt);
  }

  /** A builder with the defaults: 127.0.0.1:9050 and the {@code DEFAULT_*} timeouts. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The proxy's address and port. */
  public InetSocketAddress proxy() {
    return new InetSocketAddress(proxyAddress, proxyPort);
  }

  /**
   * Opens a stream to {@code host:port} through Tor. The host is sent as a name with one trailing
   * dot removed and in lower case; it is never resolved here.
   *
   * @param host the destination host, an ASCII name (the A-label form of an internationalised one)
   * @param port the destination port, 1-65535
   * @param isolationKey see {@link IsolationMode#isolationKey}; null for no isolation
   * @return a connected socket whose {@link Socket#getInetAddress()} is named {@code host} (with
   *     the proxy's address bytes, no look-up) and whose SO_TIMEOUT is the read timeout
   * @throws IllegalArgumentException if the host is empty, longer than 255 bytes or not ASCII, or
   *     the port is out of range
   * @throws TorSocksException if the proxy is not there, too slow, speaks no SOCKS5, or Tor failed
   *     the connection
   * @throws IOException on any other I/O failure
   */
  @Override
  public Socket open(String host, int port, String isolationKey) throws IOException {
    String name = checkHost(host);
    if (!Checks.isPort(port)) {
      throw new IllegalArgumentException("port " + port + " for " + name + " is not 1-65535");
    }
    String destination = name + ":" + port;
    TorStreamSocket socket = new TorStreamSocket(name, port, proxyAddress);
    try {
      connectToProxy(socket, destination);
      Credentials user = isolationKey == null ? null : credentials.forKey(isolationKey);
      SocksHandshake.run(socket, proxyText, name, port, user, socksTimeout);
      socket.setSoTimeout(readTimeoutMillis);
      return socket;
    } catch (IOException | RuntimeException e) {
      try {
        socket.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void connectToProxy(Socket socket, String destination) throws TorSocksException {
    try {
      socket.connect(new InetSocketAddress(proxyAddress, proxyPort), connectTimeoutMillis);
      socket.setTcpNoDelay(true);
    } catch (ConnectException e) {
      throw new TorSocksException(
          "no Tor SOCKS listener at " + proxyText + " (opening " + destination + ")",
          TorSocksException.NO_REPLY,
          true,
          e);
    } catch (SocketTimeoutException e) {
      throw new TorSocksException(
          "the Tor SOCKS listener at "
              + proxyText
              + " did not accept a connection within "
              + SocksHandshake.text(Duration.ofMillis(connectTimeoutMillis))
              + " (opening "
              + destination
              + ")",
          TorSocksException.NO_REPLY,
          true,
          e);
    } catch (IOException e) {
      throw new TorSocksException(
          "could not connect to the Tor SOCKS listener at "
              + proxyText
              + " (opening "
              + destination
              + "): "
              + e.getMessage(),
          TorSocksException.NO_REPLY,
          true,
          e);
    }
  }

  /** Lower-cases and drops one trailing dot; refuses what SOCKS5 cannot carry as a name. */
  static String checkHost(String host) {
    Objects.requireNonNull(host, "host");
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    name = name.toLowerCase(Locale.ROOT);
    if (name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException(
          "host '" + host + "' must have 1 to 255 characters to go to Tor as a SOCKS5 name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7F) {
        throw new IllegalArgumentException(
            "host '"
                + host
                + "' has a character that is not printable ASCII at index "
                + i
                + " (give an internationalised name in its A-label form)");
      }
    }
    return name;
  }

  private static int millis(Duration d) {
    return (int) d.toMillis();
  }

  @Override
  public String toString() {
    return "TorSocksConnector[" + proxyText + "]";
  }

  /** Configures a {@link TorSocksConnector}. Not thread-safe; the connector it builds is. */
  public static final class Builder {
    private InetAddress proxyAddress = HostPort.parseIp("127.0.0.1");
    private int proxyPort = DEFAULT_PORT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socksTimeout = DEFAULT_SOCKS_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Random random = new SecureRandom();

    private Builder() {}

    /**
     * The Tor SOCKS port, default 127.0.0.1:9050. Give an address made from an IP literal (for
     * example with {@link InetAddress#getByAddress(byte[])}) so that nothing is looked up.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if {@code port} is not 1-65535
     */
    public Builder proxy(InetAddress address, int port) {
      Objects.requireNonNull(address, "address");
      this.proxyPort = Checks.port(port, "proxy port");
      this.proxyAddress = address;
      return this;
    }

    /**
     * Time to connect to the proxy, default {@link #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive or longer than {@code Integer.MAX_VALUE} ms
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positiveMillis(timeout, "connectTimeout");
      return this;
    }

    /**
     * Time for the whole SOCKS handshake, until Tor's reply to CONNECT; default {@link
     * #DEFAULT_SOCKS_TIMEOUT}. Keep it above Tor's SocksTimeout (120 s unless configured).
     *
     * @throws IllegalArgumentException if not positive or longer than {@code Integer.MAX_VALUE} ms
     */
    public Builder socksTimeout(Duration timeout) {
      this.socksTimeout = Checks.positiveMillis(timeout, "socksTimeout");
      return this;
    }

    /**
     * SO_TIMEOUT of the returned socket, default {@link #DEFAULT_READ_TIMEOUT}; zero for none.
     *
     * @throws IllegalArgumentException if negative or longer than {@code Integer.MAX_VALUE} ms
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Checks.nonNegativeMillis(timeout, "readTimeout");
      return this;
    }

    /**
     * Source of the per-connector isolation salt; default a new {@link SecureRandom}. Tests may
     * inject a seeded one.
     *
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A connector with this configuration. */
    public TorSocksConnector build() {
      return new TorSocksConnector(this);
    }
  }
}
