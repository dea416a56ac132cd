package org.onionmx.testing.socks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.onionmx.testing.LoopbackServer;

/**
 * Sends "220 ready", records every byte a connection sends until it ends, and answers "250 OK" each
 * time the bytes so far end with CRLF.CRLF.
 */
final class SmtpLikeScript implements LoopbackServer.Script {
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  /** What the next connection sent before it ended. */
  String nextReceived() throws InterruptedException {
    String s = received.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no connection ended within 10 s");
    }
    return s;
  }

  @Override
  public void run(InputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try {
      out.write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
      int b;
      while ((b = in.read()) >= 0) {
        seen.write(b);
        if (seen.toString(StandardCharsets.US_ASCII).endsWith("\r\n.\r\n")) {
          out.write("250 OK\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
    } finally {
      // also when the proxy cut the stream
      received.add(seen.toString(StandardCharsets.US_ASCII));
    }
  }
}
