package org.onionmx.jakarta.mail;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds a second copy of Jakarta Mail on the class path. Spring Boot's {@code
 * spring-boot-starter-mail} brings {@code org.eclipse.angus:jakarta.mail} (API and implementation
 * in one jar), while this library depends on {@code jakarta.mail:jakarta.mail-api} and {@code
 * org.eclipse.angus:angus-mail}, as Angus recommends: with both, every class is there twice and
 * which one loads depends on the class path's order. Maven cannot tell that the two are the same
 * code, so the build has to exclude one side; this says which, once, at the first send.
 */
final class JakartaMailCopies {
  static final String API_CLASS = "jakarta/mail/Session.class";
  static final String SMTP_CLASS = "org/eclipse/angus/mail/smtp/SMTPTransport.class";

  private JakartaMailCopies() {}

  /** The jars (or folders) that hold {@code resource}, in class-path order. */
  static List<URL> copiesOf(ClassLoader loader, String resource) {
    try {
      return Collections.list(loader.getResources(resource));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A warning naming the copies and the exclusion to add, or null if there is one copy each. */
  static String warning(ClassLoader loader) {
    List<String> twice = new ArrayList<>();
    for (String resource : List.of(API_CLASS, SMTP_CLASS)) {
      List<URL> copies = copiesOf(loader, resource);
      if (copies.size() > 1) {
        twice.add(resource + " in " + copies);
      }
    }
    if (twice.isEmpty()) {
      return null;
    }
    return "Jakarta Mail is on the class path more than once ("
        + String.join("; ", twice)
        + "): which copy loads depends on the class path's order. With"
        + " spring-boot-starter-mail, exclude org.eclipse.angus:jakarta.mail from it, or depend"
        + " on spring-context-support instead (see docs/jakarta-mail.md, Spring Boot)";
  }
}
