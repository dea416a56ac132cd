package org.onionmx.testing.socks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies bytes both ways between a client and a local server, applying a cut fault on the
 * client-to-server direction.
 */
final class Pump {
  private static final byte[] END_OF_DATA = {'\r', '\n', '.', '\r', '\n'};

  private final FakeTorProxy proxy;
  private final Socket client;
  private final Socket server;
  private final Fault fault;
  private volatile boolean cut;

  Pump(FakeTorProxy proxy, Socket client, Socket server, Fault fault) {
    this.proxy = proxy;
    this.client = client;
    this.server = server;
    this.fault = fault;
  }

  /** Runs on the session's thread until the client stops sending or the fault cuts. */
  void clientToServer(InputStream in) throws IOException {
    OutputStream out = server.getOutputStream();
    long limit = fault instanceof Fault.CutAfterClientBytes c ? c.bytes() : Long.MAX_VALUE;
    boolean watchEnd =
        fault instanceof Fault.CutBeforeEndOfData || fault instanceof Fault.CutAfterEndOfData;
    long sent = 0;
    int matched = 0; // bytes of END_OF_DATA matched so far, across reads
    byte[] buffer = new byte[8192];
    boolean ok = false;
    try {
      while (sent < limit) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
        if (n < 0) {
          server.shutdownOutput(); // pass the half-close on; the reply still flows back
          ok = true;
          return;
        }
        if (watchEnd) {
          for (int i = 0; i < n; i++) {
            matched = buffer[i] == END_OF_DATA[matched] ? matched + 1 : (buffer[i] == '\r' ? 1 : 0);
            if (matched == END_OF_DATA.length) {
              boolean after = fault instanceof Fault.CutAfterEndOfData;
              cutAt(out, buffer, after ? i + 1 : Math.max(0, i + 1 - matched));
              ok = true;
              return;
            }
          }
        }
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
      }
      cutAt(out, buffer, 0);
      ok = true;
    } finally {
      if (!ok) {
        proxy.closeQuietly(server);
      }
    }
  }

  /** Forwards the last bytes, then cuts the client off; the server side closes on its reply. */
  private void cutAt(OutputStream out, byte[] buffer, int forward) throws IOException {
    cut = true;
    proxy.closeQuietly(client);
    if (forward > 0) {
      out.write(buffer, 0, forward);
      out.flush();
    }
    if (fault instanceof Fault.CutAfterEndOfData) {
      return; // serverToClient drops the reply and then closes the server side
    }
    proxy.closeQuietly(server);
  }

  void serverToClient() {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = server.getInputStream();
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (cut) {
          break; // the server's reply to the final dot is lost, as on a broken circuit
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      if (!cut) {
        client.shutdownOutput();
      }
    } catch (IOException e) {
      // either side went away
    } finally {
      proxy.closeQuietly(server);
      if (!cut) {
        proxy.closeQuietly(client);
      }
    }
  }
}
