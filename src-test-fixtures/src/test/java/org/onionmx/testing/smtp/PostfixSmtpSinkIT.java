package org.onionmx.testing.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Postfix's smtp-sink takes a pipelined transaction, counts it and keeps it. */
class PostfixSmtpSinkIT {
  @Test
  void takesAPipelinedTransactionCountsAndKeepsIt(@TempDir Path dir) throws Exception {
    int port;
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(dir.resolve("dumps"))) {
      port = sink.port();
      assertEquals(1, sink.sessions(), "start() returns once the probe's session is counted");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sink.port())) {
        s.setSoTimeout(5000);
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        assertTrue(ehloExtensions(in, out).contains("PIPELINING"));
        out.write(
            "MAIL FROM:<a@sender.example>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(in.readLine().startsWith("250"));
        assertTrue(in.readLine().startsWith("250"));
        assertTrue(in.readLine().startsWith("354"));
        out.write("Subject: t\r\n\r\n..dot\r\nünï\r\n.\r\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(in.readLine().startsWith("250"));
      }
      assertEquals(1, sink.awaitReceived(1, 5000));
      assertEquals(2, sink.awaitSessions(2, 5000), "the start-up probe's session and this one");
      List<String> kept = sink.messages();
      assertEquals(1, kept.size());
      assertTrue(kept.get(0).contains("X-Rcpt-Args: <b@example.org>\n"), kept.get(0));
      assertTrue(kept.get(0).contains("\nSubject: t\n\n.dot\nünï\n"), kept.get(0));
    }
    assertThrows(
        ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
  }

  @Test
  void optionsChangeItsAnswers() throws Exception {
    try (PostfixSmtpSink sink = PostfixSmtpSink.start(null, "-r", "rcpt", "-p");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), sink.port())) {
      s.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      assertFalse(ehloExtensions(in, out).contains("PIPELINING"), "-p: no PIPELINING");
      out.write("MAIL FROM:<a@sender.example>\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("250"));
      out.write("RCPT TO:<b@example.org>\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("450"));
    }
  }

  /** Reads the greeting, sends EHLO, and returns the extensions the reply names. */
  private static List<String> ehloExtensions(BufferedReader in, OutputStream out)
      throws java.io.IOException {
    assertTrue(in.readLine().startsWith("220"));
    out.write("EHLO [127.0.0.1]\r\n".getBytes(StandardCharsets.US_ASCII));
    List<String> extensions = new java.util.ArrayList<>();
    String line;
    do {
      line = in.readLine();
      extensions.add(line.substring(4));
    } while (line.charAt(3) == '-');
    return extensions;
  }
}
