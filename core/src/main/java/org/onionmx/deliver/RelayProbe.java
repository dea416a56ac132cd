package org.onionmx.deliver;

import java.util.List;
import java.util.Objects;
import org.onionmx.resolve.OnionTarget;

/**
 * What an onion MX answered when asked to relay for a foreign domain ({@link
 * OnionMailer#probeRelay}). An onion MX that relays is an open relay for everyone on Tor: anyone
 * can send spam through it without leaving an IP address, and the receiving domain takes the blame.
 *
 * @param target the onion MX probed
 * @param verdict the verdict
 * @param detail the verdict in words
 * @param transcript each command sent with the server's reply, in order
 */
public record RelayProbe(
    OnionTarget target, Verdict verdict, String detail, List<String> transcript) {
  /** Copies the transcript; checks that nothing is null. */
  public RelayProbe {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(detail, "detail");
    transcript = List.copyOf(transcript);
  }

  /** The verdict of a relay probe. */
  public enum Verdict {
    /** A recipient at a foreign domain was accepted (250 or 251): do not publish this onion. */
    OPEN_RELAY,
    /** The foreign recipient was refused with a 5xx reply, as it should be. */
    REFUSES_RELAY,
    /** No definite answer: MAIL FROM refused, a 4xx (greylisting?) or a broken session. */
    INCONCLUSIVE,
    /** The onion service could not be reached, or its greeting or EHLO failed. */
    UNREACHABLE
  }
}
