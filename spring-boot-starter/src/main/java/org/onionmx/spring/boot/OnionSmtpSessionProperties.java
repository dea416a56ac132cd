package org.onionmx.spring.boot;

import java.util.Properties;
import org.springframework.boot.autoconfigure.mail.MailProperties;

/**
 * The {@code onion-smtp} session properties built from {@code onionmx.*}, and Boot's relay if
 * {@code spring.mail.host} is set: the one input of both the sender and the shared stack.
 *
 * @param properties never changed after construction
 * @param relay Boot's mail properties, or null without {@code spring.mail.host}
 */
record OnionSmtpSessionProperties(Properties properties, MailProperties relay) {}
