/**
 * SMTP delivery to onion services over Tor: {@link org.onionmx.deliver.OnionMailer} runs Angus
 * Mail's SMTP on streams that Tor opened, tries a route's targets in order, reports a {@link
 * org.onionmx.deliver.RecipientResult} per recipient, reuses sessions per onion, and checks STARTTLS
 * certificates against the recipient domain or a pinned key, never the onion name.
 */
package org.onionmx.deliver;
