package org.onionmx.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP server on 127.0.0.1 that runs a {@link Script} on each connection, for peers that speak no
 * protocol a fixture knows (an echo, a misbehaving proxy or control port). After the script the
 * server flushes, half-closes and reads until the client closes, so unread bytes never reset the
 * connection under the client.
 */
public final class LoopbackServer implements AutoCloseable {
  /** What the server does with one connection. */
  @FunctionalInterface
  public interface Script {
    /** Talks to one client; may throw when the client goes away. */
    void run(InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(LoopbackServer::daemon);

  private LoopbackServer(Script script) throws IOException {
    server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    threads.execute(() -> acceptLoop(script));
  }

  /** A server that runs {@code script} on each connection, each on its own thread. */
  public static LoopbackServer start(Script script) throws IOException {
    return new LoopbackServer(script);
  }

  /** A server that sends {@code banner} (ASCII) and then echoes every byte it receives. */
  public static LoopbackServer echo(String banner) throws IOException {
    byte[] first = banner.getBytes(StandardCharsets.US_ASCII);
    return start(
        (in, out) -> {
          out.write(first);
          out.flush();
          byte[] buffer = new byte[4096];
          int n;
          while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
          }
        });
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop(Script script) {
    try {
      while (true) {
        Socket s = server.accept();
        threads.execute(() -> serve(s, script));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void serve(Socket s, Script script) {
    try (s) {
      script.run(s.getInputStream(), s.getOutputStream());
      s.getOutputStream().flush();
      s.shutdownOutput();
      s.getInputStream().readAllBytes(); // until the client closes: no reset on unread bytes
    } catch (IOException e) {
      // the client went away
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "loopback-server");
    t.setDaemon(true);
    return t;
  }

  /** Stops accepting and interrupts the connections' threads. */
  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
