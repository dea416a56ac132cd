package org.onionmx.deliver;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintStream;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.onionmx.internal.Checks;
import org.onionmx.resolve.DomainNames;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.tor.IsolationMode;
import org.onionmx.tor.StreamOpener;
import org.onionmx.tor.TorHealth;
import org.onionmx.tor.TorSocksConnector;

/**
 * Delivers mail to a domain's onion services over Tor, with Angus Mail's SMTP on streams that Tor
 * opened, and with open sessions reused per onion.
 *
 * <p>{@link #deliver} tries the route's targets in order. A target that fails temporarily (a Tor
 * failure, a timeout, a greeting or EHLO refusal, a TLS failure, 4xx for every recipient) passes
 * the recipients still pending to the next target; a 5xx reply rejects its recipients for good. The
 * report has one {@link RecipientResult} per recipient, never fewer.
 *
 * <p>Nothing names this machine on the way: EHLO sends {@link Builder#ehloName} (default {@value
 * #DEFAULT_EHLO_NAME}), not the local host name; the transport is built without a host in any
 * {@code URLName}, so Jakarta Mail resolves nothing; the onion name goes to Tor as a name.
 *
 * <p>With a {@link Builder#health(TorHealth) health monitor}, every onion stream's outcome is
 * reported to it; when a Tor failure of a delivery makes the monitor signal {@code NEWNYM}, the
 * recipients of that delivery deferred by temporary Tor failures are tried once more, on the fresh
 * circuits.
 *
 * <p>Immutable and thread-safe; build with {@link #newBuilder()}. Owns a pool of open sessions and
 * a thread closing idle ones: {@link #close()} it.
 */
public final class OnionMailer implements AutoCloseable {
  /**
   * The default EHLO name: an address literal of the loopback address. It names nothing, and unlike
   * {@code localhost} it passes receivers that require a fully-qualified name or an address literal
   * (Postfix's {@code reject_non_fqdn_helo_hostname}); the onion service sees connections from its
   * own loopback anyway.
   */
  public static final String DEFAULT_EHLO_NAME = "[127.0.0.1]";

  /** The local address Jakarta Mail falls back to for messages made by {@link #newMessage()}. */
  static final String ANONYMOUS_ADDRESS = "postmaster@onionmx.invalid";

  /** Default SO_TIMEOUT on a session: 5 minutes, RFC 5321's reply timeouts. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Default wait for the reply to a message's final ".": 10 minutes, RFC 5321 section 4.5.3.2.6,
   * since the receiver may scan the message before it answers, and giving up earlier leaves the
   * message's fate unknown while the receiver may still take it.
   */
  public static final Duration DEFAULT_END_OF_DATA_TIMEOUT = Duration.ofMinutes(10);

  /** Default bound of open sessions per destination. */
  public static final int DEFAULT_MAX_SESSIONS_PER_DESTINATION = 4;

  /** Default time an idle session is kept: 60 s, well below servers' usual 300 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** Default idle time after which a session must answer NOOP before it is reused. */
  public static final Duration DEFAULT_HEALTH_CHECK_AFTER = Duration.ofSeconds(5);

  /**
   * Default time a session carries messages before it is closed: 300 s, Postfix's {@code
   * smtp_connection_reuse_time_limit}. A Tor stream stays on its circuit for life, and Tor moves
   * only new streams to a new circuit (after {@code MaxCircuitDirtiness}, 10 minutes by default),
   * so without a limit a busy destination would ride one circuit, slow or not, for ever.
   */
  public static final Duration DEFAULT_MAX_SESSION_AGE = Duration.ofSeconds(300);

  private final SessionSettings sessions;
  private final Clock clock;
  private final StreamOpener opener;
  private final Duration readTimeout;
  private final SessionPool pool;
  private final Session messageSession;
  private final ScheduledExecutorService reaper;
  private final TorHealth health;
  private final Listeners events;

