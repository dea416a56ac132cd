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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.deliver.RecipientOutcome;
import org.onionmx.deliver.SendReport;
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
 * <p>Transports whose {@code mail.onion-smtp.*} configuration is equal share one delivery stack:
 * the map (read once, and again when its files change on disk), the resolver with its SRV cache,
 * the pool of open onion sessions and the Tor health monitor. So {@code Transport.send}, which
 * connects and closes a transport for every message, reuses onion sessions as one long-connected
 * transport does. A stack is closed once no transport has used it for {@code
 * mail.onion-smtp.idle-timeout}; {@link OnionSmtp#shutdown()} closes them all. Recipients are
 * grouped by the core's {@link OnionSender}: by normalised domain, each mailbox sent once, every
 * address reported.
 */
public final class OnionSmtpTransport extends Transport {
  private SharedStacks.Lease lease;
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
      settings = OnionSmtpSettings.from(session);
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
    lease = SharedStacks.instance().acquire(settings);
    relay = clearnet;
    setConnected(true);
    notifyConnectionListeners(ConnectionEvent.OPENED);
  }

  /**
   * The Tor health monitor of this connection: onion failures per destination, recoveries ({@code
   * NEWNYM}, with {@code mail.onion-smtp.control.*} set), bootstrap. Poll its {@link
   * TorHealth#snapshot() snapshot} or {@link TorHealth#addListener add a listener}. Transports with
   * the same {@code mail.onion-smtp.*} configuration share one monitor.
   *
   * @throws IllegalStateException if not connected
   * @throws MessagingException if {@link OnionSmtp#shutdown()} closed the shared stack
   */
  public synchronized TorHealth health() throws MessagingException {
    if (lease == null) {
      throw new IllegalStateException("not connected");
    }
    return lease.stack().health;
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
   * @throws MessagingException if {@code message} is not a {@code MimeMessage}, or the message has
   *     no sender (no envelope-from, {@code mail.smtp.from} or From); nothing was sent then
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
    OnionStack stack = lease.stack();
    SendResults results = new SendResults(addresses);
    List<Address> recipients = new ArrayList<>();
    List<String> mailboxes = new ArrayList<>();
    for (Address a : addresses) {
      if (a instanceof InternetAddress ia && ia.getAddress() != null) {
        recipients.add(a);
        mailboxes.add(ia.getAddress());
      } else {
        results.notAMailAddress(a, null);
      }
    }
    List<Address> relayed = new ArrayList<>();
    Map<Address, Resolution> relayRoutes = new IdentityHashMap<>();
    if (!recipients.isEmpty()) {
      String mailFrom = envelopeFrom(mime);
      byte[] bytes = PrivateMessageId.write(mime); // also fixes the ID the relay sends
      SendReport report = stack.sender.send(mailFrom, mailboxes, bytes);
      for (int i = 0; i < recipients.size(); i++) {
        Address a = recipients.get(i);
        RecipientOutcome outcome = report.get(i);
        if (outcome instanceof RecipientOutcome.Onion onion) {
          results.onion(a, onion.route(), onion.result());
        } else if (outcome instanceof RecipientOutcome.NoRoute none) {
          String refusal = refusal(stack.settings, none.resolution().domain());
          if (refusal == null) {
            relayed.add(a);
            relayRoutes.put(a, none.resolution());
          } else {
            results.refused(a, none.resolution(), refusal);
          }
        } else if (outcome instanceof RecipientOutcome.CouldNotTell unknown) {
          results.couldNotTell(a, unknown.resolution());
        } else if (outcome instanceof RecipientOutcome.InvalidAddress invalid) {
          results.notAMailAddress(a, new IllegalArgumentException(invalid.reason()));
        }
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
  private static String refusal(OnionSmtpSettings settings, String domain) {
    if (settings.requireOnion().contains(domain)) {
      return "it is in " + OnionSmtpSettings.PREFIX + "require-onion";
    }
    if (settings.policy() == OnionSmtpSettings.Policy.ONION_ONLY) {
      return OnionSmtpSettings.PREFIX + "policy is onion-only";
    }
    return null;
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

  /**
   * Closes the relay connection and lets go of the shared onion stack, whose sessions stay open for
   * the next transport with the same configuration until they have been idle for {@code
   * mail.onion-smtp.idle-timeout}.
   */
  @Override
  public synchronized void close() throws MessagingException {
    try {
      if (relay != null) {
        relay.close();
      }
    } finally {
      relay = null;
      if (lease != null) {
        lease.release();
        lease = null;
      }
      super.close();
    }
  }
}
