/**
 * Talking to the local Tor daemon: a SOCKS5 connector that never resolves a name locally and
 * isolates streams per destination, Tor control (bootstrap, health, recovery), and a {@code tor}
 * process the library starts and owns for applications that run no system Tor.
 */
package org.onionmx.tor;
