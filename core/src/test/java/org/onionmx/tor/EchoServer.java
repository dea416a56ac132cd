package org.onionmx.tor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An SMTP-like server on 127.0.0.1: sends a 220 banner, then echoes every byte back. */
final class EchoServer implements AutoCloseable {
  static final String BANNER = "220 echo.invalid ready\r\n";

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(EchoServer::daemon);

  EchoServer() throws IOException {
    server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = server.accept();
        threads.execute(() -> echo(s));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void echo(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      out.write(BANNER.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "echo-server");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
