package org.onionmx.jakarta.mail;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.URLName;
import jakarta.mail.event.ConnectionEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.TorHealth;

/**
 * The {@code onion-smtp} transport. Recipients are grouped by domain and each domain is resolved
 * once:
 *
 * <ul>
 *   <li>an onion route (from the map, SRV, or a {@code .onion} domain): delivered over Tor by the
 *       core's {@link OnionMailer};
 *   <li>no onion route: under {@code mail.onion-smtp.policy=onion-preferred} (the default) sent
 *       through the session's ordinary {@code smtp} transport, the relay the application used
 *       before; under {@code onion-only}, or for a domain in {@code mail.onion-smtp.require-onion},
 *       not sent, and failed with the reason;
 *   <li>a look-up that could not tell: a temporary failure for that domain, never the clearnet.
 * </ul>
 *
 * <p>{@link #connect()} needs no host: routes are per recipient. The host, port, user and password
 * given to {@code connect} (else {@code mail.smtp.*}) are the relay's. Every {@code sendMessage}
 * fires one transport event ({@code MESSAGE_DELIVERED}, {@code MESSAGE_PARTIALLY_DELIVERED}, {@code
 * MESSAGE_NOT_DELIVERED}) and, unless every recipient was sent, throws a {@link
 * SendFailedException} with the valid-sent, valid-unsent and invalid addresses and one {@link
 * OnionDeliveryException} per failed recipient.
 *
 * <p>Nothing names this machine: the onion hop's EHLO is {@code mail.onion-smtp.ehlo} (default
 * {@value OnionMailer#DEFAULT_EHLO_NAME}), and so is the relay's unless {@code mail.smtp.localhost}
 * is set; a Message-ID that Jakarta Mail built from the local host name is replaced (see {@code
 * docs/jakarta-mail.md}). Onion names go to Tor as names.
 *
 * <p>Each connected transport owns its resolver (with its SRV cache) and its mailer (with its pool
 * of open onion sessions), built from the session properties at {@code connect} and dropped at
 * {@link #close()}: keep one transport connected to send many messages.
 */
public final class OnionSmtpTransport extends Transport {
  private OnionStack stack;
  private ClearnetRelay relay;

  /**
   * Called by Jakarta Mail's {@code Session.getTransport}.
   *
   * @param session the session whose properties configure the transport
   * @param urlName the URL name, or null
   */
  public OnionSmtpTransport(Session session, URLName urlName) {
    super(session, urlName);
  }

  /**
   * Reads the {@code mail.onion-smtp.*} properties and gets ready to send; opens no connection. The
   * arguments, when not null or -1, are the clearnet relay's (else {@code mail.onion-smtp.host},
   * {@code .port}, {@code .user}, then the {@code smtp} transport's own {@code mail.smtp.*}).
   *
   * @throws MessagingException naming the property, for an unknown {@code mail.onion-smtp.*} key, a
   *     bad value, a map that cannot be read, or a Tor control port ({@code
   *     mail.onion-smtp.control.*}) that refuses the password or cookie; a control port that does
   *     not answer is only logged, and delivery goes on without {@code NEWNYM} recovery
   * @throws IllegalStateException if already connected
   */
  @Override
  public synchronized void connect(String host, int port, String user, String password)
      throws MessagingException {
    if (isConnected()) {
      throw new IllegalStateException("already connected");
    }
    OnionSmtpSettings settings;
    try {
      settings = OnionSmtpSettings.from(session.getProperties());
    } catch (IllegalArgumentException e) {
      throw new MessagingException(e.getMessage(), e);
    }
    String ehlo = settings.ehlo() != null ? settings.ehlo() : OnionMailer.DEFAULT_EHLO_NAME;
    int relayPort = port != -1 ? port : ownPort();
    ClearnetRelay clearnet =
        new ClearnetRelay(
            session,
            ehlo,
            host != null ? host : own("host"),
            relayPort,
            user != null ? user : own("user"),
            password);
    stack = OnionStack.open(settings);
    relay = clearnet;
    setConnected(true);
    notifyConnectionListeners(ConnectionEvent.OPENED);
  }

