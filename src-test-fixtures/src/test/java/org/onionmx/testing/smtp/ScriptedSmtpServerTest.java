package org.onionmx.testing.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptedSmtpServerTest {
  @Test
  void answersAsScriptedAndRecordsTheAcceptedTransaction() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
      server.replyToRecipient("no@example.org", "550 5.1.1 unknown");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        assertEquals("220 scripted ESMTP", in.readLine());
        say(out, "EHLO client.example");
        assertEquals("250-scripted", in.readLine());
        assertEquals("250 8BITMIME", in.readLine());
        say(out, "MAIL FROM:<a@sender.example>");
        assertTrue(in.readLine().startsWith("250"));
        say(out, "RCPT TO:<no@example.org>");
        assertEquals("550 5.1.1 unknown", in.readLine());
        say(out, "RCPT TO:<yes@example.org>");
        assertTrue(in.readLine().startsWith("250"));
        say(out, "DATA");
        assertTrue(in.readLine().startsWith("354"));
        say(out, "Subject: x\r\n\r\n..dot\r\n.");
        assertTrue(in.readLine().startsWith("250"));
        say(out, "QUIT");
        assertTrue(in.readLine().startsWith("221"));
      }
      ScriptedSmtpServer.Transaction t = server.transactions().get(0);
      assertEquals("a@sender.example", t.mailFrom());
      assertEquals(List.of("yes@example.org"), t.recipients());
      assertEquals("Subject: x\r\n\r\n.dot\r\n", t.text());
      assertEquals(List.of("client.example"), server.ehloNames());
      assertEquals(1, server.connections());
    }
  }

  @Test
  void refusingGreetingRefusesEverythingButQuit() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start().greeting("421 4.3.2 busy");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("421 4.3.2 busy", in.readLine());
      say(s.getOutputStream(), "EHLO client.example");
      assertTrue(in.readLine().startsWith("503"));
      assertTrue(server.transactions().isEmpty());
    }
  }

  @Test
  void offersStartTlsAndRecordsTheServerNameAskedFor() throws Exception {
    org.onionmx.testing.tls.TestCertificate cert =
        org.onionmx.testing.tls.TestCertificate.generate("mx.example.org");
    try (ScriptedSmtpServer server = ScriptedSmtpServer.startWithStartTls(cert.serverContext());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      in.readLine();
      say(s.getOutputStream(), "EHLO client.example");
      assertEquals("250-scripted", in.readLine());
      assertEquals("250-STARTTLS", in.readLine());
      in.readLine();
      say(s.getOutputStream(), "STARTTLS");
      assertTrue(in.readLine().startsWith("220"));
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(cert.trustStore());
      javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      javax.net.ssl.SSLSocket tls =
          (javax.net.ssl.SSLSocket)
              client.getSocketFactory().createSocket(s, "mx.example.org", s.getPort(), true);
      tls.startHandshake();
      BufferedReader secureIn =
          new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
      say(tls.getOutputStream(), "EHLO client.example");
      assertEquals("250-scripted", secureIn.readLine());
      assertEquals("250 8BITMIME", secureIn.readLine(), "no STARTTLS offered twice");
      assertEquals(List.of("mx.example.org"), server.serverNames());
    }
  }

  @Test
  void heldGroupIsAnsweredInOrderOnceItsLastCommandArrives() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start()
                .holdRepliesUntilGroupEnds()
                .replyToRecipient("no@example.org", "550 5.1.1 unknown");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      assertEquals("220 scripted ESMTP", in.readLine());
      say(out, "EHLO client.example");
      assertEquals("250-scripted", in.readLine());
      assertEquals("250-PIPELINING", in.readLine());
      assertEquals("250 8BITMIME", in.readLine());
      say(out, "MAIL FROM:<a@sender.example>");
      say(out, "RCPT TO:<no@example.org>");
      s.setSoTimeout(200);
      assertThrows(java.net.SocketTimeoutException.class, in::readLine); // held
      s.setSoTimeout(5000);
      say(out, "RCPT TO:<yes@example.org>");
      say(out, "DATA");
      assertTrue(in.readLine().startsWith("250"));
      assertEquals("550 5.1.1 unknown", in.readLine());
      assertTrue(in.readLine().startsWith("250"));
      assertTrue(in.readLine().startsWith("354"));
      say(out, "x\r\n.");
      assertTrue(in.readLine().startsWith("250"));
      assertEquals(List.of("yes@example.org"), server.transactions().get(0).recipients());
      assertEquals(3, server.commandsBeforeReply());
    }
  }

  @Test
  void clientThatWaitsForEachReplySendsNoCommandEarly() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start().offerPipelining();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      in.readLine();
      for (String command : List.of("EHLO c", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>")) {
        say(out, command);
        String line;
        while ((line = in.readLine()).charAt(3) == '-') {
          assertTrue(line.startsWith("250-"));
        }
      }
      assertEquals(0, server.commandsBeforeReply());
    }
  }

  @Test
  void dataWithoutRecipientsIsRefusedUnlessScriptedOtherwise() throws Exception {
    for (boolean accept : new boolean[] {false, true}) {
      ScriptedSmtpServer server = ScriptedSmtpServer.start();
      if (accept) {
        server.acceptDataWithoutRecipients();
      }
      try (server;
          Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        in.readLine();
        say(s.getOutputStream(), "DATA");
        assertEquals(accept ? "354 go ahead" : "503 5.5.1 no valid recipients", in.readLine());
      }
    }
  }

  private static void say(OutputStream out, String line) throws Exception {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
