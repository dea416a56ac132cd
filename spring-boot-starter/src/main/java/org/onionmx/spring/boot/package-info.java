/**
 * Spring Boot auto-configuration for onionmx: a {@code JavaMailSender} over {@code onion-smtp} from
 * {@code onionmx.*} properties, the shared stack's resolver, mailer and sender as beans, a {@code
 * tor} health indicator and Micrometer delivery metrics. See {@code docs/spring-boot.md}.
 */
package org.onionmx.spring.boot;
