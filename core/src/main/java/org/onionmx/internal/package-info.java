/**
 * Not API: helpers shared by onionmx's own modules (the core packages, the Jakarta Mail adapter and
 * the command-line tool). The module descriptor exports this package only to those modules; on the
 * class path it is visible, but it may change in any release without notice. Applications use
 * {@link org.onionmx.resolve}, {@link org.onionmx.tor} and {@link org.onionmx.deliver}.
 */
package org.onionmx.internal;
