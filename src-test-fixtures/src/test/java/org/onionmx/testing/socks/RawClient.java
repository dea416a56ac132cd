package org.onionmx.testing.socks;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level SOCKS5 client for testing the proxy, including requests a good client never sends.
 */
final class RawClient implements AutoCloseable {
  final Socket socket;
  final DataInputStream in;
  int method;

  RawClient(int proxyPort, int... methods) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    byte[] greeting = new byte[2 + methods.length];
    greeting[0] = 5;
    greeting[1] = (byte) methods.length;
    for (int i = 0; i < methods.length; i++) {
      greeting[2 + i] = (byte) methods[i];
    }
    send(greeting);
    in.readUnsignedByte();
    method = in.readUnsignedByte();
  }

  /** Sends RFC 1929 credentials; returns the status. */
  int authenticate(String user, String password) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(1);
    b.write(user.length());
    b.writeBytes(user.getBytes(StandardCharsets.US_ASCII));
    b.write(password.length());
    b.writeBytes(password.getBytes(StandardCharsets.US_ASCII));
    send(b.toByteArray());
    in.readUnsignedByte();
    return in.readUnsignedByte();
  }

  /** CONNECT to a name (ATYP 3); returns the reply code. */
  int connect(String host, int port) throws IOException {
    byte[] name = host.getBytes(StandardCharsets.US_ASCII);
    byte[] address = new byte[1 + name.length];
    address[0] = (byte) name.length;
    System.arraycopy(name, 0, address, 1, name.length);
    return connect(3, address, port);
  }

  /** CONNECT with any address type and raw address bytes; returns the reply code. */
  int connect(int atyp, byte[] address, int port) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {5, 1, 0, (byte) atyp});
    b.writeBytes(address);
    b.write(port >>> 8);
    b.write(port & 0xFF);
    send(b.toByteArray());
    in.readUnsignedByte();
    int code = in.readUnsignedByte();
    in.readNBytes(8); // RSV, ATYP 1, address, port
    return code;
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Everything until the proxy closes the stream, as ASCII. */
  String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
