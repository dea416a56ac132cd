package org.onionmx.examples;

import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.deliver.RecipientOutcome;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.deliver.SendReport;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.TorSocksConnector;

/**
 * The core's API end to end, as in the README's quick start: resolve every recipient's domain and
 * deliver one message over Tor, with one outcome per recipient.
 *
 * <p>Run: {@code java -cp examples/target/onionmx.jar org.onionmx.examples.SendExample FROM
 * TO[,TO...] [SOCKS-PORT [MAP-FILE]]} (Tor's SOCKS port defaults to 9050, the map to the bundled
 * public one).
 */
public final class SendExample {
  private SendExample() {}

  /** Sends one short message and prints each recipient's outcome. */
  public static void main(String[] args) throws Exception {
    String from = args[0];
    List<String> to = List.of(args[1].split(","));
    int socksPort = args.length > 2 ? Integer.parseInt(args[2]) : 9050;
    OnionMap map = args.length > 3 ? OnionMap.load(Path.of(args[3])) : OnionMap.bundled();

    OnionResolver resolver = OnionResolver.newBuilder().map(map).build();
    try (OnionMailer mailer =
        OnionMailer.newBuilder()
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(InetAddress.getLoopbackAddress(), socksPort)
                    .build())
            .build()) {
      MimeMessage message = mailer.newMessage(); // its Message-ID names no host
      message.setFrom(from);
      message.setSubject("Hello over an onion service");
      message.setText("Delivered through Tor, end to end.");

      SendReport report = OnionSender.of(resolver, mailer).send(from, to, message);

      for (RecipientOutcome outcome : report.outcomes()) { // one per recipient, in order
        System.out.println(outcome.recipient() + ": " + describe(outcome));
      }
    }
  }

  private static String describe(RecipientOutcome outcome) {
    if (outcome instanceof RecipientOutcome.Onion onion) {
      RecipientResult r = onion.result();
      if (r instanceof RecipientResult.Accepted a) {
        return "accepted by " + a.target() + " (" + a.code() + " " + a.text() + ")";
      }
      return r instanceof RecipientResult.Rejected ? "rejected: " + r : "retry later: " + r;
    }
    if (outcome instanceof RecipientOutcome.NoRoute none) {
      return "no onion route (" + none.resolution().detail() + "): clearnet only if you allow it";
    }
    if (outcome instanceof RecipientOutcome.CouldNotTell failed) {
      return "retry later, never the clearnet (" + failed.resolution().detail() + ")";
    }
    return "not an address (" + ((RecipientOutcome.InvalidAddress) outcome).reason() + ")";
  }
}
