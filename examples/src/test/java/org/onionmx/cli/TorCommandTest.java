package org.onionmx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onionmx.cli.ResolveCommandTest.Run;

class TorCommandTest {
  @Test
  void nothingListeningIsOneClearLineAndExitThree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    Run run = run("tor", "status", "--control", "127.0.0.1:" + port);
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().startsWith("onionmx: "), run.err());
    assertTrue(run.err().contains("127.0.0.1:" + port), run.err());
    assertTrue(!run.err().contains("\tat "), run.err());
    assertEquals("", run.out());
  }

  @Test
  void unreadableCookieSaysSo(@TempDir Path dir) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run =
          run(
              "tor",
              "status",
              "--control",
              "127.0.0.1:" + s.getLocalPort(),
              "--cookie",
              dir.resolve("missing.authcookie").toString());
      assertEquals(3, run.exit(), run.err());
      assertTrue(run.err().contains("missing.authcookie"), run.err());
    }
  }

  @Test
  void passwordComesFromTheEnvironmentNeverTheCommandLine() {
    Run run = run("tor", "status", "--password-env", "ONIONMX_TEST_UNSET_VARIABLE");
    assertEquals(3, run.exit());
    assertTrue(run.err().contains("ONIONMX_TEST_UNSET_VARIABLE is not set"), run.err());
    assertEquals(2, run("tor", "status", "--password", "secret").exit());
  }
}
