package org.onionmx.postfix;

import java.io.BufferedInputStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.onionmx.resolve.OnionResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postfix tcp_table(5) server that answers transport look-ups with onion routes: a drop-in for
 * the onionrouter daemon. In {@code main.cf}: {@code transport_maps = tcp:127.0.0.1:23000}.
 *
 * <p>One thread per client connection (Postfix keeps its table connections open and asks one
 * question at a time), at most {@link Builder#maxClients} at once; a client beyond that gets a
 * {@code 400} reply and is closed. Requests are lines of at most {@link #MAX_LINE} bytes; a longer
 * line gets a {@code 500} and the connection is closed, since its framing is lost. An idle client
 * is closed after the idle timeout.
 */
public final class TcpTableServer implements AutoCloseable {
  /** The longest request line accepted, in bytes, without its newline. */
  public static final int MAX_LINE = 4096;

  private static final Logger log = LoggerFactory.getLogger(TcpTableServer.class);

  private final ServerSocket server;
  private final TransportTable table;
  private final Semaphore slots;
  private final int idleMillis;
  private final ExecutorService workers;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private TcpTableServer(Builder b) throws IOException {
    this.table = new TransportTable(b.resolver, b.transport);
    this.slots = new Semaphore(b.maxClients);
    this.idleMillis = (int) Math.min(Integer.MAX_VALUE, b.idleTimeout.toMillis());
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(b.listen, 128);
    AtomicInteger ids = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "tcp-table-client-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "tcp-table-accept");
    acceptor.setDaemon(true);
    acceptor.start();
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
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warn("tcp_table accept failed: {}", e.toString());
        }
        continue;
      }
      if (!slots.tryAcquire()) {
        refuse(client);
        continue;
      }
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
    }
  }

  private static void refuse(Socket client) {
    try (client) {
      client.getOutputStream().write("400 too many clients\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the client is gone already
    }
  }

  private void serve(Socket client) {
    try (client;
        InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = new BufferedOutputStream(client.getOutputStream())) {
      client.setSoTimeout(idleMillis);
      client.setTcpNoDelay(true);
      byte[] line = new byte[MAX_LINE];
      while (true) {
        int length = 0;
        int c;
        while ((c = in.read()) != '\n') {
          if (c < 0) {
            return; // the client closed the connection
          }
          if (length == MAX_LINE) {
            String tooLong = "500 request longer than " + MAX_LINE + " bytes\n";
            out.write(tooLong.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return;
          }
          line[length++] = (byte) c;
        }
        if (length > 0 && line[length - 1] == '\r') {
          length--;
        }
        String reply = table.answer(new String(line, 0, length, StandardCharsets.UTF_8));
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
      }
    } catch (SocketTimeoutException e) {
      // idle client: close it, Postfix reconnects when it needs to
    } catch (IOException e) {
      if (!server.isClosed()) {
        log.debug("tcp_table client {} failed: {}", client.getRemoteSocketAddress(), e.toString());
      }
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

    private Builder() {}

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

    /** How long a silent client stays connected; default 5 minutes. */
    public Builder idleTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idle timeout must be positive");
      }
      this.idleTimeout = timeout;
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
