/**
 * SMTP servers for tests: {@link org.onionmx.testing.smtp.ScriptedSmtpServer} answers each command
 * as scripted (any 4xx/5xx per recipient, a 421 greeting, a failing final "."), offers STARTTLS
 * with a test certificate, and records what it saw (EHLO names, TLS server names, transactions).
 * {@link org.onionmx.testing.smtp.HostileSmtpServer} sends without end (an endless banner, line or
 * reply), for tests that a client bounds what it reads. GreenMail 2.1.13, the other sink, has no
 * STARTTLS and accepts every recipient.
 */
package org.onionmx.testing.smtp;
