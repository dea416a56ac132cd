package org.onionmx.testing.socks;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One client connection to {@link FakeTorProxy}: the SOCKS5 server side of the handshake, the
 * chosen fault, and the byte pumps. I/O errors end the session quietly: a client that went away is
 * normal for a proxy.
 */
final class ProxySession implements Runnable {
  private static final byte[] SUCCESS = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;

  private final FakeTorProxy proxy;
  private final Socket client;

  ProxySession(FakeTorProxy proxy, Socket client) {
    this.proxy = proxy;
    this.client = client;
  }

  @Override
  public void run() {
    try {
      handle();
    } catch (IOException | InterruptedException e) {
      // the client went away, or the proxy is closing
    } finally {
      proxy.closeQuietly(client);
    }
  }

  private void handle() throws IOException, InterruptedException {
    client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
    DataInputStream in = new DataInputStream(client.getInputStream());
    OutputStream out = client.getOutputStream();
    if (in.readUnsignedByte() != 5) {
      return;
    }
    List<Integer> methods = new ArrayList<>();
    int count = in.readUnsignedByte();
    for (int i = 0; i < count; i++) {
      methods.add(in.readUnsignedByte());
    }
    String username = null;
    String password = null;
    if (methods.contains(2)) { // like Tor: user name/password whenever offered
      out.write(new byte[] {5, 2});
      if (in.readUnsignedByte() != 1) {
        return;
      }
      username = readString(in, in.readUnsignedByte());
      password = readString(in, in.readUnsignedByte());
      out.write(new byte[] {1, 0});
    } else if (methods.contains(0)) {
      out.write(new byte[] {5, 0});
    } else {
      out.write(new byte[] {5, (byte) 0xFF});
      return;
    }
    if (in.readUnsignedByte() != 5) {
      return;
    }
    int command = in.readUnsignedByte();
    in.readUnsignedByte();
    int atyp = in.readUnsignedByte();
    String host;
    switch (atyp) {
      case ConnectRequest.IPV4:
        host = InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
        break;
      case ConnectRequest.IPV6:
        host = InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
        break;
      case ConnectRequest.DOMAIN:
        host = readString(in, in.readUnsignedByte());
        break;
      default:
        out.write(reply(0x08));
        return;
    }
    int port = in.readUnsignedShort();
    ConnectRequest request =
        new ConnectRequest(methods, command, atyp, host, port, username, password);
    proxy.record(request);
    if (command != 1) {
      out.write(reply(0x07));
      return;
    }
    if (request.isIpDestination()) {
      out.write(reply(0x02));
      return;
    }
    Fault fault = proxy.faultFor(request);
    apply(fault, request, in, out);
  }

  private void apply(Fault fault, ConnectRequest request, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    if (fault instanceof Fault.Delay d) {
      Thread.sleep(d.delay().toMillis());
      apply(d.then(), request, in, out);
    } else if (fault instanceof Fault.Reply r) {
      out.write(reply(r.code()));
    } else if (fault instanceof Fault.Garbage g) {
      out.write(g.bytes());
    } else if (fault instanceof Fault.CloseWithoutReply) {
      return;
    } else if (fault instanceof Fault.DripReply d) {
      Integer localPort = proxy.routeFor(request.host());
      for (byte b : SUCCESS) {
        out.write(b);
        out.flush();
        Thread.sleep(d.interval().toMillis());
      }
      if (localPort != null) {
        forward(fault, request, in, out, false);
      }
    } else {
      forward(fault, request, in, out, true);
    }
  }

  private void forward(
      Fault fault, ConnectRequest request, InputStream in, OutputStream out, boolean answer)
      throws IOException, InterruptedException {
    Integer localPort = proxy.routeFor(request.host());
    if (localPort == null) {
      out.write(reply(request.host().toLowerCase(Locale.ROOT).endsWith(".onion") ? 0xF0 : 0x04));
      return;
    }
    Socket server = new Socket();
    proxy.track(server);
    try {
      server.setTcpNoDelay(true);
      server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort), 5_000);
    } catch (ConnectException e) {
      proxy.closeQuietly(server);
      out.write(reply(0x01)); // what Tor answers when the onion's server is down
      return;
    }
    if (answer) {
      out.write(SUCCESS);
    }
    client.setSoTimeout(0);
    Pump pump = new Pump(proxy, client, server, fault);
    Future<?> back = proxy.execute(pump::serverToClient);
    pump.clientToServer(in);
    try {
      back.get(); // keep the client open until the server's last bytes reached it
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  private static String readString(DataInputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException();
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  static byte[] reply(int code) {
    return new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0};
  }
}
