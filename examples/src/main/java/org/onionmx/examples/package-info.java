/**
 * Small runnable programs: the resolver on its own, plain Jakarta Mail, {@code Transport.send} with
 * {@link org.onionmx.jakarta.mail.OnionSmtp#useForAllMail}, and Spring's {@code
 * JavaMailSenderImpl}. Each is run by the build's tests against loopback fixtures.
 */
package org.onionmx.examples;
