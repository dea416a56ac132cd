/**
 * Test fixtures shared by every module's tests: loopback-only servers (DNS, SOCKS5, SMTP) and
 * launchers for real daemons (Knot, Tor). Nothing here depends on onionmx code.
 */
package org.onionmx.testing;
