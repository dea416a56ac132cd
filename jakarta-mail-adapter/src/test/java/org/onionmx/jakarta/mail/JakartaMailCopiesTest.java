package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One copy of Jakarta Mail on the class path, and a clear warning when a build has two. */
class JakartaMailCopiesTest {
  private static URL jarOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void thisModulesClassPathHasOneCopyOfEach() {
    ClassLoader loader = getClass().getClassLoader();
    assertEquals(1, JakartaMailCopies.copiesOf(loader, JakartaMailCopies.API_CLASS).size());
    assertEquals(1, JakartaMailCopies.copiesOf(loader, JakartaMailCopies.SMTP_CLASS).size());
    assertNull(JakartaMailCopies.warning(loader));
  }

  @Test
  void aSecondCopyIsNamedWithTheExclusionToAdd(@TempDir Path dir) throws Exception {
    // what spring-boot-starter-mail's org.eclipse.angus:jakarta.mail adds: the same classes again
    Path copy = dir.resolve("jakarta.mail-2.0.5.jar");
    Files.copy(Path.of(jarOf(Session.class).toURI()), copy);
    URL[] path = {jarOf(Session.class), jarOf(SMTPTransport.class), copy.toUri().toURL()};
    try (URLClassLoader loader = new URLClassLoader(path, null)) {
      String warning = JakartaMailCopies.warning(loader);
      assertTrue(warning != null && warning.contains("jakarta.mail-2.0.5.jar"), warning);
      assertTrue(warning.contains("exclude org.eclipse.angus:jakarta.mail"), warning);
    }
  }
}
