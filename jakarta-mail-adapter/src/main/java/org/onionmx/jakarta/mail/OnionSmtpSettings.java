package org.onionmx.jakarta.mail;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.onionmx.deliver.DeliveryListener;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.TlsMode;
import org.onionmx.internal.HostPort;
import org.onionmx.resolve.DnsServer;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.DomainNames;
import org.onionmx.tor.IsolationMode;
import org.onionmx.tor.TorHealth;
import org.onionmx.tor.TorSocksConnector;

/**
 * The {@code mail.onion-smtp.*} session properties, read in this one place into immutable values.
 * Every key under the prefix must be known: a misspelt key (say {@code mail.onion-smtp.dnsec}) is
 * an error that names it, not a setting silently ignored.
 *
 * <p>A spec, in the manner of Caffeine's {@code CaffeineSpec}: a setting the application did not
 * give is null here, and {@link OnionStack} leaves the core's builder at its own default, so every
 * default lives in one place, the core. Only what exists in the adapter alone has its default here:
 * the policy for domains without a route, the bundled map, the stall rule's numbers (taken from
 * {@link TorHealth}'s constants, which the rule must be given whole), the idle time of a shared
 * stack (the mailer's, as {@link OnionMailer#DEFAULT_IDLE_TIMEOUT}) and the SOCKS listener (Tor's
 * default, {@link TorSocksConnector#DEFAULT_PORT} on the loopback address), which the control port
 * may replace.
 *
 * @param socksHost the Tor SOCKS listener's address (an IP literal or {@code localhost})
 * @param socksConfigured whether the app set {@code socks.host} or {@code socks.port}; if not, and
 *     a control port is configured, the SOCKS listener is taken from Tor
 * @param socksPort the Tor SOCKS listener's port
 * @param isolation how streams are isolated from each other, or null for the core's default
 * @param maps the map files; empty with {@code bundledMap} false means no pinned map
 * @param bundledMap whether the bundled public map is used
 * @param srv whether SRV look-ups are made, or null for the core's default
 * @param dnsServers the DNS servers for SRV look-ups; empty means the system's
 * @param dnsOverTor whether SRV look-ups go as DNS over TCP through Tor to {@code dnsServers}
 * @param dnssec the DNSSEC policy for SRV answers, or null for the core's default
 * @param policy what happens to domains without an onion route
 * @param requireOnion domains that always fail closed without an onion route
 * @param tls TLS on the onion hop ({@code starttls}), or null for the core's default
 * @param pins SHA-256 public-key pins by domain ({@code sha256/<base64>}), one or more each (a
 *     backup pin for a key roll-over)
 * @param ehlo the EHLO name, or null for the library's neutral default
 * @param pipelining whether commands go as RFC 2920 groups to servers that offer PIPELINING, or
 *     null for the core's default
 * @param connectTimeout connect timeout, or null for the default
 * @param timeout read timeout, or null for the default
 * @param endOfDataTimeout wait for the reply to a message's final ".", or null for the default
 * @param control the Tor control port to recover through, or null for none
 * @param stallFailures the health monitor's stall rule: failures in a run
 * @param stallDestinations the stall rule: distinct onions in the run
 * @param stallWindow the stall rule: how long a failure stays in the run
 * @param idleTimeout how long an unused onion session, and an unused shared stack, is kept
 * @param listener told of the stack's deliveries ({@code mail.onion-smtp.listener}, an object
 *     value), or null; compared by identity, so each listener instance has its own stack
 * @param warnings what is set that probably does not do what the application meant, one line each,
 *     logged once per configuration
 * @param debugOut where the onion hop's SMTP dialogue is printed ({@code mail.debug}, the session's
 *     debug stream), or null when the session does not debug
 */
