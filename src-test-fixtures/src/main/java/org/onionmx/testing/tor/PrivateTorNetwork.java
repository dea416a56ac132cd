package org.onionmx.testing.tor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.onionmx.testing.Processes;

/**
 * A complete private Tor network on 127.0.0.1 from Debian's {@code tor}, with no internet: three
 * directory authorities, relays (no exits), an onion-service tor whose onion port {@value
 * #ONION_PORT} leads to a local port of the test, and a client tor with a SOCKS port ({@code
 * ExtendedErrors IsolateSOCKSAuth}) and a control port (cookie authentication).
 *
 * <p>{@link Builder#start()} returns once the network is usable: the consensus lists every relay as
 * Running (only then do the onion-service and client tors start, or they bootstrap on a partial
 * consensus), the client has bootstrapped to 100 %, the onion service has uploaded its descriptor
 * ({@code HS_DESC UPLOADED} on its control port), and a SOCKS CONNECT through the client to the
 * onion has succeeded. That took 14 to 47 s on two shared cores (the default timeout is 120 s);
 * start it once per test class. {@link #stopOnionService()} and {@link #stopClient()} take one tor
 * down for a test, and {@link #startOnionService()} and {@link #startClient()} bring it back on the
 * same onion and ports.
 *
 * <p>Every file lives in a temporary directory. {@link #close()} ends exactly the processes this
 * instance started (its own child processes, never others by name) and deletes the directory. The
 * tors also exit on their own if the JVM dies ({@code __OwningControllerProcess}). Needs {@code
 * tor} and {@code tor-gencert} (Debian package {@code tor}); starting fails, never skips, without
 * them. Not thread-safe.
 */
public final class PrivateTorNetwork implements AutoCloseable {
  /** The onion service's virtual port that leads to the test's port. */
  public static final int ONION_PORT = 25;

  /** Default number of relays besides the three authorities. */
  public static final int DEFAULT_RELAYS = 4;

  /** Default time allowed for {@link Builder#start()} and for restarting one tor. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

  /** The longest a single reachability probe waits for the client's SOCKS reply. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

  /**
   * How long the start-up took until each readiness step, counted from the start of {@link
   * Builder#start()}, or of {@link #startOnionService()} or {@link #startClient()}, where the steps
   * that were not repeated are zero.
   *
   * @param consensus every relay listed as Running
   * @param clientBootstrapped the client tor at 100 %
   * @param descriptorUploaded the onion service's first {@code HS_DESC UPLOADED}
   * @param onionReachable the first successful SOCKS CONNECT to the onion
   */
  public record Timings(
      Duration consensus,
      Duration clientBootstrapped,
      Duration descriptorUploaded,
      Duration onionReachable) {}

  private final Path dir;
  private final String tor;
  private final Path emptyTorrc;
  private final Duration startTimeout;
  private final List<TorNode> nodes;
  private final TorNode onionService;
  private final TorNode client;
  private final int socksPort;
  private final List<String> dirAuthorities;
  private String onionHostname;
  private Timings timings;
  private boolean closed;

  private PrivateTorNetwork(Path dir, String tor, Duration startTimeout, NetworkLayout layout) {
    this.dir = dir;
    this.tor = tor;
    this.emptyTorrc = layout.emptyTorrc();
    this.startTimeout = startTimeout;
    this.nodes = layout.nodes();
    this.onionService = layout.onionService();
    this.client = layout.client();
    this.socksPort = layout.socksPort();
    this.dirAuthorities = layout.dirAuthorities();
  }

  /** A builder; {@link Builder#targetPort} is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The client tor's SOCKS port on 127.0.0.1 ({@code ExtendedErrors}, {@code IsolateSOCKSAuth}).
   */
  public int socksPort() {
    return socksPort;
  }

  /** The client tor's control port on 127.0.0.1 (cookie authentication). */
  public int controlPort() {
    return client.controlPort();
  }

  /** The client tor's control cookie file (32 bytes). */
  public Path controlCookie() {
    return client.cookieFile();
  }

  /** The onion-service tor's control port on 127.0.0.1 (cookie authentication). */
  public int onionServiceControlPort() {
    return onionService.controlPort();
  }

  /** The onion-service tor's control cookie file. */
  public Path onionServiceControlCookie() {
    return onionService.cookieFile();
  }

