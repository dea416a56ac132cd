package org.onionmx.jakarta.mail;

import jakarta.mail.Address;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.onionmx.resolve.Resolution;

/**
 * The session's ordinary {@code smtp} transport, for domains without an onion route under {@code
 * onion-preferred}: the relay the application used before. It connects with the host, port, user
 * and password given to {@link OnionSmtpTransport#connect(String, int, String, String)}, else with
 * the session's {@code mail.smtp.*} properties, and only when a message has such a recipient; the
 * connection stays open for later messages until {@link #close()}.
 *
 * <p>It runs on a copy of the session whose {@code mail.smtp.localhost}, if the application left it
 * unset, is the onion hop's EHLO name, so the relay's EHLO does not name this machine either; the
 * copy asks the application's session for passwords (its {@code Authenticator}).
 */
final class ClearnetRelay implements AutoCloseable {
  private final Session appSession;
  private final String ehloName;
  private Session session; // the relay's copy of appSession, made on first use
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private Transport transport;

  /**
   * Set after a refused message: Angus closes the connection on some failures. Its {@code
   * isConnected()} costs a NOOP round trip, so it is asked only then.
   */
  private boolean checkBeforeUse;

  ClearnetRelay(
      Session appSession, String ehloName, String host, int port, String user, String password) {
    this.appSession = appSession;
    this.ehloName = ehloName;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  private static Session relaySession(Session app, String ehloName) {
    Properties appProperties = app.getProperties();
    Properties p = new Properties();
    for (String name : appProperties.stringPropertyNames()) {
      p.setProperty(name, appProperties.getProperty(name)); // defaults included
    }
    p.putAll(appProperties); // and objects such as mail.smtp.ssl.socketFactory
    if (p.getProperty("mail.smtp.localhost") == null) {
      p.setProperty("mail.smtp.localhost", ehloName);
    }
    Session s =
        Session.getInstance(
            p,
            new Authenticator() {
              @Override
              protected PasswordAuthentication getPasswordAuthentication() {
                return app.requestPasswordAuthentication(
                    getRequestingSite(),
                    getRequestingPort(),
                    getRequestingProtocol(),
                    getRequestingPrompt(),
                    getDefaultUserName());
              }
            });
    s.setDebug(app.getDebug());
    s.setDebugOut(app.getDebugOut());
    return s;
  }

  /**
   * Sends {@code message} to {@code recipients} and records each one's outcome.
   *
   * @param routes the domain resolutions, by domain, for the failures' data
   */
  void send(
      MimeMessage message,
      List<Address> recipients,
      Map<Address, Resolution> routes,
      SendResults results) {
    // each address once (InternetAddress compares without case), every one of them reported
    Address[] to = new LinkedHashSet<>(recipients).toArray(Address[]::new);
    try {
      if (transport != null && checkBeforeUse && !transport.isConnected()) {
        closeQuietly(); // Angus may have dropped the connection after the last failure
      }
      if (transport == null) {
        if (session == null) {
          session = relaySession(appSession, ehloName);
        }
        transport = session.getTransport("smtp");
        transport.connect(host, port, user, password);
      }
      checkBeforeUse = false;
      transport.sendMessage(message, to);
      recipients.forEach(results::sent);
    } catch (SendFailedException e) {
      checkBeforeUse = true;
      Set<Address> sent = set(e.getValidSentAddresses());
      Set<Address> invalid = set(e.getInvalidAddresses());
      for (Address a : recipients) {
        if (sent.contains(a)) {
          results.sent(a);
        } else if (invalid.contains(a)) {
          MessagingException cause = addressFailure(e, a);
          results.invalid(failure(a, routes.get(a), "refused by the relay", cause));
        } else {
          results.unsent(failure(a, routes.get(a), "not sent by the relay", e));
        }
      }
    } catch (MessagingException e) {
      closeQuietly();
      for (Address a : recipients) {
        results.unsent(failure(a, routes.get(a), "the relay failed", e));
      }
    }
  }

  private static OnionDeliveryException failure(
      Address a, Resolution r, String what, MessagingException cause) {
    int code =
        cause instanceof SMTPAddressFailedException f
            ? f.getReturnCode()
            : cause instanceof SMTPSendFailedException f ? f.getReturnCode() : -1;
    boolean temporary = code < 500; // 5xx from the relay: permanent; all else may pass later
    return new OnionDeliveryException(
        a + ": no onion route for " + r.domain() + "; " + what + ": " + cause.getMessage(),
        a,
        r,
        null,
        cause,
        temporary);
  }

  /** Angus chains one {@code SMTPAddressFailedException} per refused address. */
  private static MessagingException addressFailure(SendFailedException e, Address a) {
    for (Exception next = e.getNextException();
        next instanceof MessagingException m;
        next = m.getNextException()) {
      if (m instanceof SMTPAddressFailedException f && a.equals(f.getAddress())) {
        return f;
      }
    }
    return e;
  }

  private static Set<Address> set(Address[] addresses) {
    return addresses == null ? Set.of() : new HashSet<>(Arrays.asList(addresses));
  }

  private void closeQuietly() {
    try {
      close();
    } catch (MessagingException e) {
      // the connection is gone either way; the next message opens a new one
    }
  }

  @Override
  public void close() throws MessagingException {
    Transport t = transport;
    transport = null;
    if (t != null) {
      t.close();
    }
  }
}
