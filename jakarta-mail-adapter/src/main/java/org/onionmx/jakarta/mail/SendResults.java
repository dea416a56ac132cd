package org.onionmx.jakarta.mail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.event.TransportEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.resolve.Resolution;

/**
 * The outcome of one {@code sendMessage} in Jakarta Mail's terms: valid-sent, valid-unsent and
 * invalid addresses, with one {@link OnionDeliveryException} per address not sent. An address is
 * invalid when a server refused it for good (a 5xx reply) or it is not a mail address; every other
 * failure leaves it valid-unsent. Every list is in the order the addresses were given.
 */
final class SendResults {
  private final Map<Address, Integer> order = new IdentityHashMap<>();
  private final List<Address> sent = new ArrayList<>();
  private final List<Address> unsent = new ArrayList<>();
  private final List<Address> invalid = new ArrayList<>();
  private final List<OnionDeliveryException> failures = new ArrayList<>();

  /** Results for {@code addresses}, reported in this order. */
  SendResults(Address[] addresses) {
    for (int i = addresses.length - 1; i >= 0; i--) {
      order.put(addresses[i], i);
    }
  }

  void sent(Address address) {
    sent.add(address);
  }

  void unsent(OnionDeliveryException failure) {
    unsent.add(failure.getAddress());
    failures.add(failure);
  }

  void invalid(OnionDeliveryException failure) {
    invalid.add(failure.getAddress());
    failures.add(failure);
  }

  /** A domain without an onion route that {@code refusal} keeps off the clearnet. */
  void refused(Address a, Resolution.NoOnionRoute none, String refusal) {
    unsent(
        new OnionDeliveryException(
            a
                + ": "
                + none.domain()
                + " has no onion route ("
                + none.reason()
                + ": "
                + none.detail()
                + ") and "
                + refusal
                + "; nothing was sent",
            a,
            none,
            null,
            null,
            false));
  }

  /** A look-up that could not tell: temporary, and never the clearnet. */
  void couldNotTell(Address a, Resolution.CouldNotTell unknown) {
    unsent(
        new OnionDeliveryException(
            a
                + ": could not tell whether "
                + unknown.domain()
                + " has an onion route ("
                + unknown.reason()
                + ": "
                + unknown.detail()
                + "); temporary failure, not sent over the clearnet",
            a,
            unknown,
            null,
            unknown.cause(),
            true));
  }

  /** Not an Internet address {@code local@domain}, or an invalid domain ({@code cause}). */
  void notAMailAddress(Address a, IllegalArgumentException cause) {
    String why = cause == null ? "not a mail address local@domain" : cause.getMessage();
    invalid(new OnionDeliveryException(a + ": " + why, a, null, null, cause, false));
  }

  /** Records the onion hop's result for {@code address}. */
  void onion(Address address, Resolution.Routed route, RecipientResult result) {
    if (result instanceof RecipientResult.Accepted) {
      sent(address);
      return;
    }
    String where = " at " + result.target().onion().hostname() + ":" + result.target().port();
    if (result instanceof RecipientResult.Rejected r) {
      OnionDeliveryException e =
          failure(address, route, r, "rejected" + where + ": " + describe(r.failure()), false);
      if (r.failure() instanceof Failure.Smtp || r.failure() instanceof Failure.Unsupported) {
        invalid(e);
      } else {
        unsent(e);
      }
    } else if (result instanceof RecipientResult.Deferred d) {
      unsent(
          failure(
              address,
              route,
              d,
              "deferred, last tried" + where + ": " + describe(d.failure()),
              true));
    } else if (result instanceof RecipientResult.StatusUnknown u) {
      unsent(
          failure(
              address,
              route,
              u,
              "status unknown: the message was sent"
                  + where
                  + " but the reply was lost ("
                  + describe(u.failure())
                  + "); retrying may deliver it twice",
              true));
    }
  }

  private static OnionDeliveryException failure(
      Address a, Resolution.Routed route, RecipientResult r, String text, boolean temporary) {
    return new OnionDeliveryException(a + ": " + text, a, route, r, null, temporary);
  }

  /** A failure in words with its code: {@code SMTP 550 ...}, {@code Tor reply 0xF0 ...}. */
  static String describe(Failure failure) {
    if (failure instanceof Failure.Smtp s) {
      return "SMTP " + s.code() + " " + s.text().strip();
    }
    if (failure instanceof Failure.Tor t) {
      return (t.socksCode() < 0 ? "Tor: " : String.format("Tor reply 0x%02X: ", t.socksCode()))
          + t.text();
    }
    if (failure instanceof Failure.Unsupported u) {
      return "not sent, no " + u.extension() + ": " + u.text();
    }
    Failure.Connection c = (Failure.Connection) failure;
    return "connection " + c.kind() + ": " + c.text();
  }

  /** {@code MESSAGE_DELIVERED}, {@code MESSAGE_PARTIALLY_DELIVERED} or {@code NOT_DELIVERED}. */
  int eventType() {
    if (failures.isEmpty()) {
      return TransportEvent.MESSAGE_DELIVERED;
    }
    return sent.isEmpty()
        ? TransportEvent.MESSAGE_NOT_DELIVERED
        : TransportEvent.MESSAGE_PARTIALLY_DELIVERED;
  }

  Address[] sentAddresses() {
    return ordered(sent);
  }

  Address[] unsentAddresses() {
    return ordered(unsent);
  }

  Address[] invalidAddresses() {
    return ordered(invalid);
  }

  private Address[] ordered(List<Address> addresses) {
    return addresses.stream().sorted(Comparator.comparing(order::get)).toArray(Address[]::new);
  }

  /** The exception to throw, or null if every recipient was sent. */
  SendFailedException exception() {
    if (failures.isEmpty()) {
      return null;
    }
    failures.sort(Comparator.comparing(f -> order.get(f.getAddress())));
    for (int i = 1; i < failures.size(); i++) {
      failures.get(i - 1).setNextException(failures.get(i));
    }
    String summary =
        failures.size() == 1
            ? failures.get(0).getMessage()
            : failures.size()
                + " of "
                + (failures.size() + sent.size())
                + " recipients not delivered; first: "
                + failures.get(0).getMessage();
    return new SendFailedException(
        summary, failures.get(0), sentAddresses(), unsentAddresses(), invalidAddresses());
  }

  /** For tests and logs. */
  List<MessagingException> failures() {
    return List.copyOf(failures);
  }
}