  /**
   * The torrc lines that make another tor a client of this network: {@code TestingTorNetwork 1},
   * {@code ClientUseIPv6 0} and the three authorities' {@code DirAuthority} lines. That tor needs
   * its own data directory, SOCKS and control ports.
   */
  public List<String> clientTorrcLines() {
    List<String> lines = new ArrayList<>();
    lines.add("TestingTorNetwork 1");
    lines.add("ClientUseIPv6 0");
    lines.addAll(dirAuthorities);
    return List.copyOf(lines);
  }

  /** The onion service's host name: 56 base32 characters and {@code .onion}. */
  public String onionHostname() {
    return onionHostname;
  }

  /** How long the last start (of the network, the onion service or the client) took, by step. */
  public Timings timings() {
    return timings;
  }

  /** The temporary directory holding every node's data directory, torrc and logs. */
  public Path directory() {
    return dir;
  }

  /** The ids of the tor processes this instance started and that are still running. */
  public List<Long> pids() {
    return nodes.stream().filter(TorNode::isRunning).map(TorNode::pid).toList();
  }

  /** Whether the onion-service tor is running. */
  public boolean onionServiceRunning() {
    return onionService.isRunning();
  }

  /**
   * Stops the onion-service tor (SIGTERM, then SIGKILL after 10 s); the onion becomes unreachable
   * until {@link #startOnionService()}. Does nothing if it is not running.
   */
  public void stopOnionService() {
    onionService.stop();
  }

  /**
   * Starts the onion-service tor again with the same key (so the same onion) and waits until it has
   * uploaded a new descriptor and the client reaches it.
   *
   * @throws IllegalStateException if it is running or the network is closed
   * @throws IOException if it does not become reachable within the start timeout
   */
  public Timings startOnionService() throws IOException {
    if (closed) {
      throw new IllegalStateException("the network is closed");
    }
    long t0 = System.nanoTime();
    long deadline = t0 + startTimeout.toNanos();
    Duration uploaded = startOnionServiceAndAwaitUpload(t0, deadline, () -> {});
    Duration reachable = awaitOnionReachable(t0, deadline);
    timings = new Timings(Duration.ZERO, Duration.ZERO, uploaded, reachable);
    return timings;
  }

  /** Whether the client tor is running. */
  public boolean clientRunning() {
    return client.isRunning();
  }

  /**
   * Stops the client tor (SIGTERM, then SIGKILL after 10 s): its SOCKS and control ports close.
   * Does nothing if it is not running.
   */
  public void stopClient() {
    client.stop();
  }

  /**
   * Starts the client tor again on the same ports and waits until it has bootstrapped and reaches
   * the onion. It writes a new control cookie: read {@link #controlCookie()} again.
   *
   * @throws IllegalStateException if it is running or the network is closed
   * @throws IOException if it does not reach the onion within the start timeout
   */
  public Timings startClient() throws IOException {
    if (closed) {
      throw new IllegalStateException("the network is closed");
    }
    long t0 = System.nanoTime();
    long deadline = t0 + startTimeout.toNanos();
    client.start(tor, emptyTorrc);
    Duration bootstrapped = awaitClientBootstrap(t0, deadline);
    Duration reachable = awaitOnionReachable(t0, deadline);
    timings = new Timings(Duration.ZERO, bootstrapped, Duration.ZERO, reachable);
    return timings;
  }

  /** Stops every tor this instance started, all at once, and deletes the directory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    nodes.forEach(TorNode::signalStop);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (TorNode n : nodes) {
      n.await(Duration.ofNanos(deadline - System.nanoTime()));
    }
    Processes.deleteTree(dir);
  }

  @Override
  public String toString() {
    return "PrivateTorNetwork[socks=127.0.0.1:"
        + socksPort
        + ", control=127.0.0.1:"
        + controlPort()
        + ", onion="
        + onionHostname
        + "]";
  }

  private void startUp() throws IOException {
    long t0 = System.nanoTime();
    long deadline = t0 + startTimeout.toNanos();
    for (TorNode n : nodes) {
      if (n.relays()) {
        n.start(tor, emptyTorrc);
      }
    }
    awaitConsensus(deadline);
    Duration consensus = since(t0);
    Duration uploaded =
        startOnionServiceAndAwaitUpload(t0, deadline, () -> client.start(tor, emptyTorrc));
    Duration bootstrapped = awaitClientBootstrap(t0, deadline);
    Duration reachable = awaitOnionReachable(t0, deadline);
    timings = new Timings(consensus, bootstrapped, uploaded, reachable);
  }

  /** Every authority and relay listed as Running in the first authority's consensus. */
  private void awaitConsensus(long deadline) throws IOException {
    Path consensus = nodes.get(0).dir().resolve("cached-microdesc-consensus");
    int relays = (int) nodes.stream().filter(TorNode::relays).count();
    int running = 0;
    while (System.nanoTime() < deadline) {
      for (TorNode n : nodes) {
        n.checkAlive();
      }
      running = countRunning(consensus);
      if (running >= relays) {
        return;
      }
      pause();
    }
    throw new IOException(
        "the consensus listed "
            + running
            + " of "
            + relays
            + " relays as Running after "
            + startTimeout.toSeconds()
            + " s; "
            + nodes.get(0).nickname()
            + " log:\n"
            + nodes.get(0).logTail());
  }