  private OnionMailer(Builder b) {
    this.health = b.health;
    List<DeliveryListener> listeners = new ArrayList<>(b.listeners);
    listeners.add(0, new DebugLog());
    this.events = new Listeners(listeners);
    if (health != null) {
      health.addListener(events::torHealthChanged);
    }
    this.sessions =
        new SessionSettings(
            b.isolation,
            b.ehloName,
            b.pipelining,
            b.endOfDataTimeout.toMillis(),
            b.tls,
            b.tlsNames,
            b.pins,
            b.trustStore,
            b.debugOut);
    this.clock = b.clock;
    this.opener = b.opener != null ? b.opener : TorSocksConnector.newBuilder().build();
    this.readTimeout = b.readTimeout;
    this.pool =
        new SessionPool(
            opener,
            sessions::angusSession,
            clock,
            b.maxSessions,
            b.idleTimeout,
            b.healthCheckAfter,
            b.maxSessionAge,
            b.readTimeout);
    // Jakarta Mail falls back to the OS login and the local host name (a look-up) wherever it
    // needs a local address: Message.setFrom(), Content-IDs. Give it one that names nothing.
    Properties messageProps = new Properties();
    messageProps.put("mail.from", ANONYMOUS_ADDRESS);
    this.messageSession = Session.getInstance(messageProps);
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "onionmx-idle-sessions");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(100, b.idleTimeout.toMillis() / 2);
    reaper.scheduleWithFixedDelay(pool::evictIdle, period, period, TimeUnit.MILLISECONDS);
  }

  /** A builder with the defaults: Tor at 127.0.0.1:9050, per-destination isolation, TLS off. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * A new empty message that names nothing of this machine when saved: its Message-ID is {@code
   * <random-UUID@domain-of-From>} (kept if already set), its Date is in UTC, and {@code setFrom()}
   * without an address gives {@code postmaster@onionmx.invalid}, not the OS login at the host name.
   * Jakarta Mail's own {@code MimeMessage} builds the Message-ID from the local host name unless
   * its Session sets {@code mail.from} or {@code mail.host}; use this, or such a Session, for
   * {@link #deliver}.
   */
  public MimeMessage newMessage() {
    return new PrivateMessage(messageSession, clock);
  }

  /**
   * Delivers {@code message} to the recipients of {@code envelope}, who must all be in the route's
   * domain.
   *
   * <p>The message goes as its {@code writeTo} writes it, saved here first. Its Message-ID: one the
   * application chose is kept; a missing one, or one that Jakarta Mail built from the local host
   * name (the message was saved before, as {@code Transport.send} and Spring do), becomes {@code
   * <random-UUID@domain-of-From>}. {@link #newMessage()} never builds a host-name ID in the first
   * place.
   *
   * @return one result per recipient
   * @throws IllegalArgumentException if a recipient is not in {@code route.domain()}, or the
   *     message cannot be saved
   * @throws IllegalStateException if the mailer is closed
   */
  public DeliveryReport deliver(Resolution.Routed route, Envelope envelope, MimeMessage message) {
    Objects.requireNonNull(message, "message");
    OutgoingMessage outgoing;
    try {
      outgoing = outgoing(envelope.mailFrom(), message);
    } catch (MessagingException e) {
      throw new IllegalArgumentException("the message cannot be saved: " + e.getMessage(), e);
    }
    return deliver(route, envelope, outgoing);
  }

  /**
   * Delivers raw RFC 5322 bytes (headers, blank line, body, CRLF line ends) to the recipients of
   * {@code envelope}. The bytes go unchanged except for SMTP's dot-stuffing and turning bare LF
   * into CRLF; Angus's transport needs a {@code MimeMessage}, so they ride in one whose {@code
   * writeTo} writes them as they are. Do not change the array during the call.
   *
   * @return one result per recipient
   * @throws IllegalArgumentException if a recipient is not in {@code route.domain()}
   * @throws IllegalStateException if the mailer is closed
   */
  public DeliveryReport deliver(Resolution.Routed route, Envelope envelope, byte[] rfc5322) {
    Objects.requireNonNull(rfc5322, "rfc5322");
    return deliver(route, envelope, outgoing(envelope.mailFrom(), rfc5322));
  }

  /** {@code message} saved once, ready for any number of deliveries from {@code mailFrom}. */
  OutgoingMessage outgoing(String mailFrom, MimeMessage message) throws MessagingException {
    return OutgoingMessage.of(messageSession, mailFrom, message);
  }

  /** {@code rfc5322} ready for any number of deliveries from {@code mailFrom}. */
  OutgoingMessage outgoing(String mailFrom, byte[] rfc5322) {
    return OutgoingMessage.ofBytes(messageSession, mailFrom, rfc5322);
  }

  /** Delivers a message made by {@link #outgoing}; the envelope's sender must be its own. */
  DeliveryReport deliver(Resolution.Routed route, Envelope envelope, OutgoingMessage message) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(envelope, "envelope");
    for (String r : envelope.recipients()) {
      String domain = DomainNames.normalize(Envelope.domainOf(r));
      if (!domain.equals(route.domain())) {
        throw new IllegalArgumentException(
            "recipient " + r + " is not in " + route.domain() + ", the domain of the route");
      }
    }
    long start = System.nanoTime();
    events.deliveryStarted(route, envelope);
    String messageKey = UUID.randomUUID().toString();
    Failover.Attempt attempt =
        (target, pending) -> {
          Destination destination = sessions.destination(route.domain(), target, messageKey);
          try {
            return attempt(route.domain(), destination, target, message, pending);
          } catch (TargetFailure f) {
            events.targetFailed(route.domain(), target, f.failure());
            throw f;
          }
        };
    DeliveryReport report = CircuitRecovery.run(health, route, envelope, attempt);
    for (RecipientResult result : report.results()) {
      events.recipientResult(route.domain(), result);
    }
    events.deliveryEnded(report, Duration.ofNanos(System.nanoTime() - start));
    return report;
  }

  /** The listeners, as one; {@link OnionSender} tells them of its look-ups. */
  DeliveryListener events() {
    return events;
  }

  /** One target: a session from the pool (a fresh one if a reused one turns out stale). */
  private Map<String, RecipientResult> attempt(
      String domain,
      Destination destination,
      OnionTarget target,
      OutgoingMessage message,
      List<String> pending)
      throws TargetFailure {
    if (sessions.isolation() == IsolationMode.PER_MESSAGE) {
      long opening = System.nanoTime();
      SmtpSession session = pool.openUnpooled(destination);
      events.streamOpened(domain, target, Duration.ofNanos(System.nanoTime() - opening));
      try {
        return Transaction.run(session, message, pending, target).results();
      } finally {
        session.close();
      }
    }
    for (int round = 0; ; round++) {
      SessionPool.Lease lease;
      long acquiring = System.nanoTime();
      try {
        lease = pool.acquire(destination);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TargetFailure(
            new Failure.Connection(
                Failure.Connection.Kind.INTERRUPTED, "interrupted waiting for a session"),
            e);
      }
      if (lease.reused()) {
        events.sessionReused(domain, target);
      } else {
        events.streamOpened(domain, target, Duration.ofNanos(System.nanoTime() - acquiring));
      }
      Transaction.Outcome outcome = Transaction.run(lease.session(), message, pending, target);
      pool.release(lease, outcome.reusable());
      if (lease.reused() && outcome.brokeBeforeMail() && round == 0) {
        // A stale pooled session: nothing was sent, so try once more. The other idle sessions
        // were idle longer still: drop them, so the retry gets a fresh one, not the next stale one.
        pool.discardIdle(destination);
        continue;
      }
      return outcome.results();
    }
  }

  /**
   * Asks an onion MX whether it relays for a domain it should not: greeting, EHLO, {@code MAIL
   * FROM}, {@code RCPT TO} a foreign address, then {@code RSET} and {@code QUIT}, never {@code
   * DATA}, so nothing is ever sent through the relay. On a fresh session of its own (never a pooled
   * one), with this mailer's Tor, EHLO name and timeouts; TLS as configured for {@code domain}.
   *
   * @param domain the domain the onion serves (for TLS names and pins), in any spelling
   * @param target the onion MX to probe
   * @param mailFrom the probe's sender, best at a domain of the prober
   * @param foreignRecipient an address at a domain the onion MX must not accept mail for
   * @return the verdict with the server's replies
   * @throws IllegalStateException if the mailer is closed
   */
  public RelayProbe probeRelay(
      String domain, OnionTarget target, String mailFrom, String foreignRecipient) {
    Objects.requireNonNull(target, "target");
    Envelope envelope = new Envelope(mailFrom, List.of(foreignRecipient)); // validates both
    Destination destination =
        sessions.destination(DomainNames.normalize(domain), target, "relay-probe");
    return RelayProber.probe(
        target,
        envelope,
        () ->
            SmtpSession.open(
                opener,
                destination,
                sessions.angusSession(destination),
                readTimeout,
                clock.instant()));
  }

  /** Closes idle sessions now, ending their Tor streams; sessions in use close when done. */
  @Override
  public void close() {
    reaper.shutdownNow();
    pool.close();
  }

  /** Package-private for tests: the destinations the pool keeps state for. */
  int destinationsKept() {
    return pool.slotCount();
  }

  /** Package-private for tests: closes sessions idle for the idle timeout, as the reaper does. */
  void evictIdle() {
    pool.evictIdle();
  }

  @Override
  public String toString() {
    return "OnionMailer[isolation=" + sessions.isolation() + ", tls=" + sessions.tls() + "]";
  }

  /** Configures an {@link OnionMailer}. Not thread-safe; the mailer it builds is. */
  public static final class Builder {
    private StreamOpener opener;
    private IsolationMode isolation = IsolationMode.PER_DESTINATION;
    private String ehloName = DEFAULT_EHLO_NAME;
    private TlsMode tls = TlsMode.OFF;
    private final Map<String, String> tlsNames = new HashMap<>();
    private final Map<String, Set<String>> pins = new HashMap<>();
    private KeyStore trustStore;
    private PrintStream debugOut;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration endOfDataTimeout = DEFAULT_END_OF_DATA_TIMEOUT;
    private int maxSessions = DEFAULT_MAX_SESSIONS_PER_DESTINATION;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration healthCheckAfter = DEFAULT_HEALTH_CHECK_AFTER;
    private Duration maxSessionAge = DEFAULT_MAX_SESSION_AGE;
    private Clock clock = Clock.systemUTC();
    private TorHealth health;
    private boolean pipelining = true;
    private final List<DeliveryListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Whether to send {@code MAIL FROM}, the {@code RCPT TO}s and {@code DATA} of a message as one
     * group (RFC 2920) to servers that offer {@code PIPELINING}; default true. Each round trip
     * through Tor costs tens of milliseconds, and pipelining makes four or more of them two. Off,
     * every command waits for its reply, as Angus does on its own; the results are the same.
     */
    public Builder pipelining(boolean pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    /**
     * Reports each attempt's Tor outcome to {@code health} (a session to the onion, new or pooled,
     * is {@link TorHealth#streamOpened}; a {@link Failure.Tor} is {@link TorHealth#streamFailed}),
     * and retries a delivery's Tor-deferred recipients once when its failure makes the monitor
     * signal {@code NEWNYM}; default none. One monitor may serve several mailers.
     *
     * @throws NullPointerException if {@code health} is null
     */
    public Builder health(TorHealth health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /**
     * Adds a listener told of every delivery's events ({@link DeliveryListener}); repeatable, each
     * told in the order added. With a {@link #health health monitor}, listeners also hear its
     * changes. Default none.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(DeliveryListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Opens the Tor streams; default a {@link TorSocksConnector} for 127.0.0.1:9050 with its
     * default timeouts (configure connect and SOCKS timeouts there).
     *
     * @throws NullPointerException if {@code opener} is null
     */
    public Builder streamOpener(StreamOpener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /**
     * Which sessions may share a Tor circuit; default {@link IsolationMode#PER_DESTINATION}. With
     * {@link IsolationMode#PER_MESSAGE} every message opens and closes its own session, so no
     * session is reused.
     *
     * @throws NullPointerException if {@code isolation} is null
     */
    public Builder isolation(IsolationMode isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /**
     * The name sent with EHLO; default {@link #DEFAULT_EHLO_NAME}. Never the local host name.
     *
     * @throws IllegalArgumentException if empty or containing white space or control characters
     */
    public Builder ehloName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
        throw new IllegalArgumentException("EHLO name '" + name + "' must be printable ASCII");
      }
      this.ehloName = name;
      return this;
    }

    /**
     * TLS on the onion hop; default {@link TlsMode#OFF}.
     *
     * @throws NullPointerException if {@code mode} is null
     */
    public Builder tls(TlsMode mode) {
      this.tls = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The name the certificate of {@code domain}'s servers must carry (for example its MX host
     * name); default the domain itself. Never the onion name.
     *
     * @throws IllegalArgumentException if either is empty
     */
    public Builder tlsName(String domain, String certificateName) {
      tlsNames.put(key(domain), Checks.nonBlank(certificateName, "certificateName"));
      return this;
    }

    /**
     * Accepts a certificate for {@code domain} whose public key has this pin, instead of checking
     * it against trust anchors and the name. With pins set for a domain only pinned keys are
     * accepted; add a backup pin before a key roll-over.
     *
     * @param pin {@code sha256/} and the Base64 SHA-256 of the SubjectPublicKeyInfo, as in HPKP
     * @throws IllegalArgumentException if the pin is not of that form
     */
    public Builder pin(String domain, String pin) {
      Objects.requireNonNull(pin, "pin");
      byte[] digest = null;
      if (pin.startsWith("sha256/")) {
        try {
          digest = java.util.Base64.getDecoder().decode(pin.substring(7));
        } catch (IllegalArgumentException e) {
          digest = null;
        }
      }
      if (digest == null || digest.length != 32) {
        throw new IllegalArgumentException(
            "pin '" + pin + "' must be sha256/ and the Base64 of 32 bytes");
      }
      pins.computeIfAbsent(key(domain), k -> new HashSet<>()).add(pin);
      return this;
    }

    /**
     * Trust anchors for certificates that are not pinned; default the JDK's.
     *
     * @throws NullPointerException if {@code trustStore} is null
     */
    public Builder trustStore(KeyStore trustStore) {
      this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
      return this;
    }

    /**
     * Prints each session's SMTP dialogue on the onion hop to {@code out}, as Jakarta Mail's {@code
     * mail.debug} does for plain SMTP; default nowhere. For debugging only: the dialogue names the
     * sender and the recipients.
     *
     * @throws NullPointerException if {@code out} is null
     */
    public Builder debug(PrintStream out) {
      this.debugOut = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * How long to wait for each SMTP reply; default {@link #DEFAULT_READ_TIMEOUT}. The whole reply
     * must be in by then (one deadline per reply, not per read), so that a server dripping a reply
     * cannot stretch it.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Checks.positive(timeout, "readTimeout");
      return this;
    }

    /**
     * How long to wait for the reply to a message's final "."; default {@link
     * #DEFAULT_END_OF_DATA_TIMEOUT}. A message whose reply does not come in time is reported {@link
     * RecipientResult.StatusUnknown}: the receiver may have taken it.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder endOfDataTimeout(Duration timeout) {
      this.endOfDataTimeout = Checks.positive(timeout, "endOfDataTimeout");
      return this;
    }

    /**
     * The most sessions open at once to one destination; default {@link
     * #DEFAULT_MAX_SESSIONS_PER_DESTINATION}. More concurrent senders wait for a session.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxSessionsPerDestination(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSessionsPerDestination " + max + " is below 1");
      }
      this.maxSessions = max;
      return this;
    }

    /**
     * How long an unused session stays open; default {@link #DEFAULT_IDLE_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Checks.positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * After how long idle a session must answer NOOP before reuse; default {@link
     * #DEFAULT_HEALTH_CHECK_AFTER}. A session used more recently is reused without the round trip;
     * if it turns out dead before MAIL FROM is answered, the message goes on a fresh session.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder healthCheckAfter(Duration idle) {
      this.healthCheckAfter = Checks.nonNegative(idle, "healthCheckAfter");
      return this;
    }

    /**
     * How long a session carries messages; default {@link #DEFAULT_MAX_SESSION_AGE}. A session this
     * old is closed (QUIT) when its message is done, and the next message opens a new one.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxSessionAge(Duration age) {
      this.maxSessionAge = Checks.positive(age, "maxSessionAge");
      return this;
    }

    /**
     * The clock for idle times and the Date of {@link #newMessage()}; default UTC system clock.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A mailer with this configuration. Call {@link OnionMailer#close()} when done. */
    public OnionMailer build() {
      return new OnionMailer(this);
    }

    private static String key(String domain) {
      return DomainNames.normalize(Checks.nonBlank(domain, "domain"));
    }
  }
}
