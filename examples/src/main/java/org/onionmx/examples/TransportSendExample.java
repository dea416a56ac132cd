package org.onionmx.examples;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.onionmx.jakarta.mail.OnionSmtp;

/**
 * {@code Transport.send(message)} over onion services: it picks its transport from {@code
 * mail.transport.protocol.rfc822}, which {@link OnionSmtp#useForAllMail} sets (with {@code
 * mail.transport.protocol}). Domains without an onion route go through the app's usual relay
 * ({@code mail.smtp.host}) under the default {@code onion-preferred} policy.
 *
 * <p>Run: {@code java -cp examples/target/onionmx.jar org.onionmx.examples.TransportSendExample
 * FROM TO [SOCKS_PORT [MAP_FILE [RELAY_HOST RELAY_PORT [DNS_SERVER [DNSSEC]]]]]}
 */
public final class TransportSendExample {
  private TransportSendExample() {}

  /** Sends one message from {@code args[0]} to {@code args[1]}. */
  public static void main(String[] args) throws Exception {
    Properties props = OnionSmtp.useForAllMail(new Properties());
    props.put("mail.onion-smtp.socks.port", args.length > 2 ? args[2] : "9050");
    props.put("mail.onion-smtp.map", args.length > 3 ? args[3] : "bundled");
    props.put("mail.smtp.host", args.length > 4 ? args[4] : "localhost"); // the clearnet relay
    props.put("mail.smtp.port", args.length > 5 ? args[5] : "25");
    if (args.length > 6) {
      props.put("mail.onion-smtp.dns.servers", args[6]); // for SRV look-ups; default the system's
    }
    if (args.length > 7) {
      props.put("mail.onion-smtp.dnssec", args[7]); // require, prefer (default) or off
    }
    Session session = Session.getInstance(props);

    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(args[0]));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(args[1]));
    message.setSubject("Hello from Transport.send");
    message.setText("Onion where the recipient has one, the usual relay elsewhere.");
    Transport.send(message);
    System.out.println("sent to " + args[1]);
  }
}
