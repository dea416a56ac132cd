package org.onionmx.postfix;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.onionmx.internal.Checks;
import org.onionmx.resolve.OnionResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postfix tcp_table(5) server that answers transport look-ups with onion routes: a drop-in for
 * the onionrouter daemon. In {@code main.cf}: {@code transport_maps = tcp:127.0.0.1:23000}.
 *
 * <p>Limits, each with what happens at it (docs/security-model.md lists them too):
 *
 * <ul>
 *   <li>Clients: at most {@link Builder#maxClients} connections are served at once, each by one
 *       thread of a pool of at most that many threads (Postfix keeps its table connections open and
 *       asks one question at a time). A client beyond that gets {@code 400 too many clients} and is
 *       closed; so does a client whose thread cannot be started ({@link OutOfMemoryError} "unable
 *       to create native thread"): {@code 400 out of threads}. Its slot is released on every path.
 *   <li>Request deadline: a whole request line must arrive within the idle timeout after the
 *       connection opened or the previous reply was sent, however the bytes trickle in; then the
 *       connection is closed (Postfix reconnects when it needs to).
 *   <li>Line length: requests are lines of at most {@link #MAX_LINE} bytes; a longer line gets a
 *       {@code 500} and the connection is closed, since its framing is lost.
 *   <li>Accept errors (out of file descriptors: {@code EMFILE}, {@code ENFILE}): the acceptor backs
 *       off from {@link #ACCEPT_BACKOFF_MIN} doubling to {@link #ACCEPT_BACKOFF_MAX}, logs at most
 *       one line per {@link #ACCEPT_LOG_INTERVAL} (with the count of failures since the last one),
 *       and serves again as soon as descriptors are free. The acceptor survives any error.
 * </ul>
 */
public final class TcpTableServer implements AutoCloseable {
  /** The longest request line accepted, in bytes, without its newline. */
  public static final int MAX_LINE = 4096;

  /** The first pause after a failed accept. */
  public static final Duration ACCEPT_BACKOFF_MIN = Duration.ofMillis(10);

  /** The longest pause after failed accepts in a row. */
  public static final Duration ACCEPT_BACKOFF_MAX = Duration.ofSeconds(1);

  /** At most one log line about failed accepts per this interval. */
  public static final Duration ACCEPT_LOG_INTERVAL = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(TcpTableServer.class);

  private final ServerSocket server;
  private final TransportTable table;
  private final Semaphore slots;
  private final long idleNanos;
  private final ThreadPoolExecutor workers;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final RateLimitedLog acceptErrors =
      new RateLimitedLog(log, ACCEPT_LOG_INTERVAL.toNanos());

  private TcpTableServer(Builder b) throws IOException {
    this.table = new TransportTable(b.resolver, b.transport);
    this.slots = new Semaphore(b.maxClients);
    this.idleNanos = b.idleTimeout.toNanos();
    initialiseSocketClose();
    this.server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(b.listen, 128);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    // At most maxClients threads, started as needed and stopped after 30 s idle. The queue is
    // bounded by the slots: it holds a task only in the instant between a worker releasing its
    // slot and taking the next task (a SynchronousQueue would refuse the task in that instant).
    this.workers =
        new ThreadPoolExecutor(
            b.maxClients,
            b.maxClients,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            b.threadFactory);
    workers.allowCoreThreadTimeOut(true);
    this.acceptor = new Thread(this::acceptLoop, "tcp-table-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Closes one socket while descriptors are free. The JDK initialises its native close path ({@code
   * sun.nio.ch.FileDispatcherImpl}) on the first socket close of the process, and that needs a
   * spare descriptor: if the first close happens when descriptors are exhausted, the class fails to
   * initialise and no socket can ever be closed again (seen under {@code ulimit -n 80}: every
   * client's close threw {@link NoClassDefFoundError} and the server never recovered).
   */
  private static void initialiseSocketClose() throws IOException {
    new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).close();
  }

  /** A builder for a server; {@link Builder#resolver} is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The address the server listens on (with the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Stops accepting, closes every client connection and waits briefly for their threads. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket client : clients) {
      client.close();
    }
    workers.shutdownNow();
    try {
      acceptor.join(2000);
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    long backoffMillis = 0;
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException | RuntimeException | Error e) { // NOPMD: the acceptor must live on
        if (server.isClosed()) {
          return;
        }
        backoffMillis =
            backoffMillis == 0
                ? ACCEPT_BACKOFF_MIN.toMillis()
                : Math.min(ACCEPT_BACKOFF_MAX.toMillis(), backoffMillis * 2);
        acceptErrors.failed(e, backoffMillis);
        if (!pause(backoffMillis)) {
          return;
        }
        continue;
      }
      if (backoffMillis != 0) {
        acceptErrors.recovered();
        backoffMillis = 0;
      }
      hand(client);
    }
  }

  /** Gives an accepted client to a worker, or refuses it; the client is never left open. */
  private void hand(Socket client) {
    if (!slots.tryAcquire()) {
      refuse(client, "400 too many clients");
      return;
    }
    try {
      clients.add(client);
      workers.execute(
          () -> {
            try {
              serve(client);
            } finally {
              clients.remove(client);
              slots.release();
            }
          });
    } catch (RuntimeException | Error e) { // NOPMD: the slot must come back, whatever failed
      // OutOfMemoryError here is "unable to create native thread": refuse, release, go on
      clients.remove(client);
      slots.release();
      if (!server.isClosed()) {
        log.warn("tcp_table: no thread for a client, refused with 400: {}", e.toString());
      }
      refuse(client, "400 out of threads");
    }
  }

  private boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void refuse(Socket client, String reply) {
    try (client) {
      client.getOutputStream().write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the client is gone already; closed by try-with-resources either way
    }
  }

  private void serve(Socket client) {
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = new BufferedOutputStream(client.getOutputStream())) {
      client.setTcpNoDelay(true);
      RequestReader requests = new RequestReader(client, in, MAX_LINE);
      while (true) {
        long deadline = System.nanoTime() + idleNanos;
        String request;
        try {
          request = requests.next(deadline);
        } catch (RequestReader.LineTooLongException e) {
          String tooLong = "500 request longer than " + MAX_LINE + " bytes\n";
          out.write(tooLong.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return;
        }
        if (request == null) {
          return; // the client closed the connection
        }
        String reply = table.answer(request);
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
      }
    } catch (SocketTimeoutException e) {
      // no whole request before the deadline: close; Postfix reconnects when it needs to
    } catch (IOException e) {
      if (!server.isClosed()) {
        log.debug("tcp_table client {} failed: {}", client.getRemoteSocketAddress(), e.toString());
      }
    } catch (RuntimeException | LinkageError | OutOfMemoryError e) { // NOPMD: keep the thread
      log.warn("tcp_table client {} ended: {}", client.getRemoteSocketAddress(), e.toString());
    }
  }

  /** Configures a {@link TcpTableServer}. */
  public static final class Builder {
    private InetSocketAddress listen =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 23000);
    private OnionResolver resolver;
    private String transport = "smtptor";
    private int maxClients = 256;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private ThreadFactory threadFactory = daemonThreads();

    private Builder() {}

    private static ThreadFactory daemonThreads() {
      AtomicInteger ids = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, "tcp-table-client-" + ids.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }

    /** The factory of worker threads; for tests that make thread creation fail. */
    Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** The address to listen on; default 127.0.0.1:23000. */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The resolver that answers; required. Its own domains answer {@code 200 :}. */
    public Builder resolver(OnionResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The Postfix transport named in routes; default {@code smtptor}. */
    public Builder transport(String transport) {
      if (!transport.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("not a Postfix transport name: " + transport);
      }
      this.transport = transport;
      return this;
    }

    /**
     * The most client connections served at once; default 256.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxClients(int maxClients) {
      if (maxClients < 1) {
        throw new IllegalArgumentException("maxClients must be at least 1");
      }
      this.maxClients = maxClients;
      return this;
    }

    /**
     * How long a client may take to send a whole request line, counted from the connection or the
     * previous reply; default 5 minutes. A client that trickles bytes gets no more time than a
     * silent one.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Checks.positive(timeout, "idle timeout");
      return this;
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if no resolver was given
     */
    public TcpTableServer start() throws IOException {
      if (resolver == null) {
        throw new IllegalStateException("a resolver is required");
      }
      return new TcpTableServer(this);
    }
  }
}
