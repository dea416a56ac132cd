package org.onionmx.tor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A loopback server that runs a script on each connection, for proxies that misbehave. */
final class RawServer implements AutoCloseable {
  /** What the server does with one connection. */
  @FunctionalInterface
  interface Script {
    void run(InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(RawServer::daemon);

  RawServer(Script script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          try {
            while (true) {
              Socket s = server.accept();
              threads.execute(() -> serve(s, script));
            }
          } catch (IOException e) {
            // closed
          }
        });
  }

  int port() {
    return server.getLocalPort();
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
    Thread t = new Thread(r, "raw-server");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
