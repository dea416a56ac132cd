package org.onionmx.spring.boot;

import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Properties;
import org.onionmx.deliver.DeliveryListener;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.jakarta.mail.OnionSmtp;
import org.onionmx.jakarta.mail.OnionSmtpStack;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.TorHealth;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A {@link JavaMailSender} that sends over {@code onion-smtp}, and the delivery stack it shares
 * with code that calls the core directly.
 *
 * <p><b>Which sender wins.</b> This runs before Boot's {@code MailSenderAutoConfiguration}, and
 * both back off when the application defines its own {@code JavaMailSender}. So: an application
 * bean first; else this one, with or without {@code spring.mail.host}; Boot's plain-SMTP sender
 * never (set {@code onionmx.enabled=false} to get it back). With {@code spring.mail.host} set,
 * Boot's {@code spring.mail.*} (host, port, username, password, default-encoding, properties, and
 * {@code protocol=smtps} as implicit TLS) is the relay for domains without an onion route; without
 * it the policy defaults to onion-only and nothing leaves over the clearnet.
 *
 * <p><b>One stack.</b> The sender's session properties and the {@link OnionSmtpStack} bean are
 * built from the same {@code onionmx.*} values and the same listener, so the adapter gives both the
 * same shared stack: the {@link OnionResolver}, {@link OnionMailer}, {@link OnionSender} and {@link
 * TorHealth} beans are the ones the sender delivers with. The {@link DeliveryListener} beans of the
 * context are told of every delivery; a listener bean must therefore not depend on these beans.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration")
@ConditionalOnClass({JavaMailSenderImpl.class, OnionSmtp.class})
@ConditionalOnProperty(prefix = "onionmx", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({OnionmxProperties.class, MailProperties.class})
public class OnionmxAutoConfiguration {
  /** Bean name of the session properties both the sender and the stack are built from. */
  static final String SESSION_PROPERTIES = "onionmxSessionProperties";

  /**
   * The {@code onion-smtp} session properties (without the relay's host, port and credentials,
   * which the sender passes to {@code connect}). Package-private: read it through the sender.
   */
  @Bean(SESSION_PROPERTIES)
  static OnionSmtpSessionProperties onionmxSessionProperties(
      OnionmxProperties onionmx, MailProperties mail, ObjectProvider<DeliveryListener> listeners) {
    List<DeliveryListener> beans = listeners.orderedStream().toList();
    MailProperties relay = mail.getHost() != null ? mail : null;
    return new OnionSmtpSessionProperties(
        SessionProperties.of(onionmx, relay, beans.isEmpty() ? null : DeliveryListener.all(beans)),
        relay);
  }

  /**
   * The onion sender: Spring's {@link JavaMailSenderImpl} with protocol {@code onion-smtp}; Boot's
   * {@code spring.mail.*} relay when {@code spring.mail.host} is set.
   */
  @Bean
  @ConditionalOnMissingBean(JavaMailSender.class)
  JavaMailSenderImpl mailSender(@Qualifier(SESSION_PROPERTIES) OnionSmtpSessionProperties session) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setProtocol(OnionSmtp.PROTOCOL);
    Properties p = new Properties();
    p.putAll(session.properties());
    sender.setJavaMailProperties(p);
    MailProperties relay = session.relay();
    if (relay != null) {
      sender.setHost(relay.getHost());
      if (relay.getPort() != null) {
        sender.setPort(relay.getPort());
      }
      sender.setUsername(relay.getUsername());
      sender.setPassword(relay.getPassword());
      if (relay.getDefaultEncoding() != null) {
        sender.setDefaultEncoding(relay.getDefaultEncoding().name());
      }
    }
    return sender;
  }

  /**
   * The shared delivery stack for this configuration, held while the context runs and let go (and
   * closed, if no transport holds it) when it closes.
   */
  @Bean
  @ConditionalOnMissingBean
  OnionSmtpStack onionSmtpStack(@Qualifier(SESSION_PROPERTIES) OnionSmtpSessionProperties session)
      throws MessagingException {
    return OnionSmtp.stack(session.properties());
  }

  /** The stack's resolver: the pinned map and the SRV cache. */
  @Bean(destroyMethod = "")
  OnionResolver onionResolver(OnionSmtpStack stack) {
    return stack.resolver();
  }

  /** The stack's mailer, with its pool of onion sessions; the stack closes it, not the context. */
  @Bean(destroyMethod = "")
  OnionMailer onionMailer(OnionSmtpStack stack) {
    return stack.mailer();
  }

  /** The stack's resolver and mailer as one sender. */
  @Bean(destroyMethod = "")
  OnionSender onionSender(OnionSmtpStack stack) {
    return stack.sender();
  }

  /** The stack's Tor health monitor. */
  @Bean(destroyMethod = "")
  TorHealth onionTorHealth(OnionSmtpStack stack) {
    return stack.health();
  }
}
