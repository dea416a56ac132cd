package org.onionmx.spring.boot;

import org.onionmx.jakarta.mail.OnionSmtpStack;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tor} health indicator ({@link TorHealthIndicator}), with Actuator on the class path;
 * {@code management.health.tor.enabled=false} turns it off.
 */
@AutoConfiguration(after = OnionmxAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(OnionSmtpStack.class)
@ConditionalOnEnabledHealthIndicator("tor")
public class OnionmxHealthContributorAutoConfiguration {
  /** The {@code tor} component: bean name {@code torHealthIndicator}. */
  @Bean
  @ConditionalOnMissingBean(name = "torHealthIndicator")
  HealthIndicator torHealthIndicator(OnionSmtpStack stack, OnionmxProperties onionmx) {
    OnionmxProperties.Control c = onionmx.getControl();
    boolean control =
        c.getHost() != null || c.getPort() != null || c.getPassword() != null
            || c.getCookie() != null;
    return new TorHealthIndicator(stack, control, onionmx.getHealth().getProbeTimeout());
  }
}
