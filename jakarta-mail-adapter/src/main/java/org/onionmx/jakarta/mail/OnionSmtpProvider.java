package org.onionmx.jakarta.mail;

import jakarta.mail.Provider;

/**
 * Registers {@link OnionSmtpTransport} as the Jakarta Mail transport for protocol {@value
 * OnionSmtp#PROTOCOL}. Jakarta Mail finds it through {@code ServiceLoader} ({@code
 * META-INF/services/jakarta.mail.Provider}); the jar also lists the transport in {@code
 * META-INF/jakarta.providers} and {@code META-INF/javamail.providers}, since Jakarta Mail reads
 * only one of those two names. In a shaded jar, merge those files with Angus Mail's.
 */
public final class OnionSmtpProvider extends Provider {
  /** The provider, as {@code ServiceLoader} creates it. */
  public OnionSmtpProvider() {
    super(
        Type.TRANSPORT,
        OnionSmtp.PROTOCOL,
        OnionSmtpTransport.class.getName(),
        "onionmx",
        OnionSmtpProvider.class.getPackage().getImplementationVersion());
  }
}
