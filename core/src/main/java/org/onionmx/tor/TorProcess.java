package org.onionmx.tor;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.onionmx.internal.Checks;
import org.onionmx.tor.TorProcessException.Kind;

/**
 * A {@code tor} process this library starts and owns, for applications that run no system Tor: a
 * client with a SOCKS port on 127.0.0.1 ({@code ExtendedErrors IsolateSOCKSAuth}) and a control
 * port only this process's cookie opens.
 *
 * <p>{@link Builder#start()} writes a torrc into the data directory, starts tor with it, connects
 * to the control port tor chose, takes ownership of tor ({@code TAKEOWNERSHIP}: tor exits when that
 * connection closes, so also when the JVM dies) and waits until tor has bootstrapped. {@link
 * #close()} asks tor to exit and waits for it; it only ever ends the one process it started.
 *
 * <pre>{@code
 * try (TorProcess tor =
 *     TorProcess.newBuilder().dataDirectory(Path.of("/var/lib/myapp/tor")).start()) {
 *   TorSocksConnector connector =
 *       TorSocksConnector.newBuilder()
 *           .proxy(tor.socksAddress().getAddress(), tor.socksAddress().getPort())
 *           .build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TorProcess implements AutoCloseable {
  /** Default time from launch to 100 % bootstrap. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(3);

  /** How long {@link #close()} waits for tor to exit by itself before it terminates it. */
  static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  private static final int LOG_TAIL_LINES = 10;

  private final Process process;
  private final Path dataDirectory;
  private final TorControl control;
  private final InetSocketAddress socksAddress;
  private boolean closed;

  private TorProcess(
      Process process, Path dataDirectory, TorControl control, InetSocketAddress socksAddress) {
    this.process = process;
    this.dataDirectory = dataDirectory;
    this.control = control;
    this.socksAddress = socksAddress;
  }

  /** A builder; {@link Builder#dataDirectory(Path)} is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Tor's SOCKS listener: 127.0.0.1 (an IP literal, never looked up) and the port, as tor reported
   * it on the control port.
   */
  public InetSocketAddress socksAddress() {
    return socksAddress;
  }

  /**
   * The owning control connection (cookie-authenticated). Closing it makes tor exit: leave that to
   * {@link #close()}.
   */
  public TorControl control() {
    return control;
  }

  /** The operating system's id of the tor process. */
  public long pid() {
    return process.pid();
  }

  /** The data directory, which holds the torrc, tor's state, its notice log and its output. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Stops tor: {@code SIGNAL SHUTDOWN} on the control port (a client exits at once), then waits up
   * to 10 s, then terminates the process, then kills it. Quiet if tor has already exited.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (process.isAlive()) {
      try {
        control.shutdown();
      } catch (TorControlException e) {
        // tor is exiting or gone; closing the owning connection below stops it too
      }
    }
    control.close();
    stop(process, EXIT_WAIT);
  }

  @Override
  public String toString() {
    return "TorProcess[pid " + pid() + ", socks " + socksAddress + ", " + dataDirectory + "]";
  }

  /** Waits up to {@code wait} for {@code p} to exit, then sends SIGTERM, then SIGKILL. */
  static void stop(Process p, Duration wait) {
    try {
      if (p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      p.destroy();
      if (p.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of tor's standard output and of its notice log, in that order. */
  static String logTail(Path dataDirectory) {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of(Torrc.OUTPUT_FILE, Torrc.LOG_FILE)) {
      try {
        List<String> lines =
            Files.readAllLines(dataDirectory.resolve(name), StandardCharsets.UTF_8);
        for (String l : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
          sb.append(l).append('\n');
        }
      } catch (IOException e) {
        // not written (yet)
      }
    }
    return sb.toString().strip();
  }

  /** Configures and starts a {@link TorProcess}. Not thread-safe. */
  public static final class Builder {
    private Path binary;
    private Path dataDirectory;
    private int socksPort;
    private final List<String> extraConfig = new ArrayList<>();
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Consumer<BootstrapStatus> onProgress = s -> {};

    private Builder() {}

    /**
     * The {@code tor} executable; default: {@code tor} on {@code PATH}, else {@code /usr/bin/tor},
     * else {@code /usr/sbin/tor}.
     *
     * @throws NullPointerException if {@code tor} is null
     */
    public Builder binary(Path tor) {
      this.binary = Objects.requireNonNull(tor, "tor");
      return this;
    }

    /**
     * Tor's data directory (its state, keys and cached directory), required. {@link #start()}
     * creates it with mode 700 if it is missing; tor refuses one that others can read. One tor at
     * a time per directory.
     *
     * @throws NullPointerException if {@code dir} is null
     */
    public Builder dataDirectory(Path dir) {
      this.dataDirectory = Objects.requireNonNull(dir, "dir").toAbsolutePath();
      return this;
    }

    /**
     * The SOCKS port on 127.0.0.1; default 0: a free port tor chooses, read back from the control
     * port.
     *
     * @throws IllegalArgumentException if not in 0..65535
     */
    public Builder socksPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("socksPort " + port + " is not in 0..65535");
      }
      this.socksPort = port;
      return this;
    }

    /**
     * Adds a torrc line, written after the generated ones, for example {@code DirAuthority …} and
     * {@code TestingTorNetwork 1} for a private network, or {@code Bridge …}. Repeatable.
     *
     * @throws IllegalArgumentException if {@code line} holds a line break
     */
    public Builder extraConfig(String line) {
      Objects.requireNonNull(line, "line");
      if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("one torrc line at a time: " + line);
      }
      extraConfig.add(line);
      return this;
    }

    /**
     * The time from launch to 100 % bootstrap; default {@link #DEFAULT_STARTUP_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = Checks.positive(timeout, "startupTimeout");
      return this;
    }

    /**
     * Receives tor's bootstrap progress during {@link #start()}: the first status and every change,
     * on the starting thread. Default: nothing.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder onProgress(Consumer<BootstrapStatus> listener) {
      this.onProgress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The torrc {@link #start()} writes. */
    Torrc torrc() {
      return new Torrc(dataDirectory, socksPort, extraConfig);
    }

    /**
     * Writes the torrc, starts tor and returns once it has bootstrapped to 100 %.
     *
     * @throws IllegalStateException if no data directory was set
     * @throws TorProcessException of kind {@link Kind#NO_BINARY}, {@link Kind#EXITED} (with tor's
     *     last lines), {@link Kind#STARTUP_TIMEOUT} or {@link Kind#CONTROL_FAILED}; a tor that was
     *     started is stopped first
     * @throws InterruptedIOException if the thread is interrupted; tor is stopped
     * @throws IOException if the data directory or the torrc cannot be written
     */
    public TorProcess start() throws IOException {
      if (dataDirectory == null) {
        throw new IllegalStateException("dataDirectory is required");
      }
      Path tor = binary != null ? TorBinary.check(binary) : TorBinary.find();
      createPrivateDirectory(dataDirectory);
      Path torrc = dataDirectory.resolve("torrc");
      Files.write(torrc, torrc().lines(), StandardCharsets.UTF_8);
      Path defaults = dataDirectory.resolve("torrc-defaults");
      Files.write(defaults, new byte[0]); // no system-wide defaults slip in
      Files.deleteIfExists(dataDirectory.resolve(Torrc.CONTROL_PORT_FILE));
      Files.deleteIfExists(dataDirectory.resolve(Torrc.COOKIE_FILE));
      Files.deleteIfExists(dataDirectory.resolve(Torrc.LOG_FILE));

      long deadline = System.nanoTime() + startupTimeout.toNanos();
      Process process;
      try {
        process =
            new ProcessBuilder(
                    tor.toString(), "--defaults-torrc", defaults.toString(), "-f", torrc.toString())
                .directory(dataDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dataDirectory.resolve(Torrc.OUTPUT_FILE).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                .start();
      } catch (IOException e) {
        throw new TorProcessException(Kind.NO_BINARY, "cannot run " + tor + ": " + e, "", e);
      }
      TorControl control = null;
      try {
        control = ControlPortFile.awaitAndConnect(process, dataDirectory, deadline);
        control.takeOwnership();
        control.waitForBootstrap(
            Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), onProgress);
        InetSocketAddress socks = ipv4Loopback(control.socksListeners(), control.address());
        return new TorProcess(process, dataDirectory, control, socks);
      } catch (TorControlException e) {
        if (Thread.currentThread().isInterrupted()) {
          stopQuietly(process, control);
          InterruptedIOException interrupted =
              new InterruptedIOException("interrupted while tor started");
          interrupted.initCause(e);
          throw interrupted;
        }
        TorProcessException failure = failure(process, e);
        stopQuietly(process, control);
        throw failure;
      } catch (IOException | RuntimeException e) {
        stopQuietly(process, control);
        throw e;
      }
    }

    /** What a control failure during start-up means: tor exited, timed out, or the port failed. */
    private TorProcessException failure(Process process, TorControlException e) {
      if (exited(process)) {
        return exitedException(process, dataDirectory);
      }
      if (e.kind() == TorControlException.Kind.NOT_BOOTSTRAPPED) {
        return new TorProcessException(
            Kind.STARTUP_TIMEOUT,
            "tor did not bootstrap within " + startupTimeout + ": " + e.getMessage(),
            logTail(dataDirectory),
            e);
      }
      return new TorProcessException(
          Kind.CONTROL_FAILED,
          "tor's control port failed during start-up: " + e.getMessage(),
          logTail(dataDirectory),
          e);
    }

    private static void stopQuietly(Process process, TorControl control) {
      if (control != null) {
        control.close();
      }
      process.destroy();
      stop(process, Duration.ofSeconds(5));
    }

    private static InetSocketAddress ipv4Loopback(List<InetSocketAddress> listeners, String at)
        throws TorControlException {
      for (InetSocketAddress a : listeners) {
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet4Address && ip.isLoopbackAddress()) {
          return a;
        }
      }
      throw new TorControlException(
          TorControlException.Kind.COMMAND_REFUSED,
          at,
          "tor reports no SOCKS listener on 127.0.0.1: " + listeners,
          null);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
      if (Files.isDirectory(dir)) {
        return; // tor checks it, and narrows its mode if it owns it
      }
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }

    private static File nullFile() {
      return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
    }
  }

  static boolean exited(Process process) {
    try {
      // a tor whose owner connection just dropped may still be on its way out
      return process.waitFor(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  static TorProcessException exitedException(Process process, Path dataDirectory) {
    return new TorProcessException(
        Kind.EXITED,
        "tor exited during start-up with status " + process.exitValue(),
        logTail(dataDirectory),
        null);
  }
}
