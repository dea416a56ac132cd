package org.onionmx.testing.tor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Tor control port on 127.0.0.1 that speaks just enough of the control protocol for a health
 * monitor: it accepts any {@code AUTHENTICATE} (or refuses all, see {@link #refuseAuthentication}),
 * answers {@code GETINFO status/bootstrap-phase} with 100 % (or what {@link #bootstrapPhase} sets),
 * {@code OK}s {@code SETEVENTS} and {@code SIGNAL}, refuses everything else with {@code 510},
 * records every command line, and sends asynchronous {@code 650} events on demand ({@link #emit}).
 * Use {@link PrivateTorNetwork} for the real thing.
 */
public final class FakeControlPort implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<OutputStream> clients = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean refuseAuthentication;
  private volatile List<String> socksListeners = List.of();
  private volatile List<String> socksPorts = List.of();
  private volatile String phase = "NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"";

  private FakeControlPort(ServerSocket server) {
    this.server = server;
    threads.execute(this::acceptLoop);
  }

  /** Starts listening on an ephemeral port of 127.0.0.1. */
  public static FakeControlPort start() throws IOException {
    return new FakeControlPort(
        new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
  }

  /** The port it listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** Sets the value of {@code status/bootstrap-phase}, for example {@code NOTICE BOOTSTRAP ...}. */
  public FakeControlPort bootstrapPhase(String phase) {
    this.phase = phase;
    return this;
  }

  /** From now on answers {@code AUTHENTICATE} with {@code 515 Authentication failed}. */
  public FakeControlPort refuseAuthentication() {
    this.refuseAuthentication = true;
    return this;
  }

  /** Every command line received so far, in order, over all connections. */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /** How many {@code SIGNAL NEWNYM} commands arrived. */
  public long newnyms() {
    return commands.stream().filter(c -> c.equals("SIGNAL NEWNYM")).count();
  }

  /** Sends the event {@code 650 <line>} to every client, for example {@code CIRC 1 FAILED}. */
  public void emit(String line) throws IOException {
    for (OutputStream out : clients) {
      synchronized (out) {
        out.write(("650 " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    OutputStream out = null;
    try (s) {
      sockets.add(s);
      out = s.getOutputStream();
      clients.add(out);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        commands.add(line);
        String reply = reply(line);
        synchronized (out) {
          out.write(reply.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (SocketException e) {
      // the client went away or we are closing
    } catch (IOException e) {
      // the same, in other words
    } finally {
      clients.remove(out);
      sockets.remove(s);
    }
  }

  private String reply(String line) {
    if (line.startsWith("AUTHENTICATE") && refuseAuthentication) {
      return "515 Authentication failed: Password did not match HashedControlPassword value.\r\n";
    }
    if (line.startsWith("AUTHENTICATE")
        || line.startsWith("SETEVENTS")
        || line.startsWith("SIGNAL ")) {
      return "250 OK\r\n";
    }
    if (line.equals("GETINFO net/listeners/socks")) {
      StringBuilder quoted = new StringBuilder();
      for (String l : socksListeners) {
        quoted.append(quoted.length() == 0 ? "" : " ").append('"').append(l).append('"');
      }
      return "250-net/listeners/socks=" + quoted + "\r\n250 OK\r\n";
    }
    if (line.equals("GETCONF SocksPort")) {
      if (socksPorts.isEmpty()) {
        return "250 SocksPort\r\n"; // Tor's default: 9050, no flags
      }
      StringBuilder reply = new StringBuilder();
      for (int i = 0; i < socksPorts.size(); i++) {
        reply.append(i == socksPorts.size() - 1 ? "250 " : "250-");
        reply.append("SocksPort=").append(socksPorts.get(i)).append("\r\n");
      }
      return reply.toString();
    }
    if (line.equals("GETINFO status/bootstrap-phase")) {
      return "250-status/bootstrap-phase=" + phase + "\r\n250 OK\r\n";
    }
    return "510 Unrecognized command\r\n";
  }

  /**
   * What {@code GETINFO net/listeners/socks} answers: listener addresses such as {@code
   * 127.0.0.1:9150}; none by default.
   */
  public FakeControlPort socksListeners(String... listeners) {
    this.socksListeners = List.of(listeners);
    return this;
  }

  /**
   * What {@code GETCONF SocksPort} answers, one value per SocksPort line such as {@code
   * "127.0.0.1:9150 ExtendedErrors"}; by default Tor's default port (9050, no flags).
   */
  public FakeControlPort socksPorts(String... ports) {
    this.socksPorts = List.of(ports);
    return this;
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    threads.shutdownNow();
  }
}
