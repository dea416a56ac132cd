package org.onionmx.tor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * A direct socket to the SOCKS proxy that reports the destination as its peer: {@link
 * #getInetAddress()} is an address named after the destination host (with the proxy's address
 * bytes, so nothing ever looks it up) and {@link #getPort()} is the destination port.
 *
 * <p>Why: Angus Mail reads {@code getInetAddress().getHostName()} on the socket it is given; an
 * unresolved address makes it throw a NullPointerException, and a plain socket to 127.0.0.1 would
 * make it do a reverse look-up. Created with {@link Proxy#NO_PROXY} so that no system proxy setting
 * or {@link java.net.ProxySelector} is consulted for the hop to Tor.
 */
final class TorStreamSocket extends Socket {
  private final InetAddress destination;
  private final int destinationPort;

  /**
   * @param host the destination host name, as sent to Tor
   * @param port the destination port
   * @param proxy the proxy's IP address; its bytes stand in for the destination's
   */
  TorStreamSocket(String host, int port, InetAddress proxy) throws UnknownHostException {
    super(Proxy.NO_PROXY);
    this.destination = InetAddress.getByAddress(host, proxy.getAddress());
    this.destinationPort = port;
  }

  /** The destination, named by its host name, without any look-up; null until connected. */
  @Override
  public InetAddress getInetAddress() {
    return isConnected() ? destination : null;
  }

  /** The destination port; 0 until connected. */
  @Override
  public int getPort() {
    return isConnected() ? destinationPort : 0;
  }

  /** The destination as a socket address, without any look-up; null until connected. */
  @Override
  public SocketAddress getRemoteSocketAddress() {
    return isConnected() ? new InetSocketAddress(destination, destinationPort) : null;
  }

  @Override
  public String toString() {
    return "TorStreamSocket[" + destination.getHostName() + ":" + destinationPort + "]";
  }
}