  /**
   * The Tor health monitor of this connection: onion failures per destination, recoveries ({@code
   * NEWNYM}, with {@code mail.onion-smtp.control.*} set), bootstrap. Poll its {@link
   * TorHealth#snapshot() snapshot} or {@link TorHealth#addListener add a listener}. A new monitor
   * comes with each {@code connect}.
   *
   * @throws IllegalStateException if not connected
   */
  public synchronized TorHealth health() {
    if (stack == null) {
      throw new IllegalStateException("not connected");
    }
    return stack.health;
  }

  /** Always true: connecting opens nothing, routes are chosen per recipient. */
  @Override
  protected boolean protocolConnect(String host, int port, String user, String password) {
    return true;
  }

  private String own(String key) {
    return session.getProperty(OnionSmtpSettings.PREFIX + key);
  }

  private int ownPort() throws MessagingException {
    String p = own("port");
    if (p == null) {
      return -1;
    }
    try {
      return Integer.parseInt(p.strip());
    } catch (NumberFormatException e) {
      throw new MessagingException(OnionSmtpSettings.PREFIX + "port must be a number, not " + p);
    }
  }

  /**
   * Sends {@code message} to {@code addresses} as described on the class.
   *
   * @throws SendFailedException if a recipient was not sent; its chain holds one {@link
   *     OnionDeliveryException} per such recipient
   * @throws MessagingException if {@code message} is not a {@code MimeMessage}, or onion-routed
   *     recipients exist and the message has no sender (no envelope-from, {@code mail.smtp.from} or
   *     From); nothing was sent then
   * @throws IllegalStateException if not connected
   */
  @Override
  public synchronized void sendMessage(Message message, Address[] addresses)
      throws MessagingException {
    if (!isConnected()) {
      throw new IllegalStateException("not connected");
    }
    if (!(message instanceof MimeMessage mime)) {
      throw new MessagingException(
          "onion-smtp sends MimeMessages only, not " + message.getClass().getName());
    }
    if (addresses == null || addresses.length == 0) {
      throw new SendFailedException("no recipient addresses");
    }
    SendResults results = new SendResults(addresses);
    Map<String, List<Address>> byDomain = groupByDomain(addresses, results);
    Map<String, CompletableFuture<Resolution>> lookups = new LinkedHashMap<>();
    byDomain.forEach((domain, to) -> resolve(domain, to, lookups, results));

    Map<String, Resolution> resolved = new LinkedHashMap<>();
    lookups.forEach((domain, lookup) -> resolved.put(domain, lookup.join()));
    List<Address> relayed = new ArrayList<>();
    Map<Address, Resolution> relayRoutes = new LinkedHashMap<>();
    Map<Resolution.Routed, List<Address>> routed = new LinkedHashMap<>();
    for (Map.Entry<String, Resolution> e : resolved.entrySet()) {
      List<Address> to = byDomain.get(e.getKey());
      Resolution r = e.getValue();
      if (r instanceof Resolution.Routed route) {
        routed.put(route, to);
      } else if (r instanceof Resolution.NoOnionRoute none) {
        String refusal = refusal(none.domain());
        if (refusal == null) {
          relayed.addAll(to);
          to.forEach(a -> relayRoutes.put(a, none));
        } else {
          to.forEach(a -> results.refused(a, none, refusal));
        }
      } else if (r instanceof Resolution.CouldNotTell unknown) {
        to.forEach(a -> results.couldNotTell(a, unknown));
      }
    }
    if (!routed.isEmpty() || !relayed.isEmpty()) {
      String mailFrom = routed.isEmpty() ? null : envelopeFrom(mime);
      byte[] bytes = PrivateMessageId.write(mime); // also fixes the ID the relay sends
      for (Map.Entry<Resolution.Routed, List<Address>> e : routed.entrySet()) {
        deliver(e.getKey(), mailFrom, e.getValue(), bytes, results);
      }
    }
    if (!relayed.isEmpty()) {
      relay.send(mime, relayed, relayRoutes, results);
    }
    notifyTransportListeners(
        results.eventType(),
        results.sentAddresses(),
        results.unsentAddresses(),
        results.invalidAddresses(),
        message);
    SendFailedException failed = results.exception();
    if (failed != null) {
      throw failed;
    }
  }

