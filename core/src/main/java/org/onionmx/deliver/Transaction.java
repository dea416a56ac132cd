package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.onionmx.deliver.SessionTransport.Exchange;
import org.onionmx.resolve.OnionTarget;

/**
 * One message transaction on a session, and its reading: a result per recipient, from the session's
 * transcript of replies (MAIL FROM, each RCPT TO, DATA, the final ".") and from whether the final
 * "." was sent before the connection failed.
 */
final class Transaction {
  /**
   * What a transaction gave.
   *
   * @param results one result per recipient tried; {@link RecipientResult.Deferred} ones may be
   *     tried on another target
   * @param reusable the session is in a clean state and may carry the next message
   * @param brokeBeforeMail the connection failed before MAIL FROM was answered: nothing was sent,
   *     so on a reused session the stale connection is the likely cause
   */
  record Outcome(Map<String, RecipientResult> results, boolean reusable, boolean brokeBeforeMail) {}

  private Transaction() {}

  static Outcome run(
      SmtpSession session, OutgoingMessage message, List<String> recipients, OnionTarget target) {
    SessionTransport transport = session.transport();
    message.setMailExtension(mailParameters(transport, message));
    // RFC 6531: a non-ASCII local part goes only with SMTPUTF8, and only where it is offered.
    boolean offered = transport.offersSmtpUtf8();
    boolean senderNeeds = WireAddress.needsSmtpUtf8(message.getEnvelopeFrom());
    boolean utf8 = senderNeeds;
    List<String> sendable = new ArrayList<>();
    Map<String, RecipientResult> unsendable = new LinkedHashMap<>();
    for (String r : recipients) {
      boolean needs = WireAddress.needsSmtpUtf8(WireAddress.of(r));
      if (!offered && (senderNeeds || needs)) {
        String whose = senderNeeds ? "the sender " + message.getEnvelopeFrom() : r;
        unsendable.put(r, failed(r, target, smtpUtf8Missing(whose, target)));
      } else {
        sendable.add(r);
        utf8 |= needs;
      }
    }
    if (sendable.isEmpty()) {
      return new Outcome(unsendable, true, false); // nothing was said: the session is clean
    }
    Exception error = null;
    transport.beginTransaction(utf8);
    try {
      transport.sendMessage(message, addresses(sendable));
    } catch (MessagingException | RuntimeException e) {
      error = e;
    }
    List<Exchange> log = transport.endTransaction();
    Outcome sent =
        read(sendable, log, transport.endOfDataSent(), error, target, session.isClosed());
    if (unsendable.isEmpty()) {
      return sent;
    }
    Map<String, RecipientResult> all = new LinkedHashMap<>();
    recipients.forEach(r -> all.put(r, sent.results().getOrDefault(r, unsendable.get(r))));
    return new Outcome(all, sent.reusable(), sent.brokeBeforeMail());
  }

  /**
   * The MAIL FROM parameters besides Angus's own. RFC 6152: declare 8-bit content where the server
   * takes it; harmless for 7-bit content, and the content is not known before it is written. RFC
   * 1870: declare the size where the server takes it and it is known, so that a server whose limit
   * it exceeds refuses at MAIL FROM (552) instead of after the whole message crossed Tor.
   */
  private static String mailParameters(SessionTransport transport, OutgoingMessage message) {
    List<String> parameters = new ArrayList<>(2);
    if (transport.supportsExtension("8BITMIME")) {
      parameters.add("BODY=8BITMIME");
    }
    long size = transport.supportsExtension("SIZE") ? message.wireSize() : -1; // scans raw bytes
    if (size >= 0) {
      parameters.add("SIZE=" + size);
    }
    return parameters.isEmpty() ? null : String.join(" ", parameters);
  }

