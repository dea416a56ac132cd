/**
 * SMTP delivery to onion services over Tor, using Angus Mail's SMTP on a socket that Tor opened,
 * with per-recipient results and session reuse.
 */
package org.onionmx.deliver;