record OnionSmtpSettings(
    String socksHost,
    boolean socksConfigured,
    int socksPort,
    IsolationMode isolation,
    List<Path> maps,
    boolean bundledMap,
    Boolean srv,
    List<DnsServer> dnsServers,
    boolean dnsOverTor,
    DnssecPolicy dnssec,
    Policy policy,
    Set<String> requireOnion,
    TlsMode tls,
    Map<String, List<String>> pins,
    String ehlo,
    Boolean pipelining,
    Duration connectTimeout,
    Duration timeout,
    Duration endOfDataTimeout,
    Control control,
    int stallFailures,
    int stallDestinations,
    Duration stallWindow,
    Duration idleTimeout,
    DeliveryListener listener,
    List<String> warnings,
    PrintStream debugOut) {

  /** The property prefix. */
  static final String PREFIX = "mail.onion-smtp.";

  /** What happens to a domain that has no onion route. */
  enum Policy {
    /** Deliver it through the session's ordinary {@code smtp} relay. */
    ONION_PREFERRED,
    /** Fail it: nothing goes over the clearnet. */
    ONION_ONLY
  }

  /**
   * Where Tor's control port is and how to authenticate ({@code mail.onion-smtp.control.*}).
   *
   * @param host an IP literal or {@code localhost}
   * @param port the port
   * @param password the control password, or null
   * @param cookie the cookie file, or null
   */
  record Control(String host, int port, String password, Path cookie) {
    /** The host's address, without a DNS look-up. */
    InetAddress address() {
      return literal(host);
    }

    /** Without the password. */
    @Override
    public String toString() {
      return "Control["
          + host
          + ":"
          + port
          + (password != null ? ", password" : "")
          + (cookie != null ? ", cookie " + cookie : "")
          + "]";
    }
  }

  /**
   * Keys that Jakarta Mail itself reads under every protocol prefix ({@code Service.connect} and
   * {@code Session.getProvider}): allowed, with Jakarta Mail's meaning.
   */
  private static final Set<String> JAKARTA_KEYS = Set.of("class", "host", "port", "user");

  private static final Set<String> KEYS =
      Set.of(
          "socks.host",
          "socks.port",
          "isolation",
          "map",
          "srv",
          "dns.servers",
          "dns.over-tor",
          "dnssec",
          "policy",
          "require-onion",
          "starttls",
          "ehlo",
          "pipelining",
          "connectiontimeout",
          "timeout",
          "end-of-data-timeout",
          "idle-timeout",
          "control.host",
          "control.port",
          "control.password",
          "control.cookie",
          "health.stall-failures",
          "health.stall-destinations",
          "health.stall-window",
          "listener");

  private static final String PIN_PREFIX = "tls.pin.";

  OnionSmtpSettings {
    maps = List.copyOf(maps);
    dnsServers = List.copyOf(dnsServers);
    requireOnion = Set.copyOf(requireOnion);
    Map<String, List<String>> copied = new LinkedHashMap<>();
    pins.forEach((domain, list) -> copied.put(domain, List.copyOf(list)));
    pins = Collections.unmodifiableMap(copied);
    warnings = List.copyOf(warnings);
  }

  /**
   * Reads the settings from session properties.
   *
   * @throws IllegalArgumentException naming the property, for an unknown key or a bad value
   */
  static OnionSmtpSettings from(Properties properties) {
    Set<String> names = PropertyReader.names(properties);
    Set<String> unknown = new TreeSet<>();
    for (String name : names) {
      if (name.startsWith(PREFIX)) {
        String key = name.substring(PREFIX.length());
        if (!KEYS.contains(key) && !JAKARTA_KEYS.contains(key) && !key.startsWith(PIN_PREFIX)) {
          unknown.add(name);
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown propert"
              + (unknown.size() == 1 ? "y " : "ies ")
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", new TreeSet<>(KEYS))
              + ", tls.pin.<domain>)");
    }
    PropertyReader r = new PropertyReader(properties);
    List<Path> maps = new ArrayList<>();
    boolean bundled = false;
    for (String map : r.list("map", "bundled")) {
      switch (map) {
        case "bundled" -> bundled = true;
        case "none" -> {}
        default -> maps.add(Path.of(map));
      }
    }
    List<DnsServer> dnsServers = new ArrayList<>();
    for (String server : r.list("dns.servers", "")) {
      dnsServers.add(r.parse("dns.servers", server, DnsServer::parse));
    }
    Set<String> requireOnion = new TreeSet<>();
    for (String domain : r.list("require-onion", "")) {
      requireOnion.add(r.parse("require-onion", domain, DomainNames::normalize));
    }
    Map<String, List<String>> pins = new LinkedHashMap<>();
    for (String name : new TreeSet<>(names)) {
      if (name.startsWith(PREFIX + PIN_PREFIX)) {
        String key = name.substring(PREFIX.length());
        String domain = key.substring(PIN_PREFIX.length());
        String normalized = r.parse(name, domain, DomainNames::normalize);
        for (String pin : r.list(key, "")) {
          if (!pin.startsWith("sha256/")) {
            throw new IllegalArgumentException(
                name + " must be sha256/<base64>[,sha256/<base64>...], not '" + pin + "'");
          }
          pins.computeIfAbsent(normalized, d -> new ArrayList<>()).add(pin);
        }
      }
    }
    int stallFailures =
        r.integer("health.stall-failures", TorHealth.DEFAULT_STALL_FAILURES, 1, 1_000_000);
    int stallDestinations =
        r.integer(
            "health.stall-destinations", TorHealth.DEFAULT_STALL_DESTINATIONS, 1, stallFailures);
    Duration stallWindow = r.millis("health.stall-window");
    Duration idleTimeout = r.millis("idle-timeout");
    return new OnionSmtpSettings(
        r.host("socks.host"),
        r.text("socks.host") != null || r.text("socks.port") != null,
        r.integer("socks.port", TorSocksConnector.DEFAULT_PORT, 1, 65535),
        r.choice("isolation", null, IsolationMode.class),
        maps,
        bundled,
        r.bool("srv", null),
        dnsServers,
        Boolean.TRUE.equals(r.bool("dns.over-tor", false)),
        r.choice("dnssec", null, DnssecPolicy.class),
        r.choice("policy", Policy.ONION_PREFERRED, Policy.class),
        requireOnion,
        r.choice("starttls", null, TlsMode.class),
        pins,
        r.text("ehlo"),
        r.bool("pipelining", null),
        r.millis("connectiontimeout"),
        r.millis("timeout"),
        r.millis("end-of-data-timeout"),
        r.control(),
        stallFailures,
        stallDestinations,
        stallWindow == null ? TorHealth.DEFAULT_STALL_WINDOW : stallWindow,
        idleTimeout == null ? OnionMailer.DEFAULT_IDLE_TIMEOUT : idleTimeout,
        listener(properties),
        warnings(properties),
        null);
  }

  /**
   * The {@code listener} property: a {@link DeliveryListener} object put into the properties
   * ({@code Properties.put}), since a listener is code, not text.
   */
  private static DeliveryListener listener(Properties properties) {
    Object value = properties.get(PREFIX + "listener");
    if (value == null || value instanceof DeliveryListener) {
      return (DeliveryListener) value;
    }
    throw new IllegalArgumentException(
        PREFIX
            + "listener must be a "
            + DeliveryListener.class.getName()
            + " object (Properties.put), not "
            + value.getClass().getName());
  }

  /**
   * Reads the settings of a session: its properties, and its debug switch and stream ({@code
   * mail.debug} or {@code Session.setDebug}), with which the onion hop's SMTP dialogue is printed
   * as Angus prints plain SMTP's.
   *
   * @throws IllegalArgumentException naming the property, for an unknown key or a bad value
   */
  static OnionSmtpSettings from(jakarta.mail.Session session) {
    OnionSmtpSettings s = from(session.getProperties());
    if (!session.getDebug()) {
      return s;
    }
    return new OnionSmtpSettings(
        s.socksHost,
        s.socksConfigured,
        s.socksPort,
        s.isolation,
        s.maps,
        s.bundledMap,
        s.srv,
        s.dnsServers,
        s.dnsOverTor,
        s.dnssec,
        s.policy,
        s.requireOnion,
        s.tls,
        s.pins,
        s.ehlo,
        s.pipelining,
        s.connectTimeout,
        s.timeout,
        s.endOfDataTimeout,
        s.control,
        s.stallFailures,
        s.stallDestinations,
        s.stallWindow,
        s.idleTimeout,
        s.listener,
        s.warnings,
        session.getDebugOut());
  }

  /** What is set that probably does not do what the application meant. */
  private static List<String> warnings(Properties properties) {
    List<String> warnings = new ArrayList<>();
    for (String key : List.of("mail.smtp.socks.host", "mail.smtp.socks.port")) {
      if (PropertyReader.value(properties, key) != null) {
        warnings.add(
            key
                + " is set, but onion-smtp never uses it: it applies only to the clearnet relay"
                + " (protocol smtp), where Angus looks the host up locally first. Onion delivery"
                + " goes through "
                + PREFIX
                + "socks.host and "
                + PREFIX
                + "socks.port");
      }
    }
    if (OnionSmtp.PROTOCOL.equals(PropertyReader.value(properties, "mail.transport.protocol"))
        && !OnionSmtp.PROTOCOL.equals(
            PropertyReader.value(properties, "mail.transport.protocol.rfc822"))) {
      warnings.add(
          "mail.transport.protocol is onion-smtp but mail.transport.protocol.rfc822 is "
              + (PropertyReader.value(properties, "mail.transport.protocol.rfc822") == null
                  ? "not set"
                  : "'" + PropertyReader.value(properties, "mail.transport.protocol.rfc822") + "'")
              + ": Transport.send(message) picks its transport by the latter and so sends with"
              + " plain smtp, not onion-smtp. Set mail.transport.protocol.rfc822=onion-smtp too"
              + " (OnionSmtp.useForAllMail sets both)");
    }
    return warnings;
  }

  /** The SOCKS listener's address, without a DNS look-up. */
  InetAddress socksAddress() {
    return literal(socksHost);
  }

  private static InetAddress literal(String host) {
    return host.equalsIgnoreCase("localhost")
        ? InetAddress.getLoopbackAddress()
        : HostPort.parseIp(host); // an IP literal: checked in from(), no look-up
  }
}
