package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Jakarta Mail finds {@code onion-smtp} next to Angus Mail's own providers. */
class ProviderRegistrationTest {
  private static final String LINE =
      "protocol=onion-smtp; type=transport; class=org.onionmx.jakarta.mail.OnionSmtpTransport;";

  @Test
  void sessionFindsOnionSmtpWhileAngusProvidersAreOnTheClassPath() throws Exception {
    Session session = Session.getInstance(new Properties());

    assertInstanceOf(OnionSmtpTransport.class, session.getTransport("onion-smtp"));
    assertInstanceOf(SMTPTransport.class, session.getTransport("smtp"));
    assertEquals(Provider.Type.TRANSPORT, session.getProvider("onion-smtp").getType());
  }

  @Test
  void serviceLoaderFindsTheProvider() {
    List<String> protocols = new ArrayList<>();
    for (Provider p : ServiceLoader.load(Provider.class)) {
      protocols.add(p.getProtocol() + "=" + p.getClassName());
    }
    assertTrue(
        protocols.contains("onion-smtp=" + OnionSmtpTransport.class.getName()),
        protocols.toString());
  }

  /**
   * Jakarta Mail reads only the first of the two names found anywhere; Angus ships both, so ours
   * must be listed under both, or an Angus jar earlier on the class path hides it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jakarta.providers", "javamail.providers"})
  void providerFileListsTheTransportAlongsideAngusOwn(String name) throws IOException {
    List<URL> files =
        Collections.list(getClass().getClassLoader().getResources("META-INF/" + name));
    List<String> texts = new ArrayList<>();
    for (URL url : files) {
      try (InputStream in = url.openStream()) {
        texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertTrue(texts.size() >= 2, "ours and Angus's: " + files);
    assertTrue(texts.stream().anyMatch(t -> t.contains(LINE)), texts.toString());
    assertTrue(texts.stream().anyMatch(t -> t.contains("protocol=pop3;")), texts.toString());
  }

  @Test
  void useForAllMailMakesItTheTransportForInternetAddresses() throws Exception {
    Properties p = OnionSmtp.useForAllMail(new Properties());
    Session session = Session.getInstance(p);

    assertEquals("onion-smtp", p.getProperty("mail.transport.protocol"));
    assertEquals("onion-smtp", p.getProperty("mail.transport.protocol.rfc822"));
    assertInstanceOf(OnionSmtpTransport.class, session.getTransport());
    assertInstanceOf(
        OnionSmtpTransport.class, session.getTransport(new InternetAddress("bob@example.org")));
  }
}
