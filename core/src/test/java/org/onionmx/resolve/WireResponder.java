package org.onionmx.resolve;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) that answers every query with the same raw
 * bytes, whatever they are, only with the query's id written over the first two: the fuzz input
 * reaches dnsjava's parser and the resolver as if a real server had sent it. With fewer than two
 * bytes the reply is sent as it is. One query at a time is enough for the fuzz tests.
 */
final class WireResponder implements AutoCloseable {
  private static final int BIND_ATTEMPTS = 20;

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private volatile byte[] reply = new byte[0];

  private WireResponder(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    daemon(this::udpLoop, "wire-responder-udp");
    daemon(this::tcpLoop, "wire-responder-tcp");
  }

  static WireResponder start() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; ; i++) {
      DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0));
      ServerSocket t = new ServerSocket();
      try {
        t.bind(new InetSocketAddress(lo, u.getLocalPort()), 50);
        return new WireResponder(u, t);
      } catch (BindException e) {
        u.close();
        t.close();
        if (i == BIND_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  /** Sets the bytes every following query is answered with. */
  void reply(byte[] bytes) {
    reply = bytes.clone();
  }

  private byte[] replyTo(byte[] query, int length) {
    byte[] out = reply.clone();
    if (out.length >= 2 && length >= 2) {
      out[0] = query[0];
      out[1] = query[1];
    }
    return out;
  }

  private void udpLoop() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] out = replyTo(p.getData(), p.getLength());
        udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        // closed, or the client is gone
      }
    }
  }

  private void tcpLoop() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept();
          DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        byte[] answer = replyTo(query, query.length);
        out.writeShort(Math.min(answer.length, 65535));
        out.write(answer, 0, Math.min(answer.length, 65535));
        out.flush();
      } catch (IOException e) {
        // closed, or the client is gone
      }
    }
  }

  private static void daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
