/**
 * The Jakarta Mail provider {@code onion-smtp}: a {@link jakarta.mail.Transport} that sends each
 * recipient domain with an onion route over Tor and the rest through the application's ordinary
 * SMTP relay, configured by {@code mail.onion-smtp.*} session properties alone.
 */
package org.onionmx.jakarta.mail;
