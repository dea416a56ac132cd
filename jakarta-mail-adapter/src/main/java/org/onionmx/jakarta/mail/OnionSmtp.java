package org.onionmx.jakarta.mail;

import jakarta.mail.MessagingException;
import java.util.Objects;
import java.util.Properties;

/** Constants and the one-call setup for the {@code onion-smtp} Jakarta Mail transport. */
public final class OnionSmtp {
  /** The protocol name to give {@code Session.getTransport} or Spring's {@code setProtocol}. */
  public static final String PROTOCOL = "onion-smtp";

  private OnionSmtp() {}

  /**
   * Makes {@code onion-smtp} the session's transport for all mail: sets {@code
   * mail.transport.protocol} (read by {@code Session.getTransport()}) and {@code
   * mail.transport.protocol.rfc822} (read by {@code Transport.send}, which ignores the former for
   * Internet addresses). Other properties are left as they are.
   *
   * @param sessionProperties the properties the {@code Session} will be created with
   * @return {@code sessionProperties}, for chaining
   * @throws NullPointerException if {@code sessionProperties} is null
   */
  public static Properties useForAllMail(Properties sessionProperties) {
    Objects.requireNonNull(sessionProperties, "sessionProperties");
    sessionProperties.setProperty("mail.transport.protocol", PROTOCOL);
    sessionProperties.setProperty("mail.transport.protocol.rfc822", PROTOCOL);
    return sessionProperties;
  }

  /**
   * Holds the delivery stack that {@code onion-smtp} transports configured by {@code
   * sessionProperties} share, building it if none is open: for code that calls the core's resolver
   * or mailer directly and must use the same ones as the transports (the same sessions, the same
   * health monitor), say a dependency-injection container exposing them as beans. Give it back with
   * {@link OnionSmtpStack#close()}.
   *
   * @param sessionProperties the properties the transports' {@code Session} is created with; only
   *     the {@code mail.onion-smtp.*} keys (and the two warned about) select the stack
   * @throws MessagingException as {@code OnionSmtpTransport.connect} does: an unknown key, a bad
   *     value, a map that cannot be read, a control port that refuses the credentials
   */
  public static OnionSmtpStack stack(Properties sessionProperties) throws MessagingException {
    return OnionSmtpStack.open(sessionProperties);
  }

  /**
   * Closes every delivery stack the {@code onion-smtp} transports of this class loader share: open
   * onion sessions end with {@code QUIT}, Tor control connections close, the threads stop. Call it
   * when the application stops or is redeployed (a servlet context listener, Spring's {@code
   * destroy}); stacks also close by themselves once idle for {@code mail.onion-smtp.idle-timeout}.
   * A transport still connected fails its next send; new ones work as before.
   */
  public static void shutdown() {
    SharedStacks.instance().shutdown();
  }
}
