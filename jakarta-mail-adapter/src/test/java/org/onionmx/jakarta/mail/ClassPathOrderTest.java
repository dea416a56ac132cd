package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onionmx.deliver.OnionMailer;
import org.slf4j.Logger;
import org.xbill.DNS.Lookup;
import org.yaml.snakeyaml.Yaml;

/**
 * Jakarta Mail reads only one of {@code META-INF/jakarta.providers} and {@code
 * META-INF/javamail.providers}, and Angus's jar has both: {@code onion-smtp} must be found whether
 * Angus's jar comes before or after ours on the class path. Each order gets a fresh class loader,
 * so a fresh Jakarta Mail.
 */
class ClassPathOrderTest {
  private static URL jarOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void onionSmtpIsFoundWithAngusBeforeOrAfterUs(boolean angusFirst) throws Exception {
    URL ours = jarOf(OnionSmtpTransport.class);
    URL angus = jarOf(SMTPTransport.class);
    List<URL> path = new ArrayList<>(angusFirst ? List.of(angus, ours) : List.of(ours, angus));
    for (Class<?> c :
        List.of(
            Session.class,
            DataHandler.class,
            OnionMailer.class,
            Lookup.class,
            Yaml.class,
            Logger.class)) {
      path.add(jarOf(c));
    }
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> session = loader.loadClass(Session.class.getName());
      Object s = session.getMethod("getInstance", Properties.class).invoke(null, new Properties());
      Object transport = session.getMethod("getTransport", String.class).invoke(s, "onion-smtp");

      assertEquals(OnionSmtpTransport.class.getName(), transport.getClass().getName());
      assertEquals(loader, transport.getClass().getClassLoader());
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