  private static int countRunning(Path consensus) {
    try {
      return (int)
          Files.readAllLines(consensus, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith("s ") && l.contains(" Running"))
              .count();
    } catch (IOException e) {
      return 0; // not written yet
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  /**
   * Starts the onion-service tor, subscribes to its HS_DESC events at once (the first upload must
   * not be missed), runs {@code meanwhile}, reads the onion name and waits for the upload.
   */
  private Duration startOnionServiceAndAwaitUpload(long t0, long deadline, Step meanwhile)
      throws IOException {
    onionService.start(tor, emptyTorrc);
    try (ControlLink hs = ControlLink.open(onionService, deadline)) {
      hs.command("SETEVENTS HS_DESC");
      meanwhile.run();
      Path hostname = onionService.dir().resolve("hs/hostname");
      while (!Files.isRegularFile(hostname) || Files.size(hostname) == 0) {
        onionService.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new IOException("the onion service wrote no " + hostname);
        }
        pause();
      }
      onionHostname = Files.readString(hostname, StandardCharsets.US_ASCII).trim();
      String serviceId = onionHostname.substring(0, onionHostname.length() - ".onion".length());
      if (hs.awaitEvent("UPLOADED " + serviceId, deadline, onionService) == null) {
        throw new IOException(
            "the onion service uploaded no descriptor in "
                + startTimeout.toSeconds()
                + " s; its log:\n"
                + onionService.logTail());
      }
      return since(t0);
    }
  }

  private Duration awaitClientBootstrap(long t0, long deadline) throws IOException {
    try (ControlLink c = ControlLink.open(client, deadline)) {
      String phase = "";
      while (System.nanoTime() < deadline) {
        client.checkAlive();
        phase = c.getInfo("status/bootstrap-phase");
        if (phase.contains("PROGRESS=100")) {
          return since(t0);
        }
        pause();
      }
      throw new IOException(
          "the client tor did not bootstrap in "
              + startTimeout.toSeconds()
              + " s: "
              + phase
              + "; its log:\n"
              + client.logTail());
    }
  }

  /**
   * SOCKS CONNECTs to the onion until one succeeds (a descriptor may not be on every HSDir yet).
   */
  /**
   * Probes the onion through the client until a stream opens. Each probe gets at most {@link
   * #PROBE_TIMEOUT}; after a failed one the client is sent {@code NEWNYM}, which also purges its
   * onion-service state: a client that cached the descriptor of a service that has since restarted
   * would otherwise keep trying the old introduction points, and could need the whole start timeout
   * to give them up.
   */
  private Duration awaitOnionReachable(long t0, long deadline) throws IOException {
    int reply = -1;
    IOException last = null;
    while (System.nanoTime() < deadline) {
      client.checkAlive();
      onionService.checkAlive();
      long left = Math.max(1000, (deadline - System.nanoTime()) / 1_000_000);
      try {
        reply =
            SocksProbe.connect(
                socksPort,
                onionHostname,
                ONION_PORT,
                (int) Math.min(left, PROBE_TIMEOUT.toMillis()));
        if (reply == 0) {
          return since(t0);
        }
      } catch (IOException e) {
        last = e;
      }
      freshClientState(deadline);
      pause();
    }
    throw new IOException(
        "the client could not reach "
            + onionHostname
            + ":"
            + ONION_PORT
            + " (last SOCKS reply 0x"
            + Integer.toHexString(reply)
            + "); is the target port listening? client log:\n"
            + client.logTail()
            + "onion service log:\n"
            + onionService.logTail(),
        last);
  }

  /** NEWNYM to the client: fresh circuits, and no cached onion-service descriptors. */
  private void freshClientState(long deadline) {
    try (ControlLink c = ControlLink.open(client, deadline)) {
      c.command("SIGNAL NEWNYM");
    } catch (IOException e) {
      // the next probe says whether the client is still there
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  static void pause() throws InterruptedIOException {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the Tor network starts");
    }
  }

  /** Configures and starts a {@link PrivateTorNetwork}. */
  public static final class Builder {
    private int targetPort = -1;
    private final Map<Integer, Integer> morePorts = new java.util.LinkedHashMap<>();
    private int relays = DEFAULT_RELAYS;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Path torBinary;
    private Duration clientSocksTimeout;

    private Builder() {}

    /**
     * The port on 127.0.0.1 that onion port {@value #ONION_PORT} leads to, for example a GreenMail
     * SMTP port; required. It must accept connections when {@link #start()} runs.
     *
     * @throws IllegalArgumentException if not in 1..65535
     */
    public Builder targetPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("targetPort " + port + " is not in 1..65535");
      }
      this.targetPort = port;
      return this;
    }

    /**
     * One more port of the onion service: {@code onionPort} leads to {@code targetPort} on
     * 127.0.0.1, for example a second SMTP server behind the same onion.
     *
     * @throws IllegalArgumentException if a port is not in 1..65535, or {@code onionPort} is
     *     {@value #ONION_PORT}
     */
    public Builder servicePort(int onionPort, int targetPort) {
      if (onionPort < 1 || onionPort > 65535 || onionPort == ONION_PORT) {
        throw new IllegalArgumentException(
            "onion port " + onionPort + " is not in 1..65535 or is " + ONION_PORT);
      }
      if (targetPort < 1 || targetPort > 65535) {
        throw new IllegalArgumentException("target port " + targetPort + " is not in 1..65535");
      }
      morePorts.put(onionPort, targetPort);
      return this;
    }

    /**
     * Relays besides the three authorities; default {@value #DEFAULT_RELAYS}.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder relays(int relays) {
      if (relays < 1) {
        throw new IllegalArgumentException("relays " + relays + " is below 1");
      }
      this.relays = relays;
      return this;
    }

    /**
     * The time allowed for {@link #start()}; default {@link #DEFAULT_START_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder startTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout " + timeout + " must be positive");
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * The client tor's {@code SocksTimeout}: how long it keeps trying to open a stream before it
     * answers 0x06 (TTL expired); default Tor's own, 120 s. A stopped onion service makes the
     * client try for that long, so tests of that case set it lower.
     *
     * @throws IllegalArgumentException if less than a second
     */
    public Builder clientSocksTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("clientSocksTimeout " + timeout + " is below 1 s");
      }
      this.clientSocksTimeout = timeout;
      return this;
    }

    /**
     * The {@code tor} executable; default {@code tor} on {@code PATH} or in {@code /usr/sbin}.
     *
     * @throws NullPointerException if {@code tor} is null
     */
    public Builder torBinary(Path tor) {
      this.torBinary = Objects.requireNonNull(tor, "tor");
      return this;
    }

    /**
     * Generates keys and configurations in a new temporary directory, starts the network and waits
     * until the client reaches the onion service.
     *
     * @throws IllegalStateException if {@code tor} or {@code tor-gencert} is not installed, or no
     *     target port was set
     * @throws IOException if the network does not come up within the start timeout (the message
     *     carries the failing node's log); everything started is stopped and deleted
     */
    public PrivateTorNetwork start() throws IOException {
      if (targetPort < 0) {
        throw new IllegalStateException("targetPort is required");
      }
      String tor;
      if (torBinary != null) {
        if (!Files.isExecutable(torBinary)) {
          throw new IllegalStateException(
              torBinary + " is not an executable tor (Debian: apt-get install -y tor)");
        }
        tor = torBinary.toString();
      } else {
        tor =
            Processes.binary(
                "tor",
                "the private Tor network needs Debian's tor package: apt-get install -y tor");
      }
      String gencert =
          Processes.binary(
              "tor-gencert",
              "the private Tor network needs Debian's tor package: apt-get install -y tor");
      Path dir = Files.createTempDirectory("onionmx-tornet-");
      PrivateTorNetwork net = null;
      try {
        NetworkLayout layout =
            NetworkLayout.create(
                dir, tor, gencert, relays, targetPort, Map.copyOf(morePorts), clientSocksTimeout);
        net = new PrivateTorNetwork(dir, tor, startTimeout, layout);
        net.startUp();
        return net;
      } catch (IOException | RuntimeException e) {
        if (net != null) {
          net.close();
        } else {
          Processes.deleteTree(dir);
        }
        throw e;
      }
    }
  }
}
