package org.onionmx.testing.socks;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A SOCKS5 server on 127.0.0.1 that behaves like Tor's SocksPort for tests: it records every
 * request, forwards CONNECTs by destination name to local servers, and fails connections on request
 * with any reply code (Tor's extended onion codes 0xF0-0xF7 included), delays, garbage or cuts
 * ({@link Fault}, chosen per connection by {@link FaultRule}s).
 *
 * <p>Like Tor it picks user name/password (method 2) whenever the client offers it and accepts any
 * credentials. A CONNECT to a name with no route is answered 0xF0 for {@code .onion} names and 0x04
 * otherwise; a route whose local server is down is answered 0x01, as Tor does.
 *
 * <p>Leak detection: a request whose destination is an IP address (ATYP 1 or 4) means the client
 * resolved the name itself; it is answered 0x02 and reported by {@link #assertNoIpDestinations()}.
 * A local resolver look-up as such cannot be observed from inside a Java 17 JVM (there is no
 * resolver hook before Java 18); a network-namespace harness with a logging DNS server does that.
 *
 * <p>Thread-safe: one thread per connection (two while forwarding). {@link #close()} closes every
 * socket and stops every thread.
 */
public final class FakeTorProxy implements AutoCloseable {
  /**
   * A fault that was applied, and to which request.
   *
   * @param request the request the fault was applied to
   * @param fault the fault
   */
  public record AppliedFault(ConnectRequest request, Fault fault) {}

  private final ServerSocket server;
  private final ExecutorService threads;
  private final Map<String, Integer> routes = new ConcurrentHashMap<>();
  private volatile Integer defaultRoute;
  private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
  private final List<ConnectRequest> connects = new CopyOnWriteArrayList<>();
  private final List<AppliedFault> applied = new CopyOnWriteArrayList<>();
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FakeTorProxy() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-tor-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /**
   * Starts a proxy on 127.0.0.1 on a free port.
   *
   * @throws IOException if the port cannot be bound
   */
  public static FakeTorProxy start() throws IOException {
    return new FakeTorProxy();
  }

  /** The port the proxy listens on (on 127.0.0.1). */
  public int port() {
    return server.getLocalPort();
  }

  /** The proxy's address: 127.0.0.1 and {@link #port()}. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), port());
  }

  /** Forwards CONNECTs to {@code host} (compared without case) to 127.0.0.1:{@code localPort}. */
  public FakeTorProxy route(String host, int localPort) {
    routes.put(host.toLowerCase(Locale.ROOT), localPort);
    return this;
  }

  /** Forwards CONNECTs to any host without its own route to 127.0.0.1:{@code localPort}. */
  public FakeTorProxy defaultRoute(int localPort) {
    defaultRoute = localPort;
    return this;
  }

  /** Applies {@code fault} to every CONNECT to {@code host}; same as {@link FaultRule#forHost}. */
  public FakeTorProxy script(String host, Fault fault) {
    return addRule(FaultRule.forHost(host, fault));
  }

  /** Adds a rule; rules are asked in the order added, the first fault returned applies. */
  public FakeTorProxy addRule(FaultRule rule) {
    rules.add(rule);
    return this;
  }

  /** Removes every rule; later connections are forwarded normally. */
  public FakeTorProxy clearRules() {
    rules.clear();
    return this;
  }

  /** Every request received so far, in arrival order; a snapshot. */
  public List<ConnectRequest> connects() {
    return List.copyOf(connects);
  }

  /** Every fault applied so far, in order; a snapshot. */
  public List<AppliedFault> appliedFaults() {
    return List.copyOf(applied);
  }

  /** Requests whose destination was an IP address (ATYP 1 or 4): local resolution happened. */
  public List<ConnectRequest> violations() {
    return connects.stream().filter(ConnectRequest::isIpDestination).collect(Collectors.toList());
  }

  /**
   * @throws AssertionError naming them if any request had an IP address as destination
   */
  public void assertNoIpDestinations() {
    List<ConnectRequest> bad = violations();
    if (!bad.isEmpty()) {
      throw new AssertionError(
          bad.size()
              + " SOCKS request(s) named an IP address, so the name was resolved locally: "
              + bad);
    }
  }

  /**
   * @throws AssertionError if any request's user name or password is the OS login name ({@code
   *     user.name}, compared without case)
   */
  public void assertNoOsLoginAsUser() {
    String login = System.getProperty("user.name");
    for (ConnectRequest r : connects) {
      if (login != null
          && (login.equalsIgnoreCase(r.username()) || login.equalsIgnoreCase(r.password()))) {
        throw new AssertionError(
            "SOCKS credentials for "
                + r.destination()
                + " carry the OS login name '"
                + login
                + "'");
      }
    }
  }

  /** Stops listening, closes every connection and stops every thread. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Closeable c : open) {
      closeQuietly(c);
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true); // relay each write at once, as Tor's SocksPort does
        track(client);
        try {
          threads.execute(new ProxySession(this, client));
        } catch (RejectedExecutionException e) {
          closeQuietly(client); // closing
          return;
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  void record(ConnectRequest request) {
    connects.add(request);
  }

  Fault faultFor(ConnectRequest request) {
    for (FaultRule rule : rules) {
      Optional<Fault> fault = rule.select(request);
      if (fault.isPresent()) {
        applied.add(new AppliedFault(request, fault.get()));
        return fault.get();
      }
    }
    return Fault.pass();
  }

  Integer routeFor(String host) {
    Integer port = routes.get(host.toLowerCase(Locale.ROOT));
    return port != null ? port : defaultRoute;
  }

  Future<?> execute(Runnable task) throws IOException {
    try {
      return threads.submit(task);
    } catch (RejectedExecutionException e) {
      throw new IOException("proxy closed", e);
    }
  }

  void track(Socket socket) throws IOException {
    open.add(socket);
    if (closed) {
      closeQuietly(socket);
      throw new IOException("proxy closed");
    }
  }

  void closeQuietly(Closeable c) {
    open.remove(c);
    try {
      c.close();
    } catch (IOException e) {
      // closing a socket the peer already closed
    }
  }
}
