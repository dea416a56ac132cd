package org.onionmx.testing.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake control port answers the few commands a health monitor sends, and emits events. */
class FakeControlPortTest {
  @Test
  void answersTheMonitorsCommandsRecordsThemAndEmitsEvents() throws IOException {
    try (FakeControlPort port = FakeControlPort.start();
        Socket s = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port.port())) {
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(
          ("AUTHENTICATE 00\r\nGETINFO status/bootstrap-phase\r\nSIGNAL NEWNYM\r\nFOO\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();

      assertEquals("250 OK", in.readLine());
      assertEquals(
          "250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"",
          in.readLine());
      assertEquals("250 OK", in.readLine());
      assertEquals("250 OK", in.readLine());
      assertEquals("510 Unrecognized command", in.readLine());
      port.emit("CIRC 7 FAILED");
      assertEquals("650 CIRC 7 FAILED", in.readLine());
      assertEquals(
          List.of("AUTHENTICATE 00", "GETINFO status/bootstrap-phase", "SIGNAL NEWNYM", "FOO"),
          port.commands());
      assertEquals(1, port.newnyms());
    }
  }

  @Test
  void refusesEveryAuthenticationWhenToldTo() throws IOException {
    try (FakeControlPort port = FakeControlPort.start().refuseAuthentication();
        Socket s = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port.port())) {
      s.getOutputStream().write("AUTHENTICATE 00\r\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertEquals(
          "515 Authentication failed: Password did not match HashedControlPassword value.",
          in.readLine());
    }
  }
}
