package org.onionmx.deliver;

import jakarta.mail.Session;
import java.io.PrintStream;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.tor.IsolationMode;

/**
 * How a mailer's SMTP sessions are set up: which stream a target gets ({@link #destination}:
 * isolation, TLS name and pins per domain) and the Angus session that speaks on it ({@link
 * #angusSession}: EHLO name, pipelining, the end-of-data timeout, STARTTLS). Immutable.
 *
 * @param isolation which sessions may share a Tor circuit
 * @param ehloName the EHLO name
 * @param pipelining whether commands go as RFC 2920 groups where offered
 * @param endOfDataTimeoutMillis the wait for the reply to a message's final "."
 * @param tls TLS on the onion hop
 * @param tlsNames the certificate name to check per domain, where it is not the domain
 * @param pins public-key pins per domain
 * @param trustStore the trust anchors for certificates, or null for the JDK's
 * @param debugOut where each session prints its SMTP dialogue, or null for nowhere
 */
record SessionSettings(
    IsolationMode isolation,
    String ehloName,
    boolean pipelining,
    long endOfDataTimeoutMillis,
    TlsMode tls,
    Map<String, String> tlsNames,
    Map<String, Set<String>> pins,
    KeyStore trustStore,
    PrintStream debugOut) {

  SessionSettings {
    tlsNames = Map.copyOf(tlsNames);
    Map<String, Set<String>> copied = new HashMap<>();
    pins.forEach((domain, set) -> copied.put(domain, Set.copyOf(set)));
    pins = Map.copyOf(copied);
  }

  /**
   * Where a message to {@code domain} goes on {@code target}: the onion host and port, the stream
   * isolation key for this message, and the TLS name and pins of the (normalised) domain.
   */
  Destination destination(String domain, OnionTarget target, String messageKey) {
    String host = target.onion().hostname();
    String key = isolation.isolationKey(host, messageKey);
    if (tls == TlsMode.OFF) {
      return new Destination(host, target.port(), key, null, Set.of());
    }
    return new Destination(
        host,
        target.port(),
        key,
        tlsNames.getOrDefault(domain, domain),
        pins.getOrDefault(domain, Set.of()));
  }

  /**
   * The Angus session for a destination: EHLO name, partial sends, pipelining, timeouts, UTF-8
   * commands, STARTTLS as configured.
   */
  Session angusSession(Destination d) {
    Properties p = new Properties();
    p.put("mail.smtp.localhost", ehloName);
    p.put("mail.smtp.sendpartial", "true");
    p.put("mail.smtp.quitwait", "false");
    p.put(SessionTransport.PIPELINING, String.valueOf(pipelining));
    p.put(SessionTransport.END_OF_DATA_TIMEOUT, String.valueOf(endOfDataTimeoutMillis));
    // commands in UTF-8: the same bytes as ASCII, except for a non-ASCII local part, which only
    // goes with SMTPUTF8 (Transaction, SessionTransport.supportsExtension)
    p.put("mail.mime.allowutf8", "true");
    if (d.tlsName() != null) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", String.valueOf(tls == TlsMode.REQUIRED));
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      p.put(
          "mail.smtp.ssl.socketFactory",
          DomainSocketFactory.create(d.tlsName(), d.pins(), trustStore));
    }
    Session session = Session.getInstance(p);
    if (debugOut != null) {
      session.setDebugOut(debugOut);
      session.setDebug(true);
    }
    return session;
  }
}
