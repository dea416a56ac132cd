package org.onionmx.testing.tor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the network builder refuses before it starts any process. */
class PrivateTorNetworkTest {
  @Test
  void missingTorFailsWithTheDebianPackageToInstall(@TempDir Path dir) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                PrivateTorNetwork.newBuilder()
                    .targetPort(2525)
                    .torBinary(dir.resolve("tor"))
                    .start());
    assertTrue(e.getMessage().contains("apt-get install -y tor"), e.getMessage());
  }

  @Test
  void startWithoutTargetPortIsRefused() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> PrivateTorNetwork.newBuilder().start());
    assertTrue(e.getMessage().contains("targetPort"), e.getMessage());
  }

  @Test
  void targetPortOutOfRangeIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> PrivateTorNetwork.newBuilder().targetPort(65536));
    assertThrows(
        IllegalArgumentException.class, () -> PrivateTorNetwork.newBuilder().targetPort(0));
  }

  @Test
  void moreServicePortsMustBeValidAndNotTheSmtpPort() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PrivateTorNetwork.newBuilder().servicePort(PrivateTorNetwork.ONION_PORT, 2525));
    assertThrows(
        IllegalArgumentException.class, () -> PrivateTorNetwork.newBuilder().servicePort(2525, 0));
    assertThrows(
        IllegalArgumentException.class, () -> PrivateTorNetwork.newBuilder().servicePort(0, 2525));
  }

  @Test
  void networkNeedsARelayBesidesTheAuthorities() {
    assertThrows(IllegalArgumentException.class, () -> PrivateTorNetwork.newBuilder().relays(0));
  }
}
