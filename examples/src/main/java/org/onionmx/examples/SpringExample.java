package org.onionmx.examples;

import java.util.Properties;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Spring's {@code JavaMailSenderImpl}: set the protocol to {@code onion-smtp}; the host and port it
 * is given stay the relay for domains without an onion route.
 *
 * <p>Needs spring-context-support on the class path (not in {@code onionmx.jar}). Arguments: FROM
 * TO SOCKS_PORT MAP_FILE RELAY_HOST RELAY_PORT.
 */
public final class SpringExample {
  private SpringExample() {}

  /** Sends one message from {@code args[0]} to {@code args[1]}. */
  public static void main(String[] args) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setProtocol("onion-smtp");
    sender.setHost(args[4]); // the app's relay, as before
    sender.setPort(Integer.parseInt(args[5]));
    Properties props = new Properties();
    props.put("mail.onion-smtp.socks.port", args[2]);
    props.put("mail.onion-smtp.map", args[3]);
    sender.setJavaMailProperties(props);

    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom(args[0]);
    message.setTo(args[1]);
    message.setSubject("Hello from Spring");
    message.setText("JavaMailSenderImpl with protocol onion-smtp.");
    sender.send(message);
    System.out.println("sent to " + args[1]);
  }
}
