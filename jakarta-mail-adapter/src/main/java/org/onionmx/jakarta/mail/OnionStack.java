package org.onionmx.jakarta.mail;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.Map;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.TlsMode;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.TorSocksConnector;

/**
 * The one place that turns {@link OnionSmtpSettings} into the core's resolver and mailer. One stack
 * per connected {@link OnionSmtpTransport}: the resolver's SRV cache and the mailer's pool of open
 * onion sessions live as long as the connection and are dropped by {@link #close()}.
 */
final class OnionStack implements AutoCloseable {
  final OnionSmtpSettings settings;
  final OnionResolver resolver;
  final OnionMailer mailer;

  private OnionStack(OnionSmtpSettings settings, OnionResolver resolver, OnionMailer mailer) {
    this.settings = settings;
    this.resolver = resolver;
    this.mailer = mailer;
  }

  /**
   * Builds the stack; opens no connection.
   *
   * @throws MessagingException naming the property, if a map cannot be read or a value is refused
   */
  static OnionStack open(OnionSmtpSettings s) throws MessagingException {
    OnionResolver.Builder resolver =
        OnionResolver.newBuilder().map(map(s)).srv(s.srv()).dnssec(s.dnssec());
    if (!s.dnsServers().isEmpty()) {
      resolver.dnsServers(s.dnsServers());
    }
    TorSocksConnector.Builder tor =
        TorSocksConnector.newBuilder().proxy(s.socksAddress(), s.socksPort());
    OnionMailer.Builder mailer =
        OnionMailer.newBuilder().isolation(s.isolation()).tls(TlsMode.valueOf(s.starttls().name()));
    if (s.connectTimeout() != null) {
      tor.connectTimeout(s.connectTimeout());
    }
    if (s.timeout() != null) {
      mailer.readTimeout(s.timeout());
    }
    if (s.ehlo() != null) {
      property("ehlo", () -> mailer.ehloName(s.ehlo()));
    }
    for (Map.Entry<String, String> pin : s.pins().entrySet()) {
      property("tls.pin." + pin.getKey(), () -> mailer.pin(pin.getKey(), pin.getValue()));
    }
    mailer.streamOpener(tor.build());
    return new OnionStack(s, resolver.build(), mailer.build());
  }

  private static OnionMap map(OnionSmtpSettings s) throws MessagingException {
    try {
      OnionMap files = s.maps().isEmpty() ? OnionMap.empty() : OnionMap.load(s.maps());
      return s.bundledMap() ? OnionMap.bundled().merge(files) : files;
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
  }
}
