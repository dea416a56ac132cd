package org.onionmx.jakarta.mail;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.WatchedMap;
import org.onionmx.tor.TorControl;
import org.onionmx.tor.TorControlException;
import org.onionmx.tor.TorHealth;
import org.onionmx.tor.TorSocksConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns {@link OnionSmtpSettings} into the core's resolver, health monitor and
 * mailer. One stack per distinct configuration, shared by every {@link OnionSmtpTransport} with
 * that configuration ({@link SharedStacks}): the map (re-read when its files change), the
 * resolver's SRV cache, the mailer's pool of open onion sessions and the control connection live as
 * long as the stack and are dropped by {@link #close()}.
 *
 * <p>With {@code mail.onion-smtp.control.*} set, the stack connects to Tor's control port so that
 * the health monitor can signal {@code NEWNYM}. A control port that refuses the cookie or password,
 * or a cookie file that cannot be read, is a configuration error: {@code connect} fails with a
 * {@link MessagingException} naming the property. A control port that does not answer (Tor not
 * running yet, a firewall) is logged as a warning and the monitor counts and reports without
 * recovering: delivery itself needs only the SOCKS port.
 */
final class OnionStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnionStack.class);

  final OnionSmtpSettings settings;
  final OnionResolver resolver;
  final OnionMailer mailer;
  final OnionSender sender;
  final WatchedMap map; // null without map files
  final TorHealth health;
  final InetSocketAddress socks; // the SOCKS listener in use
  final TorControl control; // null without a usable control port

  private OnionStack(
      OnionSmtpSettings settings,
      OnionResolver resolver,
      OnionMailer mailer,
      WatchedMap map,
      TorHealth health,
      InetSocketAddress socks,
      TorControl control) {
    this.settings = settings;
    this.socks = socks;
    this.resolver = resolver;
    this.mailer = mailer;
    this.sender = OnionSender.of(resolver, mailer);
    this.map = map;
    this.health = health;
    this.control = control;
  }

  /**
   * Builds the stack; opens no connection but the control connection, if configured.
   *
   * @throws MessagingException naming the property, if a map cannot be read, a value is refused, or
   *     the control port refuses the credentials
   */
  static OnionStack open(OnionSmtpSettings s) throws MessagingException {
    TorControl control = control(s.control());
    try {
      TorHealth health = null;
      if (control != null) {
        try {
          health = monitor(s).control(control).build();
        } catch (TorControlException e) {
          LOG.warn(
              "Tor control port {} failed, so no NEWNYM recovery (delivery goes on): {}",
              e.controlPort(),
              e.getMessage());
          control.close();
          control = null;
        }
      }
      if (health == null) {
        health = countingOnly(monitor(s));
      }
      return open(s, health, control);
    } catch (MessagingException | RuntimeException e) {
      if (control != null) {
        control.close();
      }
      throw e;
    }
  }

  private static OnionStack open(OnionSmtpSettings s, TorHealth health, TorControl control)
      throws MessagingException {
    WatchedMap map = map(s);
    OnionResolver.Builder resolver = OnionResolver.newBuilder();
    if (s.srv() != null) {
      resolver.srv(s.srv());
    }
    if (s.dnssec() != null) {
      resolver.dnssec(s.dnssec());
    }
    if (map != null) {
      resolver.mapSource(map);
    } else {
      resolver.map(s.bundledMap() ? OnionMap.bundled() : OnionMap.empty());
    }
    if (!s.dnsServers().isEmpty()) {
      resolver.dnsServers(s.dnsServers());
    }
    InetSocketAddress socks = socksListener(s, control);
    TorSocksConnector.Builder tor =
        TorSocksConnector.newBuilder().proxy(socks.getAddress(), socks.getPort());
    OnionMailer.Builder mailer = OnionMailer.newBuilder();
    if (s.isolation() != null) {
      mailer.isolation(s.isolation());
    }
    if (s.tls() != null) {
      mailer.tls(s.tls());
    }
    if (s.pipelining() != null) {
      mailer.pipelining(s.pipelining());
    }
    if (s.connectTimeout() != null) {
      tor.connectTimeout(s.connectTimeout());
    }
    if (s.timeout() != null) {
      mailer.readTimeout(s.timeout());
    }
    if (s.endOfDataTimeout() != null) {
      mailer.endOfDataTimeout(s.endOfDataTimeout());
    }
    if (s.ehlo() != null) {
      property("ehlo", () -> mailer.ehloName(s.ehlo()));
    }
    for (Map.Entry<String, List<String>> pins : s.pins().entrySet()) {
      for (String pin : pins.getValue()) {
        property("tls.pin." + pins.getKey(), () -> mailer.pin(pins.getKey(), pin));
      }
    }
    mailer.idleTimeout(s.idleTimeout());
    if (s.debugOut() != null) {
      mailer.debug(s.debugOut());
    }
    TorSocksConnector connector = tor.build();
    if (s.dnsOverTor()) {
      if (s.dnsServers().isEmpty()) {
        throw new MessagingException(
            OnionSmtpSettings.PREFIX
                + "dns.over-tor needs "
                + OnionSmtpSettings.PREFIX
                + "dns.servers: the system's resolver is usually a local address a Tor exit cannot"
                + " reach");
      }
      resolver.dnsOverTor(connector);
    }
    if (s.listener() != null) {
      mailer.listener(s.listener());
    }
    mailer.streamOpener(connector).health(health);
    return new OnionStack(s, resolver.build(), mailer.build(), map, health, socks, control);
  }

  /**
   * The SOCKS listener to use: the configured one; or, when the app configured none and a control
   * port answers, the first of Tor's own ({@code GETINFO net/listeners/socks}), so that apps need
   * not repeat Tor's configuration. Warns about SocksPorts without {@code ExtendedErrors}, without
   * which every onion failure reads as a general SOCKS failure.
   */
  private static InetSocketAddress socksListener(OnionSmtpSettings s, TorControl control) {
    InetSocketAddress configured = new InetSocketAddress(s.socksAddress(), s.socksPort());
    if (control == null) {
      return configured;
    }
    InetSocketAddress chosen = configured;
    try {
      if (!s.socksConfigured()) {
        List<InetSocketAddress> listeners = control.socksListeners();
        if (listeners.isEmpty()) {
          LOG.warn("Tor at {} has no SocksPort: onion delivery cannot work", control.address());
        } else {
          chosen = listeners.get(0);
          LOG.info("using Tor's SOCKS listener {} (from {})", chosen, control.address());
        }
      }
      for (String port : control.socksPortsWithoutExtendedErrors()) {
        LOG.warn(
            "Tor's SocksPort {} lacks ExtendedErrors: onion failures will read as general SOCKS"
                + " failures; add ExtendedErrors to it",
            port);
      }
    } catch (TorControlException e) {
      LOG.warn(
          "could not ask Tor at {} about its SOCKS ports: {}", e.controlPort(), e.getMessage());
    }
    return chosen;
  }

  /** The control connection, or null if none is configured or it does not answer. */
  private static TorControl control(OnionSmtpSettings.Control c) throws MessagingException {
    if (c == null) {
      return null;
    }
    TorControl.Builder b = TorControl.newBuilder().address(c.address(), c.port());
    if (c.password() != null) {
      b.password(c.password());
    }
    if (c.cookie() != null) {
      b.cookieFile(c.cookie());
    }
    try {
      return b.connect();
    } catch (TorControlException e) {
      String key =
          c.cookie() != null ? "control.cookie" : c.password() != null ? "control.password" : null;
      if (e.kind() == TorControlException.Kind.AUTHENTICATION_REFUSED
          || e.kind() == TorControlException.Kind.COOKIE_UNREADABLE) {
        throw new MessagingException(
            OnionSmtpSettings.PREFIX
                + (key == null ? "control.password or control.cookie is needed" : key)
                + ": "
                + e.getMessage(),
            e);
      }
      LOG.warn(
          "Tor control port {} not usable, so no NEWNYM recovery (delivery goes on): {}",
          e.controlPort(),
          e.getMessage());
      return null;
    }
  }

  private static TorHealth.Builder monitor(OnionSmtpSettings s) throws MessagingException {
    TorHealth.Builder b = TorHealth.newBuilder();
    property(
        "health.stall-window",
        () -> b.stallRule(s.stallFailures(), s.stallDestinations(), s.stallWindow()));
    return b;
  }

  private static TorHealth countingOnly(TorHealth.Builder b) {
    try {
      return b.build();
    } catch (TorControlException e) {
      throw new AssertionError("a monitor without a control port talks to none", e);
    }
  }

  /** The map files, watched for changes, or null if there are none. */
  private static WatchedMap map(OnionSmtpSettings s) throws MessagingException {
    if (s.maps().isEmpty()) {
      return null;
    }
    try {
      return WatchedMap.load(s.maps(), s.bundledMap() ? OnionMap.bundled() : OnionMap.empty());
    } catch (IOException | MapException e) {
      throw new MessagingException(
          OnionSmtpSettings.PREFIX + "map: cannot read " + s.maps() + ": " + e.getMessage(), e);
    }
  }

  private static void property(String key, Runnable set) throws MessagingException {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      throw new MessagingException(OnionSmtpSettings.PREFIX + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    mailer.close();
    if (control != null) {
      control.close();
    }
  }
}
