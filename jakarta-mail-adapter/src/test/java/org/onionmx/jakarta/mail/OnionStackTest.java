package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings the application left unset reach the core as the core's own defaults. */
class OnionStackTest {
  private static String mailerOf(String... keyValues) throws Exception {
    Properties p = new Properties();
    p.setProperty("mail.onion-smtp.map", "none");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    try (OnionStack stack = OnionStack.open(OnionSmtpSettings.from(p))) {
      return stack.mailer.toString();
    }
  }

  @Test
  void unsetKeysLeaveTheCoresDefaults() throws Exception {
    assertEquals("OnionMailer[isolation=PER_DESTINATION, tls=OFF]", mailerOf());
  }

  @Test
  void setKeysAreApplied() throws Exception {
    assertEquals(
        "OnionMailer[isolation=PER_MESSAGE, tls=REQUIRED]",
        mailerOf(
            "mail.onion-smtp.isolation", "per-message", "mail.onion-smtp.starttls", "required"));
  }
}
