package org.onionmx.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.onionmx.jakarta.mail.OnionSmtpStack;
import org.onionmx.tor.TorHealth;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for deliveries ({@link DeliveryMetrics}, a delivery listener the shared stack
 * is built with) and for the Tor health monitor ({@link TorHealthMetrics}), with Micrometer on the
 * class path; {@code onionmx.metrics.enabled=false} turns them off. Boot binds both to the
 * application's meter registry. The listener's bean definition is registered here, after the stack's,
 * but before any bean is created, so the stack is built with it. The session pool is not metered: the core does not expose its
 * counts.
 */
@AutoConfiguration(after = OnionmxAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(OnionSmtpStack.class)
@ConditionalOnProperty(prefix = "onionmx.metrics", name = "enabled", matchIfMissing = true)
public class OnionmxMetricsAutoConfiguration {
  /** Counts deliveries; the stack's mailer tells it of each one. */
  @Bean
  static DeliveryMetrics onionmxDeliveryMetrics() {
    return new DeliveryMetrics();
  }

  /** The Tor health monitor's state and counts. */
  @Bean
  TorHealthMetrics onionmxTorHealthMetrics(TorHealth health) {
    return new TorHealthMetrics(health);
  }
}
