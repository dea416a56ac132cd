package org.onionmx.tor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.freehaven.tor.control.ConfigEntry;
import net.freehaven.tor.control.RawEventListener;
import org.onionmx.internal.Checks;
import org.onionmx.internal.HostPort;
import org.onionmx.tor.TorControlException.Kind;

/**
 * An authenticated connection to Tor's control port, through jtorctl: bootstrap progress, the SOCKS
 * listeners and their flags, and fresh circuits ({@code SIGNAL NEWNYM}).
 *
 * <p>Every command waits at most the reply timeout: jtorctl itself waits for a reply without bound,
 * so commands run on a thread of this connection and a command that times out closes the connection
 * ({@link Kind#NO_REPLY}) rather than leave a late reply to be taken for the next one's. Failures
 * are {@link TorControlException}s whose {@link TorControlException#kind() kind} tells nothing
 * listening, authentication refused, not bootstrapped and the rest apart.
 *
 * <p>Thread-safe (commands are serialised); connect with {@link #newBuilder()} and {@link
 * Builder#connect()}, and {@link #close()} when done.
 */
public final class TorControl implements AutoCloseable {
  /** Tor's usual ControlPort. */
  public static final int DEFAULT_PORT = 9051;

  /** Default time to connect to the control port: it is local. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default time Tor has to answer a command. */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 250;

  private final String address;
  private final ControlChannel channel;

  private TorControl(String address, ControlChannel channel) {
    this.address = address;
    this.channel = channel;
  }

  /** A builder with the defaults: 127.0.0.1:9051, no credentials, the default timeouts. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The control port's address, as {@code host:port}. */
  public String address() {
    return address;
  }

  /** Tor's version, as {@code GETINFO version} gives it. */
  public String version() throws TorControlException {
    return getInfo("version");
  }

  /** Tor's bootstrap progress now. */
  public BootstrapStatus bootstrapStatus() throws TorControlException {
    String phase = getInfo("status/bootstrap-phase");
    try {
      return BootstrapStatus.parse(phase);
    } catch (IllegalArgumentException e) {
      throw new TorControlException(
          Kind.CONNECTION_LOST, address, "unreadable bootstrap phase from " + address, e);
    }
  }

