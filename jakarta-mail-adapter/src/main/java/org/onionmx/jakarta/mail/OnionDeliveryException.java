package org.onionmx.jakarta.mail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import java.util.Objects;
import java.util.Optional;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.resolve.Resolution;

/**
 * Why one recipient was not delivered by {@link OnionSmtpTransport}. A {@code SendFailedException}
 * from the transport chains one of these per failed recipient: walk them with {@link
 * #getNextException()}, as with Angus Mail's {@code SMTPAddressFailedException}. Each carries its
 * cause as data: the {@linkplain #resolution() resolution} of the recipient's domain, the onion
 * hop's {@linkplain #recipientResult() result} (SMTP reply or Tor reply code), or the exception
 * from the {@linkplain #relayFailure() clearnet relay}; {@link #getCause()} is the underlying
 * exception where there is one.
 */
public final class OnionDeliveryException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final transient Address address;
  private final transient Resolution resolution;
  private final transient RecipientResult result;
  private final transient Throwable cause;
  private final boolean temporary;

  OnionDeliveryException(
      String message,
      Address address,
      Resolution resolution,
      RecipientResult result,
      Throwable cause,
      boolean temporary) {
    super(message);
    this.address = Objects.requireNonNull(address, "address");
    this.resolution = resolution;
    this.result = result;
    this.cause = cause;
    this.temporary = temporary;
  }

  /** The recipient that was not delivered. */
  public Address getAddress() {
    return address;
  }

  /**
   * How the recipient's domain resolved; empty if the address was not a valid mail address. A
   * {@link Resolution.CouldNotTell} here means a temporary failure that was never sent over the
   * clearnet; a {@link Resolution.NoOnionRoute} with no {@link #relayFailure()} means the policy
   * forbade the clearnet.
   */
  public Optional<Resolution> resolution() {
    return Optional.ofNullable(resolution);
  }

  /** The onion hop's result for this recipient, if the message went to an onion service. */
  public Optional<RecipientResult> recipientResult() {
    return Optional.ofNullable(result);
  }

  /** The onion hop's failure (SMTP reply, Tor reply code, connection), if there was one. */
  public Optional<Failure> failure() {
    if (result instanceof RecipientResult.Rejected r) {
      return Optional.of(r.failure());
    }
    if (result instanceof RecipientResult.Deferred d) {
      return Optional.of(d.failure());
    }
    if (result instanceof RecipientResult.StatusUnknown u) {
      return Optional.of(u.failure());
    }
    return Optional.empty();
  }

  /**
   * The exception from the session's ordinary {@code smtp} transport, if the recipient went to the
   * clearnet relay (typically Angus Mail's {@code SMTPAddressFailedException} with the reply code).
   */
  public Optional<MessagingException> relayFailure() {
    return cause instanceof MessagingException m && resolution instanceof Resolution.NoOnionRoute
        ? Optional.of(m)
        : Optional.empty();
  }

  /**
   * True if a later attempt may succeed (a 4xx reply, a temporary Tor failure, a look-up that could
   * not tell, a status unknown); false if retrying the same way will fail again.
   */
  public boolean isTemporary() {
    return temporary;
  }

  /** The underlying exception (relay, DNS, address syntax), or null. */
  @Override
  public synchronized Throwable getCause() {
    return cause;
  }
}
