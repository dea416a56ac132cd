package org.onionmx.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;

/** Clients that hold a slot too long, and threads that cannot be started. */
class TcpTableServerLimitsTest {
  TcpTableServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private TcpTableServer start(int maxClients, Duration idle, ThreadFactory threads)
      throws IOException {
    TcpTableServer.Builder b =
        TcpTableServer.newBuilder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .resolver(
                OnionResolver.newBuilder()
                    .map(OnionMap.empty())
                    .srv(false)
                    .ownDomains(Set.of("mine.example"))
                    .build())
            .maxClients(maxClients)
            .idleTimeout(idle);
    if (threads != null) {
      b.threadFactory(threads);
    }
    server = b.start();
    return server;
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * Asks on a new connection, again while a slot just given back is not yet free (at most 10 s).
   */
  private String askWhenFree(String line) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket s = connect()) {
        String reply = ask(s, line);
        if (!"400 too many clients".equals(reply) || System.nanoTime() > deadline) {
          return reply;
        }
      }
      Thread.sleep(50);
    }
  }

  private static String ask(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  @Test
  void tricklingClientIsClosedAtTheRequestDeadlineNotKeptByEachByte() throws Exception {
    start(1, Duration.ofSeconds(1), null);
    try (Socket trickler = connect()) {
      OutputStream out = trickler.getOutputStream();
      byte[] request = "get mine.example\n".getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      boolean closed = false;
      // one byte every 300 ms: each read comes well within 1 s, the whole line would take 5 s
      for (byte b : request) {
        try {
          out.write(b);
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        Thread.sleep(300);
        if (trickler.getInputStream().available() > 0) {
          break;
        }
      }
      String reply = null;
      if (!closed) {
        try {
          reply =
              new BufferedReader(
                      new InputStreamReader(trickler.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine();
        } catch (IOException e) {
          // reset by the server: closed as well
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertNull(reply, "the trickler got an answer after " + seconds + " s");
    }
    // its slot is free again: the only slot
    assertEquals("200 :", askWhenFree("get mine.example"));
  }

  @Test
  void clientWhoseThreadCannotStartGets400AndTheAcceptorGoesOn() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory failsFirst =
        r -> {
          if (made.incrementAndGet() == 1) {
            return new Thread(r) {
              @Override
              public synchronized void start() {
                throw new OutOfMemoryError(
                    "unable to create native thread: possibly out of memory");
              }
            };
          }
          Thread t = new Thread(r, "test-worker");
          t.setDaemon(true);
          return t;
        };
    start(1, Duration.ofSeconds(30), failsFirst);
    try (Socket first = connect()) {
      assertEquals(
          "400 out of threads",
          new BufferedReader(
                  new InputStreamReader(first.getInputStream(), StandardCharsets.US_ASCII))
              .readLine());
    }
    // the acceptor lives, and the one slot was released
    assertEquals("200 :", askWhenFree("get mine.example"));
  }

  @Test
  void clientBeyondTheLimitGets400WhileTheOthersAreServed() throws Exception {
    start(2, Duration.ofSeconds(30), null);
    try (Socket a = connect();
        Socket b = connect()) {
      assertEquals("200 :", ask(a, "get mine.example"));
      assertEquals("200 :", ask(b, "get mine.example"));
      try (Socket c = connect()) {
        assertEquals(
            "400 too many clients",
            new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))
                .readLine());
      }
      assertEquals("200 :", ask(a, "get mine.example"));
    }
    assertEquals("200 :", askWhenFree("get mine.example"));
  }

  @Test
  void clientsArrivingAsOthersLeaveAreServedNotRefusedForThreads() throws Exception {
    // Every slot busy and a client arriving just as one is given back: the worker that gave it
    // back has not yet asked for its next task, and the new client must still be served.
    start(2, Duration.ofSeconds(30), null);
    ExecutorService loops = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int l = 0; l < 2; l++) {
        results.add(
            loops.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    try (Socket s = connect()) {
                      String reply = ask(s, "get mine.example");
                      if ("400 out of threads".equals(reply)) {
                        return "refused for threads after " + i + " clients";
                      }
                    }
                  }
                  return "ok";
                }));
      }
      for (Future<String> result : results) {
        assertEquals("ok", result.get());
      }
    } finally {
      loops.shutdownNow();
    }
  }
}