  /** {@code whose}: the address that needs SMTPUTF8, the sender's named as such. */
  private static Failure smtpUtf8Missing(String whose, OnionTarget target) {
    return new Failure.Unsupported(
        "SMTPUTF8",
        "the local part of "
            + whose
            + " is not ASCII, which needs SMTPUTF8 (RFC 6531), and "
            + target.onion().hostname()
            + " does not offer it; nothing was sent for this recipient");
  }

  static Outcome read(
      List<String> recipients,
      List<Exchange> log,
      boolean endOfDataSent,
      Exception error,
      OnionTarget target,
      boolean closed) {
    Map<String, RecipientResult> out = new LinkedHashMap<>();
    boolean complete = error == null || !Failures.has(error, java.io.IOException.class);
    Exchange mail = find(log, "MAIL FROM:");
    if (mail == null || mail.code() < 0) {
      Failure f = Failures.ofBroken(error);
      recipients.forEach(r -> out.put(r, failed(r, target, f)));
      return new Outcome(out, false, true);
    }
    if (mail.code() / 100 != 2) {
      Failure f = Failures.ofReply(mail.code(), mail.text());
      recipients.forEach(r -> out.put(r, failed(r, target, f)));
      return new Outcome(out, complete && !closed, false);
    }
    List<Exchange> rcpts = log.stream().filter(e -> e.command().startsWith("RCPT TO:")).toList();
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i++) {
      String r = recipients.get(i);
      Exchange e = i < rcpts.size() ? rcpts.get(i) : null;
      if (e == null || e.code() < 0) {
        out.put(r, failed(r, target, Failures.ofBroken(error)));
        complete = false;
      } else if (e.code() / 100 == 2) {
        accepted.add(r);
      } else {
        out.put(r, failed(r, target, Failures.ofReply(e.code(), e.text())));
      }
    }
    if (!accepted.isEmpty()) {
      Exchange data = find(log, "DATA");
      Exchange dot = find(log, ".");
      for (String r : accepted) {
        RecipientResult result;
        if (data == null || data.code() < 0) {
          result = failed(r, target, Failures.ofBroken(error));
          complete = false;
        } else if (data.code() != 354) {
          result = failed(r, target, Failures.ofReply(data.code(), data.text()));
        } else if (dot != null && dot.code() / 100 == 2) {
          result = new RecipientResult.Accepted(r, target, dot.code(), Failures.clean(dot.text()));
        } else if (dot != null && dot.code() >= 400 && dot.code() <= 599) {
          result = failed(r, target, Failures.ofReply(dot.code(), dot.text()));
        } else if (endOfDataSent) {
          result = new RecipientResult.StatusUnknown(r, target, Failures.ofBroken(error));
          complete = false;
        } else {
          result = failed(r, target, Failures.ofBroken(error));
          complete = false;
        }
        out.put(r, result);
      }
    }
    // keep the envelope order
    Map<String, RecipientResult> ordered = new LinkedHashMap<>();
    recipients.forEach(r -> ordered.put(r, out.get(r)));
    return new Outcome(ordered, complete && !closed, false);
  }

  /** Deferred for a temporary failure, rejected for a permanent one. */
  static RecipientResult failed(String recipient, OnionTarget target, Failure failure) {
    return failure.temporary()
        ? new RecipientResult.Deferred(recipient, target, failure)
        : new RecipientResult.Rejected(recipient, target, failure);
  }

  private static Exchange find(List<Exchange> log, String command) {
    for (Exchange e : log) {
      if (command.endsWith(":") ? e.command().startsWith(command) : e.command().equals(command)) {
        return e;
      }
    }
    return null;
  }

  private static InternetAddress[] addresses(List<String> recipients) {
    InternetAddress[] a = new InternetAddress[recipients.size()];
    for (int i = 0; i < a.length; i++) {
      try {
        a[i] = new InternetAddress(WireAddress.of(recipients.get(i)), true);
      } catch (AddressException e) {
        throw new IllegalArgumentException(recipients.get(i), e); // the envelope checked them
      }
    }
    return a;
  }
}
