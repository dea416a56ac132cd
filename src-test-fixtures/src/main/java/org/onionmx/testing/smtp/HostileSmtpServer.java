package org.onionmx.testing.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 that sends without end, for tests that a client bounds what it reads:
 * an endless multi-line banner ({@code 220-…} forever), a greeting line that never ends, or, after
 * a normal greeting and EHLO, an endless multi-line reply to {@code MAIL FROM}. It writes as fast
 * as the client reads, in 8 KB chunks, until the client goes away or the server is closed, and
 * counts the bytes it got out. It can send an endless reply after a STARTTLS too, over TLS, and
 * drip a greeting a byte at a time, for tests that a client's deadline is per reply, not per read.
 * Thread-safe; one thread per connection.
 */
public final class HostileSmtpServer implements AutoCloseable {
  /** What the server sends without end. */
  public enum Behaviour {
    /** {@code 220-} continuation lines of 72 bytes, never a last line. */
    ENDLESS_BANNER,
    /** {@code 220 } followed by bytes that are never a line end. */
    ENDLESS_GREETING_LINE,
    /** A normal greeting and EHLO reply, then {@code 250-} lines without end for MAIL FROM. */
    ENDLESS_MAIL_REPLY,
    /**
     * A greeting line of {@value HostileSmtpServer#DRIP_LINE_BYTES} bytes, CRLF included, sent one
     * byte every {@value HostileSmtpServer#DRIP_INTERVAL_MILLIS} ms: 50 s for the line, each byte
     * well within a read timeout.
     */
    DRIPPING_GREETING,
    /**
     * A normal greeting, STARTTLS offered and accepted, then over TLS {@code 250-} lines without
     * end for the EHLO that follows. Needs a TLS context ({@link #startWithStartTls}).
     */
    ENDLESS_REPLY_AFTER_STARTTLS
  }

  /** Bytes of the {@link Behaviour#DRIPPING_GREETING} line. */
  public static final int DRIP_LINE_BYTES = 100;

  /** Milliseconds between two bytes of the {@link Behaviour#DRIPPING_GREETING} line. */
  public static final long DRIP_INTERVAL_MILLIS = 500;

  private static final int CHUNK = 8192;

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final SSLContext tls;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "hostile-smtp");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile boolean closed;

  private HostileSmtpServer(ServerSocket server, Behaviour behaviour, SSLContext tls) {
    this.server = server;
    this.behaviour = behaviour;
    this.tls = tls;
  }

  /**
   * Starts the server on an ephemeral port of 127.0.0.1.
   *
   * @throws IllegalArgumentException for {@link Behaviour#ENDLESS_REPLY_AFTER_STARTTLS}, which
   *     needs {@link #startWithStartTls}
   */
  public static HostileSmtpServer start(Behaviour behaviour) throws IOException {
    if (behaviour == Behaviour.ENDLESS_REPLY_AFTER_STARTTLS) {
      throw new IllegalArgumentException(behaviour + " needs a TLS context");
    }
    return start(behaviour, null);
  }

  /**
   * Starts a server for {@link Behaviour#ENDLESS_REPLY_AFTER_STARTTLS} with this server context.
   */
  public static HostileSmtpServer startWithStartTls(SSLContext tls) throws IOException {
    return start(Behaviour.ENDLESS_REPLY_AFTER_STARTTLS, Objects.requireNonNull(tls, "tls"));
  }

  private static HostileSmtpServer start(Behaviour behaviour, SSLContext tls) throws IOException {
    Objects.requireNonNull(behaviour, "behaviour");
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    HostileSmtpServer h = new HostileSmtpServer(s, behaviour, tls);
    h.threads.execute(h::accept);
    return h;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** What this server sends. */
  public Behaviour behaviour() {
    return behaviour;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Bytes written to clients so far, over all connections. */
  public long bytesSent() {
    return bytesSent.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      switch (behaviour) {
        case ENDLESS_BANNER -> flood(out, "", repeatedLines("220-"));
        case ENDLESS_GREETING_LINE -> flood(out, "220 ", filler());
        case ENDLESS_REPLY_AFTER_STARTTLS -> floodAfterStartTls(s, out);
        case DRIPPING_GREETING -> drip(out, "220 " + "x".repeat(DRIP_LINE_BYTES - 6) + "\r\n");
        case ENDLESS_MAIL_REPLY -> {
          write(out, "220 hostile ESMTP\r\n");
          BufferedReader in =
              new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          for (String line; (line = in.readLine()) != null; ) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO") || command.startsWith("HELO")) {
              write(out, "250 hostile\r\n");
            } else if (command.startsWith("MAIL FROM:")) {
              flood(out, "", repeatedLines("250-"));
            } else {
              write(out, "250 OK\r\n");
            }
          }
        }
      }
    } catch (IOException e) {
      // the client went away, as it should
    } finally {
      open.remove(s);
    }
  }

  /** Greets, accepts STARTTLS, then answers the EHLO over TLS without end. */
  private void floodAfterStartTls(Socket s, OutputStream out) throws IOException {
    write(out, "220 hostile ESMTP\r\n");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    for (String line; (line = in.readLine()) != null; ) {
      String command = line.toUpperCase(Locale.ROOT);
      if (command.startsWith("EHLO")) {
        write(out, "250-hostile\r\n250 STARTTLS\r\n");
      } else if (command.equals("STARTTLS")) {
        write(out, "220 go ahead\r\n");
        SSLSocket secure =
            (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
        open.add(secure);
        secure.setUseClientMode(false);
        secure.startHandshake();
        BufferedReader tlsIn =
            new BufferedReader(
                new InputStreamReader(secure.getInputStream(), StandardCharsets.US_ASCII));
        if (tlsIn.readLine() != null) { // the EHLO after STARTTLS
          flood(secure.getOutputStream(), "", repeatedLines("250-"));
        }
        return;
      } else {
        write(out, "250 OK\r\n");
      }
    }
  }

  /** Writes {@code head}, then {@code chunk} again and again until writing fails or close. */
  private void flood(OutputStream out, String head, byte[] chunk) throws IOException {
    write(out, head);
    while (!closed) {
      out.write(chunk);
      bytesSent.addAndGet(chunk.length);
    }
  }

  /** Writes {@code text} a byte every {@link #DRIP_INTERVAL_MILLIS}, then waits for the client. */
  private void drip(OutputStream out, String text) throws IOException {
    try {
      for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
        if (closed) {
          return;
        }
        out.write(b);
        out.flush();
        bytesSent.incrementAndGet();
        Thread.sleep(DRIP_INTERVAL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(OutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes);
    out.flush();
    bytesSent.addAndGet(bytes.length);
  }

  /** {@code code} lines of 72 bytes, CRLF included, filling one chunk. */
  private static byte[] repeatedLines(String code) {
    byte[] line =
        (code + "x".repeat(66) + "\r\n").getBytes(StandardCharsets.US_ASCII); // 4 + 66 + 2
    byte[] chunk = new byte[CHUNK / line.length * line.length];
    for (int i = 0; i < chunk.length; i += line.length) {
      System.arraycopy(line, 0, chunk, i, line.length);
    }
    return chunk;
  }

  private static byte[] filler() {
    byte[] chunk = new byte[CHUNK];
    Arrays.fill(chunk, (byte) 'x');
    return chunk;
  }

  /** Stops accepting and cuts every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
