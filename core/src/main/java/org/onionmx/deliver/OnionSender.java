package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.onionmx.resolve.DomainNames;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;

/**
 * Sends one message to recipients at any domains: groups them by normalised domain (case, IDNA
 * A-labels, trailing dot), resolves each domain once, delivers each routed group over Tor through
 * an {@link OnionMailer}, and reports one {@link RecipientOutcome} per recipient, in the order given.
 *
 * <ul>
 *   <li>A recipient whose domain has no onion route is {@link RecipientOutcome.NoRoute}, one whose
 *       look-up failed {@link RecipientOutcome.CouldNotTell}: nothing is sent for either, and
 *       nothing ever goes over the clearnet from here.
 *   <li>The same mailbox written twice ({@code bob@Example.org} and {@code bob@example.org.}, or a
 *       Unicode domain and its A-label) gets one {@code RCPT TO} and one outcome per spelling.
 *   <li>Two domains that resolve to the same onion are still delivered as two groups: a route is
 *       never a key, so no recipient can hide behind another domain's.
 * </ul>
 *
 * <p>The local part is kept as written (RFC 5321 leaves its case to the receiver); the domain goes
 * on the wire in its normalised form. Groups are delivered one after another, in the order their
 * first recipient was given. Thread-safe; holds nothing of its own to close.
 */
public final class OnionSender {
  private final OnionResolver resolver;
  private final OnionMailer mailer;

