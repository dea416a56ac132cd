package org.onionmx.tor;

import java.util.Locale;
import java.util.Objects;

/**
 * Which streams may share a Tor circuit. The connector turns an isolation key into SOCKS user
 * name/password credentials, and Tor (with {@code IsolateSOCKSAuth}, on by default) never puts
 * streams with different credentials on the same circuit. Delivery and the Jakarta Mail adapter
 * both use {@link #isolationKey} so that they agree on what "the same" means.
 *
 * <p>Immutable and thread-safe.
 */
public enum IsolationMode {
  /**
   * One circuit per destination host (the default): connections to the same onion reuse its
   * circuit, which is fast (a reused circuit answers in milliseconds, a new one takes tenths of a
   * second), while no circuit carries mail for two destinations, so no relay or onion service can
   * link them.
   */
  PER_DESTINATION,
  /**
   * One circuit per message and destination, like {@code torsocks -i}: nothing links two messages
   * to the same destination, at the cost of a new circuit (and rendezvous) per message.
   */
  PER_MESSAGE,
  /** No isolation: no credentials, Tor's default circuit sharing (by SocksPort and destination). */
  NONE;

  /**
   * The isolation key for a connection. The host is compared without case and without a trailing
   * dot, as {@code X.onion.} and {@code x.onion} name the same service.
   *
   * @param destinationHost the host connected to, typically an onion name
   * @param messageId something unique to the message (a queue id or Message-ID); used only by
   *     {@link #PER_MESSAGE}, may be null otherwise
   * @return the key for {@link StreamOpener#open}, or null for {@link #NONE}
   * @throws NullPointerException if {@code destinationHost} is null, or {@code messageId} is null
   *     for {@link #PER_MESSAGE}
   */
  public String isolationKey(String destinationHost, String messageId) {
    Objects.requireNonNull(destinationHost, "destinationHost");
    String host = destinationHost.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    switch (this) {
      case PER_DESTINATION:
        return "destination:" + host;
      case PER_MESSAGE:
        Objects.requireNonNull(messageId, "messageId (needed for PER_MESSAGE isolation)");
        // Length-prefixed, so no host/message pair can collide with another.
        return "message:" + host.length() + ":" + host + ":" + messageId;
      case NONE:
      default:
        return null;
    }
  }
}
