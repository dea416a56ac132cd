package org.onionmx.postfix;

import java.util.Objects;
import org.onionmx.resolve.InvalidDomainException;
import org.onionmx.resolve.InvalidOnionAddressException;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;

/**
 * Answers one tcp_table(5) request line with one reply line, as a Postfix transport map: the onion
 * route of the key's domain ({@code 200 smtptor:[x.onion]:25}), {@code 200 :} for own domains (the
 * default transport), {@code 500} for no onion route (Postfix goes on to its other maps), and
 * {@code 400} when the look-up could not tell, so that Postfix defers the mail instead of sending
 * it over the clearnet.
 *
 * <p>Postfix transport nexthops name one host, so only the first target (in RFC 2782 order) is
 * given; a temporary failure there is Postfix's to retry.
 */
final class TransportTable {
  private final OnionResolver resolver;
  private final String transport;

  /**
   * @param resolver the resolver; its own domains answer {@code 200 :}
   * @param transport the Postfix transport name for onion routes, such as {@code smtptor}
   */
  TransportTable(OnionResolver resolver, String transport) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /** The reply line, without its newline, for a request line without its newline. */
  String answer(String request) {
    if (!request.startsWith("get ")) {
      String verb = request.split(" ", 2)[0];
      return "500 " + TcpTableCodec.encode("unsupported request " + verb + "; only get");
    }
    String key;
    try {
      key = TcpTableCodec.decode(request.substring(4).trim());
    } catch (IllegalArgumentException e) {
      return "500 " + TcpTableCodec.encode("malformed key: " + e.getMessage());
    }
    String domain = key.substring(key.lastIndexOf('@') + 1);
    if (domain.isEmpty() || domain.startsWith(".")) {
      // ".example.org" is Postfix's parent-domain probe: onion routes are per exact domain.
      return "500 " + TcpTableCodec.encode("no onion route for " + key);
    }
    Resolution resolution;
    try {
      resolution = resolver.resolve(domain);
    } catch (InvalidOnionAddressException e) {
      // A .onion domain that can never work (v2, mistyped): bounce it now. A 500 would send Postfix
      // on to its default transport, which looks the name up in DNS; a 400 would defer it for days.
      return "200 " + TcpTableCodec.encode("error:5.1.2 " + e.getMessage());
    } catch (InvalidDomainException e) {
      return "500 " + TcpTableCodec.encode(e.getMessage());
    } catch (RuntimeException e) {
      return "400 " + TcpTableCodec.encode("look-up failed: " + e);
    }
    if (resolution instanceof Resolution.Routed routed) {
      OnionTarget first = routed.targets().get(0);
      return "200 "
          + TcpTableCodec.encode(transport + ":[" + first.onion().hostname() + "]:" + first.port());
    }
    if (resolution instanceof Resolution.NoOnionRoute none) {
      return none.reason() == Resolution.NoRouteReason.OWN_DOMAIN
          ? "200 :"
          : "500 " + TcpTableCodec.encode("no onion route for " + domain + ": " + none.detail());
    }
    Resolution.CouldNotTell failed = (Resolution.CouldNotTell) resolution;
    return "400 " + TcpTableCodec.encode(domain + ": " + failed.detail());
  }
}
