package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.HeapWatch;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.tor.ControlReplyInput.ControlLimitException;
import org.onionmx.tor.TorControlException.Kind;

/**
 * A control port that sends without end (an endless multi-line reply, a line that never ends) ends
 * the control connection at the reply limits, with a typed error naming the limit, within the reply
 * timeout and without filling the heap; replies within the limits, data blocks included, pass
 * whole.
 */
class ControlReplyLimitsTest {
  private static final long HEAP_LIMIT = 64L * 1024 * 1024;

  @Test
  void endlessReplyEndsTheConnectionAtTheReplyLimit() throws Exception {
    TorControlException e = versionFrom("250-version=", "x".repeat(60) + "\r\n250-version=");

    String limit = ControlReplyInput.MAX_REPLY_BYTES + " bytes";
    assertTrue(e.getMessage().contains(limit), e::getMessage);
  }

  @Test
  void endlessLineEndsTheConnectionAtTheLineLimit() throws Exception {
    TorControlException e = versionFrom("250-version=", "x".repeat(8192));

    String limit = ControlReplyInput.MAX_LINE_BYTES + " bytes";
    assertTrue(e.getMessage().contains(limit), e::getMessage);
  }

  @Test
  void dataBlockWithSpacesInItsLinesCountsAsOneReplyUntilItsDot() throws IOException {
    String line = "abc def ghi\r\n"; // a fourth byte that is a space, inside the data block
    int lines = ControlReplyInput.MAX_REPLY_BYTES / line.length() + 1;
    String reply = "250+config-text=\r\n" + line.repeat(lines) + ".\r\n250 OK\r\n";
    ControlReplyInput in = new ControlReplyInput(stream(reply));

    assertThrows(ControlLimitException.class, in::readAllBytes);
  }

  @Test
  void repliesWithinTheLimitsPassWhole() throws IOException {
    String reply = "250-a=b\r\n250+c=\r\nd\r\n.\r\n250 OK\r\n";
    String many = reply.repeat(ControlReplyInput.MAX_REPLY_BYTES / reply.length() * 3);

    assertEquals(many.length(), new ControlReplyInput(stream(many)).readAllBytes().length);
  }

  /**
   * Runs {@code version()} against a control port that answers AUTHENTICATE, then {@code GETINFO}
   * with {@code head} and {@code chunk} again and again, under a heap watch.
   */
  private static TorControlException versionFrom(String head, String chunk) throws Exception {
    byte[] bytes = chunk.getBytes(StandardCharsets.US_ASCII);
    AtomicBoolean cutOff = new AtomicBoolean();
    try (LoopbackServer server =
            LoopbackServer.start(
                (in, out) -> {
                  BufferedReader r =
                      new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("AUTHENTICATE")) {
                      write(out, "250 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                      write(out, head.getBytes(StandardCharsets.US_ASCII));
                      while (!cutOff.get()) {
                        write(out, bytes); // until the client goes away or the heap watch cuts off
                      }
                      return;
                    }
                  }
                });
        TorControl c =
            TorControl.newBuilder()
                .address(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port())
                .replyTimeout(Duration.ofSeconds(10))
                .connect()) {
      long started = System.nanoTime();
      TorControlException e;
      HeapWatch watch = HeapWatch.start(HEAP_LIMIT, () -> cutOff.set(true));
      try (watch) {
        e = assertThrows(TorControlException.class, c::version);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println(
          "endless control reply: " + took.toMillis() + " ms, heap " + watch.peakText());
      assertFalse(watch.breached(), () -> "heap above baseline passed 64 MB: " + watch.peakText());
      assertEquals(Kind.CONNECTION_LOST, e.kind(), e::getMessage);
      assertInstanceOf(ControlLimitException.class, e.getCause(), e::toString);
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
      return e;
    }
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
