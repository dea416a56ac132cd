package org.onionmx.jakarta.mail;

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