  /**
   * Waits until Tor has bootstrapped to 100 %, asking every quarter second. {@code progress}
   * receives the first status and every change, on the calling thread.
   *
   * @return the final status (100 %)
   * @throws TorControlException of kind {@link Kind#NOT_BOOTSTRAPPED} if Tor is not at 100 % when
   *     {@code timeout} has passed (or the thread is interrupted), with the last status in the
   *     message; other kinds if the control connection fails
   */
  public BootstrapStatus waitForBootstrap(Duration timeout, Consumer<BootstrapStatus> progress)
      throws TorControlException {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(progress, "progress");
    long deadline = System.nanoTime() + timeout.toNanos();
    BootstrapStatus last = null;
    while (true) {
      BootstrapStatus status = bootstrapStatus();
      if (!status.equals(last)) {
        progress.accept(status);
        last = status;
      }
      if (status.done()) {
        return status;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TorControlException(
            Kind.NOT_BOOTSTRAPPED,
            address,
            "Tor at " + address + " has not bootstrapped after " + timeout + ": " + status,
            null);
      }
      try {
        Thread.sleep(Math.min(POLL_MILLIS, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TorControlException(
            Kind.NOT_BOOTSTRAPPED,
            address,
            "interrupted waiting for Tor at " + address + " to bootstrap: " + status,
            e);
      }
    }
  }

  /**
   * Tor's SOCKS listeners on IP addresses ({@code GETINFO net/listeners/socks}), in Tor's order;
   * Unix socket listeners are left out. Empty if Tor has no SocksPort.
   */
  public List<InetSocketAddress> socksListeners() throws TorControlException {
    String value = getInfo("net/listeners/socks");
    try {
      return Listeners.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TorControlException(
          Kind.CONNECTION_LOST, address, "unreadable SOCKS listeners from " + address, e);
    }
  }

  /**
   * The SOCKS ports configured without {@code ExtendedErrors}, as {@code GETCONF SocksPort} gives
   * them (for example {@code 127.0.0.1:9050 IsolateSOCKSAuth}); Tor's default port, which has no
   * flags, is {@code 9050}. Empty when every SOCKS port gives Tor's extended onion errors. Without
   * them every onion failure reads as "general failure", and a mistyped onion cannot be told from
   * one that is down: warn the operator when this is not empty.
   */
  public List<String> socksPortsWithoutExtendedErrors() throws TorControlException {
    List<ConfigEntry> entries =
        channel.call("GETCONF SocksPort", Kind.COMMAND_REFUSED, c -> c.getConf("SocksPort"));
    List<String> lacking = new ArrayList<>();
    for (ConfigEntry e : entries) {
      String value = e.is_default || e.value == null ? "9050" : unquote(e.value.trim());
      if (value.equals("0")) {
        continue; // SocksPort 0: no SOCKS port at all
      }
      boolean extended =
          Arrays.stream(value.split("\\s+")).anyMatch(f -> f.equalsIgnoreCase("ExtendedErrors"));
      if (!extended) {
        lacking.add(value);
      }
    }
    return List.copyOf(lacking);
  }

  private static String unquote(String v) {
    if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
      return v;
    }
    return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  /**
   * Asks Tor for fresh circuits ({@code SIGNAL NEWNYM}): new streams no longer use the current
   * ones. Tor honours it at most every 10 s and answers OK anyway.
   */
  public void newnym() throws TorControlException {
    channel.call(
        "SIGNAL NEWNYM",
        Kind.COMMAND_REFUSED,
        c -> {
          c.signal("NEWNYM");
          return null;
        });
  }

  /**
   * Makes this connection tor's owner ({@code TAKEOWNERSHIP}): tor exits when it closes, also when
   * the JVM dies. Then, as the control-port specification advises, drops {@code
   * __OwningControllerProcess}, which covered the start until now.
   */
  void takeOwnership() throws TorControlException {
    channel.call(
        "TAKEOWNERSHIP",
        Kind.COMMAND_REFUSED,
        c -> {
          c.takeOwnership();
          c.resetConf(List.of("__OwningControllerProcess"));
          return null;
        });
  }

  /** Asks tor to exit ({@code SIGNAL SHUTDOWN}); a client exits at once, a relay after a delay. */
  void shutdown() throws TorControlException {
    channel.call(
        "SIGNAL SHUTDOWN",
        Kind.COMMAND_REFUSED,
        c -> {
          c.signal("SHUTDOWN");
          return null;
        });
  }

  /**
   * Subscribes {@code listener} to the named events; it runs on jtorctl's reader thread and must
   * neither block nor send commands.
   */
  void subscribe(List<String> events, RawEventListener listener) throws TorControlException {
    channel.subscribe(events, listener);
  }

  /** Closes the connection; later commands fail with {@link Kind#CONNECTION_LOST}. Idempotent. */
  @Override
  public void close() {
    channel.close();
  }

  @Override
  public String toString() {
    return "TorControl[" + address + (channel.isClosed() ? ", closed" : "") + "]";
  }

  private String getInfo(String key) throws TorControlException {
    String value = channel.call("GETINFO " + key, Kind.COMMAND_REFUSED, c -> c.getInfo(key));
    if (value == null) {
      throw new TorControlException(
          Kind.CONNECTION_LOST, address, "Tor at " + address + " gave no value for " + key, null);
    }
    return value;
  }

  private void authenticate(byte[] secret, String how) throws TorControlException {
    channel.call(
        "AUTHENTICATE (" + how + ")",
        Kind.AUTHENTICATION_REFUSED,
        c -> {
          c.authenticate(secret);
          return null;
        });
  }

  /** Configures and opens a {@link TorControl}. Not thread-safe. */
  public static final class Builder {
    private InetAddress host = HostPort.parseIp("127.0.0.1");
    private int port = DEFAULT_PORT;
    private Path cookieFile;
    private String password;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;

    private Builder() {}

    /**
     * The control port, default 127.0.0.1:{@value #DEFAULT_PORT}. Give an address made from an IP
     * literal so that nothing is looked up.
     *
     * @throws IllegalArgumentException if {@code port} is not 1-65535
     */
    public Builder address(InetAddress host, int port) {
      Objects.requireNonNull(host, "host");
      this.port = Checks.port(port, "control port");
      this.host = host;
      return this;
    }

    /**
     * Authenticate with this cookie file ({@code CookieAuthentication 1}; Debian's is {@code
     * /run/tor/control.authcookie}, readable by the group {@code debian-tor}).
     *
     * @throws NullPointerException if {@code file} is null
     */
    public Builder cookieFile(Path file) {
      this.cookieFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Authenticate with this password ({@code HashedControlPassword}).
     *
     * @throws NullPointerException if {@code password} is null
     */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Time to connect, default {@link #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive or longer than {@code Integer.MAX_VALUE} ms
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positiveMillis(timeout, "connectTimeout");
      return this;
    }

    /**
     * Time Tor has to answer each command, default {@link #DEFAULT_REPLY_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive or longer than {@code Integer.MAX_VALUE} ms
     */
    public Builder replyTimeout(Duration timeout) {
      this.replyTimeout = Checks.positiveMillis(timeout, "replyTimeout");
      return this;
    }

    /**
     * Connects and authenticates, with the cookie, the password, or (if neither is set) none.
     *
     * @throws IllegalStateException if both a cookie file and a password are set
     * @throws TorControlException of kind {@link Kind#NOTHING_LISTENING}, {@link
     *     Kind#COOKIE_UNREADABLE}, {@link Kind#AUTHENTICATION_REFUSED}, {@link Kind#NO_REPLY} or
     *     {@link Kind#CONNECTION_LOST}
     */
    public TorControl connect() throws TorControlException {
      if (cookieFile != null && password != null) {
        throw new IllegalStateException("set a cookie file or a password, not both");
      }
      String address = HostPort.format(host, port);
      byte[] secret;
      String how;
      if (cookieFile != null) {
        try {
          secret = Files.readAllBytes(cookieFile);
        } catch (IOException e) {
          throw new TorControlException(
              Kind.COOKIE_UNREADABLE,
              address,
              "cannot read the control cookie " + cookieFile + ": " + e,
              e);
        }
        how = "cookie " + cookieFile;
      } else if (password != null) {
        secret = password.getBytes(StandardCharsets.UTF_8);
        how = "password";
      } else {
        secret = new byte[0];
        how = "no credentials";
      }
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
      } catch (ConnectException | SocketTimeoutException e) {
        close(socket);
        throw new TorControlException(
            Kind.NOTHING_LISTENING, address, "no Tor control port at " + address + ": " + e, e);
      } catch (IOException e) {
        close(socket);
        throw new TorControlException(
            Kind.NOTHING_LISTENING, address, "cannot connect to " + address + ": " + e, e);
      }
      TorControl control;
      try {
        control = new TorControl(address, new ControlChannel(address, socket, replyTimeout));
      } catch (IOException e) {
        close(socket);
        throw new TorControlException(
            Kind.CONNECTION_LOST, address, "control connection to " + address + " failed", e);
      }
      try {
        control.authenticate(secret, how);
      } catch (TorControlException e) {
        control.close();
        throw e;
      }
      return control;
    }

    private static void close(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
