package org.onionmx.deliver;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.TorSocksConnector;

/** Shared helpers for the delivery tests. */
final class Fixtures {
  static final String DOMAIN = "example.org";
  static final String SERVICE_ID = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid";

  private Fixtures() {}

  /** A target on the test onion, distinguished by a subdomain label (one proxy route each). */
  static OnionTarget target(String label) {
    return new OnionTarget(new OnionAddress(SERVICE_ID, label), 25);
  }

  /** The host name of {@link #target}. */
  static String host(String label) {
    return target(label).onion().hostname();
  }

  /** A route for {@link #DOMAIN} with these targets in order. */
  static Resolution.Routed route(OnionTarget... targets) {
    return new Resolution.Routed(DOMAIN, Arrays.asList(targets), RouteSource.MAP, Instant.MAX);
  }

  /** A mailer builder going through {@code proxy}, with short timeouts. */
  static OnionMailer.Builder mailer(FakeTorProxy proxy) throws IOException {
    return OnionMailer.newBuilder()
        .streamOpener(
            TorSocksConnector.newBuilder()
                .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port())
                .connectTimeout(Duration.ofSeconds(2))
                .socksTimeout(Duration.ofSeconds(5))
                .build())
        .readTimeout(Duration.ofSeconds(5));
  }

  /** A minimal RFC 5322 message. */
  static byte[] rawMessage(String subject, String body) {
    String text =
        "From: alice@sender.example\r\n"
            + "To: bob@example.org\r\n"
            + "Subject: "
            + subject
            + "\r\n"
            + "Message-ID: <fixed-1@sender.example>\r\n"
            + "\r\n"
            + body
            + "\r\n";
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static Envelope envelope(String... recipients) {
    return new Envelope("alice@sender.example", List.of(recipients));
  }
}
