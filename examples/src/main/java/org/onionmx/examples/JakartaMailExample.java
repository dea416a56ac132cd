package org.onionmx.examples;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Plain Jakarta Mail: ask the session for the {@code onion-smtp} transport and send as usual.
 *
 * <p>Run: {@code java -cp examples/target/onionmx.jar org.onionmx.examples.JakartaMailExample FROM
 * TO [SOCKS_PORT [MAP_FILE]]}
 */
public final class JakartaMailExample {
  private JakartaMailExample() {}

  /** Sends one message from {@code args[0]} to {@code args[1]} through the local Tor. */
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("mail.onion-smtp.socks.port", args.length > 2 ? args[2] : "9050");
    props.put("mail.onion-smtp.map", args.length > 3 ? args[3] : "bundled");
    props.put("mail.onion-smtp.policy", "onion-only"); // nothing over the clearnet
    Session session = Session.getInstance(props);

    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(args[0]));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(args[1]));
    message.setSubject("Hello over Tor");
    message.setText("This message went through an onion service.");

    try (Transport transport = session.getTransport("onion-smtp")) {
      transport.connect(); // no host: routes are per recipient
      transport.sendMessage(message, message.getAllRecipients());
    }
    System.out.println("sent to " + args[1]);
  }
}
