package org.onionmx.testing.socks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends "220 ready", records every byte a connection sends until it ends, and answers "250 OK" each
 * time the bytes so far end with CRLF.CRLF.
 */
final class SmtpLikeServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  SmtpLikeServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          try {
            while (true) {
              Socket s = server.accept();
              threads.execute(() -> serve(s));
            }
          } catch (IOException e) {
            // closed
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  /** What the next connection sent before it ended. */
  String nextReceived() throws InterruptedException {
    String s = received.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no connection ended within 10 s");
    }
    return s;
  }

  private void serve(Socket s) {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try (s) {
      OutputStream out = s.getOutputStream();
      out.write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      int b;
      while ((b = in.read()) >= 0) {
        seen.write(b);
        if (seen.toString(StandardCharsets.US_ASCII).endsWith("\r\n.\r\n")) {
          out.write("250 OK\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
    } catch (IOException e) {
      // the proxy cut the stream
    } finally {
      received.add(seen.toString(StandardCharsets.US_ASCII));
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
