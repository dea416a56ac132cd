package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.onionmx.deliver.ReplyLimitException.Limit;

/** What {@link ReplyLimits} lets through, and where it stops, byte for byte. */
class ReplyLimitsTest {
  @Test
  void aLineOfExactlyTheLimitPassesAndOneByteMoreIsRefused() throws IOException {
    String atLimit = "x".repeat(ReplyLimits.MAX_LINE_BYTES) + "\r\n";
    assertEquals(atLimit.length(), readAll(limits(), atLimit));

    ReplyLimitException e =
        assertThrows(ReplyLimitException.class, () -> readAll(limits(), "x" + atLimit));
    assertEquals(Limit.LINE_LENGTH, e.limit());
  }

  @Test
  void crLfCrAloneAndLfAloneEachEndOneLineAsForAngus() throws IOException {
    String lines = "250-a\r\n".repeat(400) + "250-b\r".repeat(300) + "250-c\n".repeat(300);
    assertEquals(lines.length(), readAll(limits(), lines));

    ReplyLimitException e =
        assertThrows(ReplyLimitException.class, () -> readAll(limits(), lines + "250 d\n"));
    assertEquals(Limit.LINES_PER_REPLY, e.limit());
  }

  @Test
  void eachReplyCountsItsLinesFromZero() throws IOException {
    ReplyLimits limits = limits();
    String reply = "250-x\r\n".repeat(ReplyLimits.MAX_LINES - 1) + "250 x\r\n";
    InputStream in = limits.bound(stream(reply + reply));
    limits.startReply(60_000);
    assertEquals(reply.length(), in.readNBytes(reply.length()).length);
    limits.startReply(60_000);
    assertEquals(reply.length(), in.readNBytes(reply.length()).length);
  }

  @Test
  void underTlsOnlyTheBytesOfAReplyCount() throws IOException {
    ReplyLimits limits = limits();
    limits.tlsFollows();
    byte[] records = new byte[(int) ReplyLimits.MAX_REPLY_BYTES]; // no line end at all
    InputStream in = limits.bound(new ByteArrayInputStream(records));
    limits.startReply(60_000);
    assertEquals(records.length, in.readAllBytes().length);

    InputStream more = limits.bound(new ByteArrayInputStream(new byte[1]));
    ReplyLimitException e = assertThrows(ReplyLimitException.class, more::read);
    assertEquals(Limit.REPLY_BYTES, e.limit());
  }

  /** Limits over an unconnected socket: these tests read from memory, the timeouts never bite. */
  private static ReplyLimits limits() {
    return new ReplyLimits(new Socket(), 60_000);
  }

  private static int readAll(ReplyLimits limits, String text) throws IOException {
    limits.startReply(60_000);
    return limits.bound(stream(text)).readAllBytes().length;
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
