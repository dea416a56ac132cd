package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.deliver.RecipientResult.Accepted;
import org.onionmx.deliver.RecipientResult.Deferred;

/**
 * Fuzzes what an SMTP server sends on the onion hop: the input is every byte the server sends, read
 * by a real {@link OnionMailer} (Angus's SMTP client, {@link ReplyLimits}, the transcript and its
 * reading) from an in-memory socket. Whatever the bytes, delivery returns one result per recipient
 * and throws nothing; a recipient is accepted only if the server said 354 somewhere (no message
 * counts as sent without DATA and its end); a failure at a reply limit names the limit. The heap
 * stays bounded: the input is finite, and {@link ReplyLimits} cuts any reply that is not.
 *
 * <p>Input: the server's bytes, then one byte whose lowest bit says whether the client may
 * pipeline. Seeds: {@code src/test/resources/org/onionmx/deliver/SmtpReplyFuzzTestInputs/}.
 */
class SmtpReplyFuzzTest {
  private static final String A = "a@example.org";
  private static final String B = "b@example.org";

  @FuzzTest(maxDuration = "20s")
  void serverBytesGiveOneResultPerRecipient(FuzzedDataProvider data) throws Exception {
    boolean pipelining = data.consumeBoolean();
    byte[] serverSends = data.consumeRemainingAsBytes();
    DeliveryReport report;
    try (OnionMailer mailer =
        OnionMailer.newBuilder()
            .streamOpener((host, port, key) -> new MemorySocket(host, serverSends))
            .pipelining(pipelining)
            .readTimeout(Duration.ofSeconds(5))
            .build()) {
      report = mailer.deliver(route(target("mx1")), envelope(A, B), rawMessage("s", "b"));
    }
    String sent = new String(serverSends, StandardCharsets.ISO_8859_1);
    for (String recipient : List.of(A, B)) {
      RecipientResult r = report.resultFor(recipient);
      assertEquals(recipient, r.recipient());
      if (r instanceof Accepted) {
        assertTrue(sent.contains("354"), () -> "accepted without a 354: " + r);
      }
      if (r instanceof Deferred d
          && d.failure() instanceof Failure.Connection c
          && c.kind() == Kind.LIMIT) {
        assertTrue(c.text().contains("(limit "), c::text);
      }
    }
  }

  /** A connected socket whose peer has already sent {@code fromServer}; writes are dropped. */
  private static final class MemorySocket extends Socket {
    private final InetAddress peer;
    private final InputStream in;

    MemorySocket(String host, byte[] fromServer) throws UnknownHostException {
      this.peer = InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
      this.in = new ByteArrayInputStream(fromServer);
    }

    @Override
    public InputStream getInputStream() {
      return in;
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InetAddress getInetAddress() {
      return peer;
    }

    @Override
    public int getPort() {
      return 25;
    }

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public void setSoTimeout(int timeout) {
      // nothing blocks in memory
    }

    @Override
    public int getSoTimeout() {
      return 0;
    }
  }
}