  private OnionSender(OnionResolver resolver, OnionMailer mailer) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.mailer = Objects.requireNonNull(mailer, "mailer");
  }

  /** A sender resolving with {@code resolver} and delivering with {@code mailer}. */
  public static OnionSender of(OnionResolver resolver, OnionMailer mailer) {
    return new OnionSender(resolver, mailer);
  }

  /**
   * Sends {@code message} as {@link OnionMailer#deliver(Resolution.Routed, Envelope, MimeMessage)}
   * does, to every recipient whose domain has an onion route. The message is saved at most once,
   * and only if some domain is routed.
   *
   * @param mailFrom the reverse path, or the empty string for {@code <>}
   * @param recipients the envelope recipients, at least one
   * @param message the message
   * @return one outcome per recipient, in the order given
   * @throws IllegalArgumentException if {@code mailFrom} is not a plain address, there is no
   *     recipient, or the message cannot be saved
   * @throws IllegalStateException if the mailer is closed
   */
  public SendReport send(String mailFrom, List<String> recipients, MimeMessage message) {
    Objects.requireNonNull(message, "message");
    return send(
        mailFrom,
        recipients,
        () -> {
          try {
            return mailer.outgoing(mailFrom, message);
          } catch (MessagingException e) {
            throw new IllegalArgumentException(
                "the message cannot be saved: " + e.getMessage(), e);
          }
        });
  }

  /**
   * Sends raw RFC 5322 bytes, as {@link OnionMailer#deliver(Resolution.Routed, Envelope, byte[])}
   * does, to every recipient whose domain has an onion route. Do not change the array during the
   * call.
   *
   * @param mailFrom the reverse path, or the empty string for {@code <>}
   * @param recipients the envelope recipients, at least one
   * @param rfc5322 the message
   * @return one outcome per recipient, in the order given
   * @throws IllegalArgumentException if {@code mailFrom} is not a plain address or there is no
   *     recipient
   * @throws IllegalStateException if the mailer is closed
   */
  public SendReport send(String mailFrom, List<String> recipients, byte[] rfc5322) {
    Objects.requireNonNull(rfc5322, "rfc5322");
    return send(mailFrom, recipients, () -> mailer.outgoing(mailFrom, rfc5322));
  }

  private SendReport send(
      String mailFrom, List<String> recipients, Supplier<OutgoingMessage> outgoing) {
    Objects.requireNonNull(mailFrom, "mailFrom");
    List<String> given = List.copyOf(recipients);
    if (given.isEmpty()) {
      throw new IllegalArgumentException("no recipient");
    }
    if (!mailFrom.isEmpty()) {
      Envelope.check("mailFrom", mailFrom);
    }
    RecipientOutcome[] outcomes = new RecipientOutcome[given.size()];
    Map<String, Group> groups = group(given, outcomes);

    Map<String, CompletableFuture<Resolution>> lookups = new LinkedHashMap<>();
    for (Group g : groups.values()) {
      try {
        lookups.put(g.domain, resolver.resolveAsync(g.domain).toCompletableFuture());
      } catch (IllegalArgumentException e) { // a .onion domain that is no v3 address, say
        g.each((recipient, i) -> outcomes[i] = invalid(recipient, e));
      }
    }
    OutgoingMessage message = null;
    for (Map.Entry<String, CompletableFuture<Resolution>> lookup : lookups.entrySet()) {
      Group g = groups.get(lookup.getKey());
      Resolution resolution = await(lookup.getKey(), lookup.getValue());
      if (resolution instanceof Resolution.Routed route) {
        if (message == null) {
          message = outgoing.get();
        }
        DeliveryReport report =
            mailer.deliver(route, new Envelope(mailFrom, g.mailboxes()), message);
        for (RecipientResult result : report.results()) {
          for (int i : g.byMailbox.get(result.recipient())) {
            outcomes[i] = new RecipientOutcome.Onion(given.get(i), route, result);
          }
        }
      } else if (resolution instanceof Resolution.NoOnionRoute none) {
        g.each((recipient, i) -> outcomes[i] = new RecipientOutcome.NoRoute(recipient, none));
      } else if (resolution instanceof Resolution.CouldNotTell failed) {
        g.each((recipient, i) -> outcomes[i] = new RecipientOutcome.CouldNotTell(recipient, failed));
      }
    }
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) { // a bug if ever: say so rather than drop the recipient
        throw new IllegalStateException("no outcome for recipient " + i + ", " + given.get(i));
      }
    }
    return new SendReport(List.of(outcomes));
  }

  /** Groups the valid recipients by normalised domain; records an outcome for the others. */
  private static Map<String, Group> group(List<String> given, RecipientOutcome[] outcomes) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < given.size(); i++) {
      String recipient = Objects.requireNonNull(given.get(i), "recipient");
      int at = recipient.lastIndexOf('@');
      if (at < 1 || at == recipient.length() - 1) {
        outcomes[i] = new RecipientOutcome.InvalidAddress(recipient, "not local@domain");
        continue;
      }
      String mailbox;
      String domain;
      try {
        domain = DomainNames.normalize(recipient.substring(at + 1));
        mailbox = recipient.substring(0, at + 1) + domain;
        Envelope.check("recipient", mailbox);
      } catch (IllegalArgumentException e) { // InvalidDomainException among them
        outcomes[i] = invalid(recipient, e);
        continue;
      }
      groups.computeIfAbsent(domain, Group::new).add(mailbox, i, recipient);
    }
    return groups;
  }

  private static RecipientOutcome invalid(String recipient, IllegalArgumentException e) {
    return new RecipientOutcome.InvalidAddress(recipient, e.getMessage());
  }

  /** The resolver's answer; a look-up that failed unexpectedly could not tell, never "no route". */
  private static Resolution await(String domain, CompletableFuture<Resolution> lookup) {
    try {
      return lookup.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new Resolution.CouldNotTell(
          domain,
          Resolution.FailureReason.NETWORK,
          "the look-up failed: " + cause,
          cause);
    }
  }

  /** The recipients of one domain: each mailbox once, with the indexes of all its spellings. */
  private static final class Group {
    final String domain;
    final Map<String, List<Integer>> byMailbox = new LinkedHashMap<>();
    final List<String> spellings = new ArrayList<>();
    final List<Integer> indexes = new ArrayList<>();

    Group(String domain) {
      this.domain = domain;
    }

    void add(String mailbox, int index, String spelling) {
      byMailbox.computeIfAbsent(mailbox, m -> new ArrayList<>()).add(index);
      spellings.add(spelling);
      indexes.add(index);
    }

    List<String> mailboxes() {
      return new ArrayList<>(byMailbox.keySet());
    }

    void each(java.util.function.ObjIntConsumer<String> action) {
      for (int k = 0; k < indexes.size(); k++) {
        action.accept(spellings.get(k), indexes.get(k));
      }
    }
  }
}
