package org.onionmx.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.onionmx.deliver.DeliveryListener;
import org.springframework.boot.autoconfigure.mail.MailProperties;

/**
 * Turns {@code onionmx.*} (and, for the relay, Boot's {@code spring.mail.properties.*}) into the
 * Jakarta Mail session properties of the {@code onion-smtp} transport. Only what was set is passed,
 * so the adapter and the core keep their defaults. The one place that knows the adapter's keys.
 */
final class SessionProperties {
  private static final String PREFIX = "mail.onion-smtp.";

  private SessionProperties() {}

  /**
   * The session properties. Equal inputs (and the same listener) give equal properties, and so one
   * shared delivery stack in the adapter.
   *
   * @param relay Boot's mail properties when {@code spring.mail.host} is set, else null
   * @param listener told of the stack's deliveries, or null
   */
  static Properties of(OnionmxProperties o, MailProperties relay, DeliveryListener listener) {
    Properties p = new Properties();
    if (relay != null) {
      p.putAll(relay.getProperties()); // spring.mail.properties.*: the relay's mail.smtp.* keys
      if ("smtps".equalsIgnoreCase(relay.getProtocol())) {
        p.setProperty("mail.smtp.ssl.enable", "true"); // the relay goes through Angus's "smtp"
      }
    }
    set(p, "socks.host", o.getSocks().getHost());
    set(p, "socks.port", o.getSocks().getPort());
    set(p, "isolation", o.getIsolation());
    set(p, "map", o.getMap());
    set(p, "srv", o.getSrv());
    set(p, "dns.servers", o.getDns().getServers());
    set(p, "dns.over-tor", o.getDns().getOverTor());
    set(p, "dnssec", o.getDnssec());
    OnionmxProperties.Policy policy = o.getPolicy();
    if (policy == null) {
      policy =
          relay == null
              ? OnionmxProperties.Policy.ONION_ONLY
              : OnionmxProperties.Policy.ONION_PREFERRED;
    }
    set(p, "policy", policy);
    set(p, "require-onion", o.getRequireOnion());
    set(p, "starttls", o.getStarttls());
    for (Map.Entry<String, List<String>> pins : o.getTls().getPins().entrySet()) {
      set(p, "tls.pin." + pins.getKey(), pins.getValue());
    }
    set(p, "ehlo", o.getEhlo());
    set(p, "pipelining", o.getPipelining());
    set(p, "connectiontimeout", o.getConnectionTimeout());
    set(p, "timeout", o.getTimeout());
    set(p, "end-of-data-timeout", o.getEndOfDataTimeout());
    set(p, "idle-timeout", o.getIdleTimeout());
    OnionmxProperties.Control c = o.getControl();
    set(p, "control.host", c.getHost());
    set(p, "control.port", c.getPort());
    set(p, "control.password", c.getPassword());
    set(p, "control.cookie", c.getCookie());
    OnionmxProperties.Health h = o.getHealth();
    set(p, "health.stall-failures", h.getStallFailures());
    set(p, "health.stall-destinations", h.getStallDestinations());
    set(p, "health.stall-window", h.getStallWindow());
    if (listener != null) {
      p.put(PREFIX + "listener", listener);
    }
    return p;
  }

  /** Sets {@code mail.onion-smtp.<key>} if {@code value} was set; overrides spring.mail's. */
  private static void set(Properties p, String key, Object value) {
    String text;
    if (value == null) {
      text = null;
    } else if (value instanceof List<?> list) {
      text = list.isEmpty() ? null : String.join(",", list.stream().map(String::valueOf).toList());
    } else if (value instanceof Duration d) {
      text = Long.toString(d.toMillis());
    } else if (value instanceof Enum<?> e) {
      text = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    } else {
      text = value.toString();
    }
    if (text != null) {
      p.setProperty(PREFIX + key, text);
    }
  }
}
