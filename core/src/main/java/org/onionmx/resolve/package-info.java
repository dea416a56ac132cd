/**
 * Turning a mail domain into the onion services that take its mail: {@link
 * org.onionmx.resolve.OnionAddress} values, the pinned {@code OnionMap}, DNS SRV look-ups with
 * DNSSEC, and the {@code OnionResolver} that chains them. Outcomes are {@link
 * org.onionmx.resolve.Resolution}s: routed, no onion route, or could not tell.
 */
package org.onionmx.resolve;
