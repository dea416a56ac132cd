package org.onionmx.testing.smtp;

import javax.net.ssl.SSLContext;
import org.onionmx.testing.PerTestFixture;

/**
 * A {@link ScriptedSmtpServer} for each test, closed after it. With {@literal @}RegisterExtension
 * on {@code final ScriptedSmtpServerExtension smtp = new ScriptedSmtpServerExtension();} a test
 * scripts replies with {@code smtp.get().replyToRecipient(...)}.
 */
public final class ScriptedSmtpServerExtension extends PerTestFixture<ScriptedSmtpServer> {
  /** A server that accepts everything, without STARTTLS, for each test. */
  public ScriptedSmtpServerExtension() {
    super(ScriptedSmtpServer::start);
  }

  /** A server that offers STARTTLS with {@code tls} for each test. */
  public ScriptedSmtpServerExtension(SSLContext tls) {
    super(() -> ScriptedSmtpServer.startWithStartTls(tls));
  }
}
