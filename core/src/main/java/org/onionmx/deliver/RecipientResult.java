package org.onionmx.deliver;

import java.util.Objects;
import org.onionmx.resolve.OnionTarget;

/**
 * What happened to one envelope recipient. Every recipient of a delivery gets exactly one result.
 */
public sealed interface RecipientResult
    permits RecipientResult.Accepted,
        RecipientResult.Rejected,
        RecipientResult.Deferred,
        RecipientResult.StatusUnknown {

  /** The recipient address, as given in the envelope. */
  String recipient();

  /** The target that gave this result (the last one tried for deferred recipients). */
  OnionTarget target();

  /**
   * The server took responsibility for the message (2xx after the final ".").
   *
   * @param recipient the recipient
   * @param target the target that accepted
   * @param code the reply code to the final "." (250)
   * @param text the reply text, often naming the server's queue id
   */
  record Accepted(String recipient, OnionTarget target, int code, String text)
      implements RecipientResult {
    /** Checks that no component is null. */
    public Accepted {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A permanent failure: a 5xx SMTP reply, or a permanent failure on every target. Do not retry;
   * bounce.
   *
   * @param recipient the recipient
   * @param target the target that failed last
   * @param failure why
   */
  record Rejected(String recipient, OnionTarget target, Failure failure)
      implements RecipientResult {
    /** Checks that no component is null. */
    public Rejected {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * A temporary failure on every target tried (4xx, a temporary Tor reply, a timeout, a cut before
   * the end of the message, a TLS failure): retry later.
   *
   * @param recipient the recipient
   * @param target the last target tried
   * @param failure the last temporary failure
   */
  record Deferred(String recipient, OnionTarget target, Failure failure)
      implements RecipientResult {
    /** Checks that no component is null. */
    public Deferred {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * The whole message, with its final ".", was sent and the recipient had been accepted, but the
   * connection failed before the server's reply: the server may or may not have taken the
   * message. Retrying risks a duplicate, not retrying risks a loss; the caller decides. Never tried
   * on another target.
   *
   * @param recipient the recipient
   * @param target the target the message went to
   * @param failure what cut the connection
   */
  record StatusUnknown(String recipient, OnionTarget target, Failure failure)
      implements RecipientResult {
    /** Checks that no component is null. */
    public StatusUnknown {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
