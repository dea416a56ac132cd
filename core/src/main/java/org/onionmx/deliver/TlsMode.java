package org.onionmx.deliver;

/**
 * TLS on the hop from Tor to the onion service's SMTP server. Tor already authenticates the onion
 * service and encrypts end to end, so TLS adds only the recipient domain's own identity.
 *
 * <p>When on, the certificate is checked against the recipient domain (or the name set with {@link
 * OnionMailer.Builder#tlsName}), never against the onion name, or accepted by a pinned SHA-256
 * public-key fingerprint ({@link OnionMailer.Builder#pin}). A certificate that fails the check
 * defers the recipients on that target ({@link Failure.Connection.Kind#TLS}) and delivery moves to
 * the next target: it is never downgraded to plain text.
 */
public enum TlsMode {
  /** No STARTTLS (the default). */
  OFF,
  /** STARTTLS if the server offers it, verified as for {@link #REQUIRED}; plain text if not. */
  OPPORTUNISTIC,
  /** STARTTLS must be offered and verify; otherwise the target fails temporarily (deferred). */
  REQUIRED
}