  /** Why a domain without a route must not go to the relay, or null if it may. */
  private String refusal(String domain) {
    if (stack.settings.requireOnion().contains(domain)) {
      return "it is in " + OnionSmtpSettings.PREFIX + "require-onion";
    }
    if (stack.settings.policy() == OnionSmtpSettings.Policy.ONION_ONLY) {
      return OnionSmtpSettings.PREFIX + "policy is onion-only";
    }
    return null;
  }

  /** Groups Internet addresses by lower-case domain; records the others as invalid. */
  private static Map<String, List<Address>> groupByDomain(
      Address[] addresses, SendResults results) {
    Map<String, List<Address>> byDomain = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Address a : addresses) {
      String address = a instanceof InternetAddress ia ? ia.getAddress() : null;
      int at = address == null ? -1 : address.lastIndexOf('@');
      if (at < 1 || at == address.length() - 1) {
        results.notAMailAddress(a, null);
      } else if (seen.add(address)) {
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(a);
      }
    }
    return byDomain;
  }

  private void resolve(
      String domain,
      List<Address> to,
      Map<String, CompletableFuture<Resolution>> lookups,
      SendResults results) {
    try {
      lookups.put(domain, stack.resolver.resolveAsync(domain).toCompletableFuture());
    } catch (IllegalArgumentException e) { // an invalid domain or .onion name
      to.forEach(a -> results.notAMailAddress(a, e));
    }
  }

  private void deliver(
      Resolution.Routed route, String mailFrom, List<Address> to, byte[] bytes, SendResults results)
      throws MessagingException {
    List<Address> valid = new ArrayList<>(to);
    List<String> recipients = new ArrayList<>();
    to.forEach(a -> recipients.add(((InternetAddress) a).getAddress()));
    Envelope envelope;
    try {
      envelope = new Envelope(mailFrom, recipients);
    } catch (IllegalArgumentException e) { // the core refuses an RCPT TO address: find which
      valid.clear();
      recipients.clear();
      for (Address a : to) {
        String r = ((InternetAddress) a).getAddress();
        try {
          Envelope.of(mailFrom, r);
          valid.add(a);
          recipients.add(r);
        } catch (IllegalArgumentException refused) {
          results.notAMailAddress(a, refused);
        }
      }
      if (valid.isEmpty()) {
        return;
      }
      envelope = new Envelope(mailFrom, recipients);
    }
    DeliveryReport report = stack.mailer.deliver(route, envelope, bytes);
    for (int i = 0; i < valid.size(); i++) {
      results.onion(valid.get(i), route, report.results().get(i)); // in envelope order
    }
  }

  /** The reverse path, as Angus's SMTP transport chooses it, but never the local user or host. */
  private String envelopeFrom(MimeMessage message) throws MessagingException {
    String from = null;
    if (message instanceof SMTPMessage smtp) {
      from = smtp.getEnvelopeFrom();
    }
    if (from == null || from.isBlank()) {
      from = session.getProperty("mail.smtp.from");
    }
    if (from == null || from.isBlank()) {
      Address[] fa = message.getFrom();
      if (fa != null && fa.length > 0 && fa[0] instanceof InternetAddress ia) {
        from = ia.getAddress();
      }
    }
    if (from == null || from.isBlank()) {
      throw new MessagingException(
          "the message has no sender: set From, mail.smtp.from or an SMTPMessage envelope-from");
    }
    from = from.strip();
    if (from.equals("<>")) {
      return "";
    }
    InternetAddress parsed = new InternetAddress(from, true);
    if (!from.equals(parsed.getAddress()) || parsed.getPersonal() != null) {
      throw new MessagingException("the envelope sender '" + from + "' is not a plain address");
    }
    return from;
  }

  /** Closes the relay connection and the onion sessions. */
  @Override
  public synchronized void close() throws MessagingException {
    try {
      if (relay != null) {
        relay.close();
      }
    } finally {
      relay = null;
      if (stack != null) {
        stack.close();
        stack = null;
      }
      super.close();
    }
  }
}
