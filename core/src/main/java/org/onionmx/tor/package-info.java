/**
 * Talking to the local Tor daemon: a SOCKS5 connector that never resolves a name locally and
 * isolates streams per destination, and Tor control (bootstrap, health, recovery).
 */
package org.onionmx.tor;
