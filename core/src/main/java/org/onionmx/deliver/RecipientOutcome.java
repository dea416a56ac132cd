package org.onionmx.deliver;

import java.util.Objects;
import org.onionmx.resolve.Resolution;

/**
 * What became of one recipient of an {@link OnionSender#send} call: the address as the caller
 * wrote it, and either its onion delivery's result or why nothing was delivered to it. Every
 * recipient given gets exactly one outcome, duplicates included.
 */
public sealed interface RecipientOutcome
    permits RecipientOutcome.Onion,
        RecipientOutcome.NoRoute,
        RecipientOutcome.CouldNotTell,
        RecipientOutcome.InvalidAddress {

  /** The recipient exactly as given to {@code send}. */
  String recipient();

  /** True if a server took responsibility for the message for this recipient. */
  default boolean accepted() {
    return this instanceof Onion onion && onion.result() instanceof RecipientResult.Accepted;
  }

  /**
   * The domain has an onion route and delivery over Tor was tried: {@code result} tells how it
   * ended (accepted, rejected, deferred or status unknown).
   *
   * @param recipient the recipient as given
   * @param route the route delivered on
   * @param result the delivery's result for this mailbox (its {@code recipient()} is the address
   *     as it went into {@code RCPT TO}, with the domain normalised)
   */
  record Onion(String recipient, Resolution.Routed route, RecipientResult result)
      implements RecipientOutcome {
    /** Checks that no component is null. */
    public Onion {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * A definite "no onion route" for the recipient's domain: nothing was sent. Whether the clearnet
   * may carry it is the caller's policy.
   *
   * @param recipient the recipient as given
   * @param resolution the resolver's answer
   */
  record NoRoute(String recipient, Resolution.NoOnionRoute resolution)
      implements RecipientOutcome {
    /** Checks that no component is null. */
    public NoRoute {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(resolution, "resolution");
    }
  }

  /**
   * The look-up of the recipient's domain failed: a temporary failure, nothing was sent, and the
   * clearnet is never the answer to it. Retry later.
   *
   * @param recipient the recipient as given
   * @param resolution the resolver's answer
   */
  record CouldNotTell(String recipient, Resolution.CouldNotTell resolution)
      implements RecipientOutcome {
    /** Checks that no component is null. */
    public CouldNotTell {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(resolution, "resolution");
    }
  }

  /**
   * Not a deliverable address (no domain, a domain that is not a valid host name, an address
   * {@link Envelope} refuses): nothing was sent. Permanent.
   *
   * @param recipient the recipient as given
   * @param reason why, in words
   */
  record InvalidAddress(String recipient, String reason) implements RecipientOutcome {
    /** Checks that no component is null. */
    public InvalidAddress {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
